/*
 * /dev/random and /dev/urandom: one ChaCha20 generator (lib/chacha20.c,
 * RFC 8439 §2.3) for both, as Linux has since 5.6. Its 256-bit key is
 * seeded at boot from virtio-rng (when a device is bound), RDRAND (when
 * the CPU has it) and TSC jitter, folded through ChaCha20 itself. Each
 * request of up to DEVFS_RNG_CHUNK bytes is keystream from a counter that
 * only goes up, and ends by replacing the key with fresh keystream (fast
 * key erasure: earlier output cannot be recomputed from the state) mixed
 * with a new RDRAND word and TSC reading; every DEVFS_RNG_RESEED bytes
 * the key is also mixed with virtio-rng output. Writes are accepted and
 * mixed into the key, as Linux does (without crediting entropy).
 * Locking: rng_lock (a mutex) guards the key, nonce and counters.
 */
#include "arch/arch.h"
#include "core/log.h"
#include "drivers/virtio/rng.h"
#include "fs/devfs/devfs_internal.h"
#include "fs/file.h"
#include "lib/chacha20.h"
#include "lib/string.h"
#include "sync/mutex.h"

#define LOG_PREFIX "devfs: "

#define DEVFS_RNG_CHUNK 4096	    // bytes per key, then the key is replaced
#define DEVFS_RNG_RESEED (1u << 20) // bytes between virtio-rng reseeds
#define DEVFS_RNG_JITTER 64	    // TSC samples at boot

static struct mutex rng_lock;
/* Protected by rng_lock: */
static uint32_t rng_key[CHACHA20_KEY_WORDS];
static uint32_t rng_nonce[CHACHA20_NONCE_WORDS];
static uint32_t rng_counter;
static uint64_t rng_since_reseed;

/* Replace the key with keystream block @rng_counter XORed with @extra
 * (up to 8 words). rng_lock held. */
static void rng_rekey_locked(const uint32_t *extra, size_t nwords)
{
	uint8_t blk[CHACHA20_BLOCK_SIZE];

	if (rng_counter == UINT32_MAX) { // a new nonce before the counter wraps
		rng_nonce[0]++;
		rng_counter = 0;
	}
	chacha20_block(rng_key, rng_counter++, rng_nonce, blk);
	for (size_t i = 0; i < CHACHA20_KEY_WORDS; i++)
		rng_key[i] = chacha20_le32(blk + 4 * i) ^ (i < nwords ? extra[i] : 0);
	memset(blk, 0, sizeof(blk));
}

/* Cheap fresh input: an RDRAND word (if any) and the TSC. */
static void rng_stir_locked(void)
{
	uint32_t extra[4] = { 0 };
	uint64_t r = 0, t = arch_cycles();

	if (arch_random_u64(&r)) {
		extra[0] = (uint32_t)r;
		extra[1] = (uint32_t)(r >> 32);
	}
	extra[2] = (uint32_t)t;
	extra[3] = (uint32_t)(t >> 32);
	rng_rekey_locked(extra, 4);
}

/* Mix 32 bytes of virtio-rng output in, when there is a device. May sleep. */
static void rng_reseed_device_locked(void)
{
	uint32_t extra[CHACHA20_KEY_WORDS];

	if (!virtio_rng_present() || virtio_rng_read(extra, sizeof(extra)))
		return;
	rng_rekey_locked(extra, CHACHA20_KEY_WORDS);
	memset(extra, 0, sizeof(extra));
}

void devfs_random_init(void)
{
	uint32_t extra[CHACHA20_KEY_WORDS] = { 0 };
	int sources = 0;

	mutex_init(&rng_lock, "devfs_rng");
	mutex_lock(&rng_lock);
	for (int i = 0; i < DEVFS_RNG_JITTER; i++) { // timing noise of the loop itself
		uint64_t t = arch_cycles();

		extra[i % CHACHA20_KEY_WORDS] ^= (uint32_t)(t * 0x9e3779b9u) ^ (uint32_t)(t >> 29);
		arch_cpu_relax();
	}
	rng_rekey_locked(extra, CHACHA20_KEY_WORDS);
	for (int i = 0; i < CHACHA20_KEY_WORDS / 2; i++) {
		uint64_t r;

		if (!arch_random_u64(&r))
			break;
		extra[2 * i] = (uint32_t)r;
		extra[2 * i + 1] = (uint32_t)(r >> 32);
		sources |= 1;
	}
	if (sources)
		rng_rekey_locked(extra, CHACHA20_KEY_WORDS);
	if (virtio_rng_present()) {
		rng_reseed_device_locked();
		sources |= 2;
	}
	rng_nonce[1] = (uint32_t)arch_cycles();
	mutex_unlock(&rng_lock);
	memset(extra, 0, sizeof(extra));
	log_info("random seeded from%s%s TSC jitter\n", sources & 2 ? " virtio-rng," : "",
		 sources & 1 ? " RDRAND," : "");
}

void devfs_random_fill(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		size_t chunk = n < DEVFS_RNG_CHUNK ? n : DEVFS_RNG_CHUNK;
		uint32_t blocks =
			(uint32_t)((chunk + CHACHA20_BLOCK_SIZE - 1) / CHACHA20_BLOCK_SIZE);

		mutex_lock(&rng_lock);
		if (rng_counter > UINT32_MAX - blocks - 1) {
			rng_nonce[0]++;
			rng_counter = 0;
		}
		memset(p, 0, chunk);
		chacha20_xor(rng_key, rng_counter, rng_nonce, p, chunk);
		rng_counter += blocks;
		rng_since_reseed += chunk;
		if (rng_since_reseed >= DEVFS_RNG_RESEED) {
			rng_since_reseed = 0;
			rng_reseed_device_locked();
		}
		rng_stir_locked(); // the key that made this chunk is gone
		mutex_unlock(&rng_lock);
		p += chunk;
		n -= chunk;
	}
}

static ssize_t devfs_random_read(struct file *f, void *buf, size_t n, int64_t off)
{
	devfs_random_fill(buf, n);
	return (ssize_t)n;
}

/* Written bytes are folded into the key, 32 at a time. */
static ssize_t devfs_random_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	const uint8_t *p = buf;

	mutex_lock(&rng_lock);
	for (size_t done = 0; done < n; done += 32) {
		uint32_t extra[CHACHA20_KEY_WORDS] = { 0 };
		size_t k = n - done < 32 ? n - done : 32;

		memcpy(extra, p + done, k);
		rng_rekey_locked(extra, CHACHA20_KEY_WORDS);
	}
	mutex_unlock(&rng_lock);
	return (ssize_t)n;
}

static int devfs_random_fsync(struct file *f)
{
	return 0;
}

const struct file_ops devfs_random_fops = {
	.read = devfs_random_read,
	.write = devfs_random_write,
	.fsync = devfs_random_fsync,
};

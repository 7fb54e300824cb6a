/*
 * virtio-rng (drivers/virtio/rng.h). One request at a time: a 64-byte
 * device-writable buffer from kmalloc (physically contiguous: slab objects
 * never cross a page), posted on the request queue; the MSI-X handler
 * wakes the waiter, which takes the used entry under the queue lock. The
 * waiter re-checks the used ring after every wake-up, so a completion
 * racing with the interrupt is never lost. A request that times out
 * stays the device's: its chunk is not freed until the device returns it
 * (and its late answer is discarded), so the device never writes freed
 * memory and a stale used entry never answers a later request. The
 * device's lengths are checked by the virtqueue; a device that keeps
 * answering with nothing is given up after RNG_MAX_EMPTY tries.
 * Locking: rng_lock (a mutex) serialises requests; q_lock (IRQ-safe,
 * LOCK_RANK_DRIVER) guards the virtqueue.
 */
#include "drivers/virtio/rng.h"

#include "core/console.h"
#include "core/log.h"
#include "drivers/virtio/virtio_pci.h"
#include "include/uapi/errno.h"
#include "irq/irq.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/waitqueue.h"
#include "shell/shell.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_PREFIX "virtio-rng: "

#define CHUNK 64
#define RNG_TIMEOUT_NS NSEC_PER_SEC
#define RNG_MAX_PRINT 4096
#define RNG_MAX_EMPTY 8 /* zero-length answers in a row before giving up */

static struct virtio_dev vdev;
static struct virtq queue;
static bool present; /* Written once by probe */
static struct mutex rng_lock;
static struct spinlock q_lock = SPINLOCK_INIT("virtio_rng_q", LOCK_RANK_DRIVER);
static struct waitqueue done_wq = WAITQUEUE_INIT(done_wq, "virtio_rng");
static uint64_t interrupts; /* Atomic-ish: statistics */
/* Protected by q_lock: */
static unsigned int nr_abandoned; /* timed-out requests the device still owns */
static uint64_t late_answers;	  /* such requests returned later */

static void rng_interrupt(struct irq_ctx *ctx, void *data)
{
	interrupts++;
	waitq_wake_all(&done_wq);
}

/*
 * Take used entries until the one for @chunk: true when it is back (its
 * length in *@len). Any other cookie is a chunk whose request timed out
 * earlier and that the device has only now returned: it is ours again,
 * so it is freed and its late answer discarded. Each entry taken is a
 * request in flight (the virtqueue checks), so the loop is bounded.
 */
static bool take_used(uint8_t *chunk, uint32_t *len)
{
	unsigned long flags = spin_lock_irqsave(&q_lock);
	uint8_t *got;
	uint32_t n = 0;

	while ((got = virtq_get_used(&queue, &n)) && got != chunk) {
		nr_abandoned--;
		late_answers++;
		if (late_answers == 1)
			log_warn("late answer to a timed-out request discarded (logged once)\n");
		kfree(got); /* heap locks rank below q_lock */
	}
	spin_unlock_irqrestore(&q_lock, flags);
	if (got)
		*len = n;
	return got != NULL;
}

static bool answered_or_broken(uint8_t *chunk, uint32_t *len)
{
	return take_used(chunk, len) || virtq_is_broken(&queue);
}

/*
 * One request for @want bytes into @chunk. Returns 0 (*@got bytes
 * written, at most @want: the virtqueue refuses longer lengths) or -EIO.
 * On a timeout the device still owns @chunk: it is left posted, and
 * *@chunk_kept is false so the caller allocates another; take_used()
 * frees it when the device returns it.
 */
static int read_chunk(uint8_t *chunk, uint32_t want, uint32_t *got, bool *chunk_kept)
{
	struct virtq_buf b = { .pa = virt_to_phys_direct(chunk),
			       .len = want,
			       .device_writes = true };
	unsigned long flags = spin_lock_irqsave(&q_lock);
	int err = virtq_add(&queue, &b, 1, chunk);

	spin_unlock_irqrestore(&q_lock, flags);
	if (err)
		return -EIO; /* broken, or the ring full of timed-out requests */
	virtio_pci_notify(&vdev, 0, &queue);
	if (!wait_event_timeout(&done_wq, answered_or_broken(chunk, got), RNG_TIMEOUT_NS) ||
	    virtq_is_broken(&queue)) {
		if (!take_used(chunk, got)) { /* a last look: it may just have come */
			flags = spin_lock_irqsave(&q_lock);
			nr_abandoned++;
			spin_unlock_irqrestore(&q_lock, flags);
			*chunk_kept = false;
			log_err("no answer from the device in 1 s; its buffer stays with it\n");
			return -EIO;
		}
	}
	return 0;
}

int virtio_rng_read(void *buf, size_t len)
{
	unsigned int empty = 0;
	bool chunk_kept = true;
	uint8_t *chunk;
	size_t done = 0;
	int err = 0;

	if (!present)
		return -ENODEV;
	chunk = kmalloc(CHUNK);
	if (!chunk)
		return -ENOMEM;
	mutex_lock(&rng_lock);
	while (done < len && !err) {
		uint32_t got = 0;

		err = read_chunk(chunk, (uint32_t)MIN(len - done, (size_t)CHUNK), &got,
				 &chunk_kept);
		if (err)
			break;
		if (!got && ++empty >= RNG_MAX_EMPTY) {
			log_err("%u empty answers in a row; giving up\n", empty);
			err = -EIO;
			break;
		}
		if (got)
			empty = 0;
		memcpy((uint8_t *)buf + done, chunk, got);
		done += got;
	}
	mutex_unlock(&rng_lock);
	if (chunk_kept)
		kfree(chunk);
	return err;
}

bool virtio_rng_present(void)
{
	return present;
}

static int probe(struct pci_dev *d)
{
	int vector, err;

	if (present)
		return -EBUSY; /* one device is enough */
	err = virtio_pci_init(&vdev, d, 0);
	if (!err)
		err = pci_msix_map(d, &vdev.msix);
	if (err)
		return err;
	vector = irq_alloc_vector();
	if (vector < 0)
		return vector;
	err = irq_attach((unsigned int)vector, rng_interrupt, NULL, "virtio-rng");
	if (!err)
		err = virtio_pci_setup_queue(&vdev, 0, &queue, 0, (unsigned int)vector, 0);
	if (err) {
		virtio_pci_fail(&vdev);
		if (irq_free((unsigned int)vector))
			log_warn("vector %#x was not allocated\n", vector);
		return err;
	}
	queue.name = "virtio-rng";
	queue.lock = &q_lock;
	pci_msix_enable(d, &vdev.msix);
	virtio_pci_ready(&vdev);
	mutex_init(&rng_lock, "virtio_rng");
	present = true;
	log_info("%02x:%02x.%x: queue of %u, MSI-X vector %#x on CPU 0\n", d->bus, d->dev, d->fn,
		 queue.size, vector);
	return 0;
}

static const struct pci_id rng_ids[] = {
	{ 0x1af4, 0x1005 }, /* transitional */
	{ 0x1af4, 0x1044 }, /* modern: 0x1040 + device id 4 */
	{ 0, 0 },
};

static const struct pci_driver rng_driver = {
	.name = "virtio-rng",
	.ids = rng_ids,
	.probe = probe,
};

void virtio_rng_register(void)
{
	if (pci_register_driver(&rng_driver))
		log_err("cannot register the driver\n");
}

static int cmd_rng(int argc, char **argv)
{
	unsigned long long n;
	uint8_t *buf;
	int err;

	if (argc != 2 || kstrtoull(argv[1], 10, &n) < 0 || n == 0 || n > RNG_MAX_PRINT)
		return shell_usage(shell_find("rng"));
	buf = kmalloc(n);
	if (!buf) {
		kprintf("rng: out of memory\n");
		return 1;
	}
	err = virtio_rng_read(buf, n);
	if (err) {
		kprintf("rng: %s\n", err == -ENODEV ? "no virtio-rng device" : "device error");
		kfree(buf);
		return 1;
	}
	for (unsigned long long i = 0; i < n; i++)
		kprintf("%02x%s", buf[i], (i % 32 == 31 || i + 1 == n) ? "\n" : "");
	kfree(buf);
	return 0;
}

SHELL_COMMAND(rng, .name = "rng", .group = "devices",
	      .summary = "print N random bytes from the virtio-rng device",
	      .usage = "rng N   (1..4096)", .fn = cmd_rng);

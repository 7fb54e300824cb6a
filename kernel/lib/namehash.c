/*
 * Dentry-cache hash and hash chains (lib/namehash.h). The hash is a
 * multiply-xorshift over 8-byte words (the tail zero-padded, the length
 * mixed in so padding cannot collide with real bytes), finished with the
 * splitmix64 mixer so every bit of the result depends on every input bit.
 */
#include "lib/namehash.h"

#include "include/compiler.h"
#include "lib/mix.h"
#include "lib/string.h"

/* A large odd prime for the per-word step. */
#define NH_WORD 0xff51afd7ed558ccdULL

/* Absorb one 64-bit word. */
static uint64_t absorb(uint64_t h, uint64_t w)
{
	h = (h ^ w) * NH_WORD;
	return h ^ (h >> 32);
}

/*
 * The @n (1..7) bytes at @p as a little-endian word, without a byte loop:
 * two overlapping 4-byte loads for 4..7 bytes, or the first, middle and
 * last bytes for 1..3 (overlapping bytes land on the same bits, so OR-ing
 * them is exact). Reads only the @n bytes.
 */
static uint64_t load_le(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 4) {
		uint32_t lo, hi;

		memcpy(&lo, u, 4); // x86 is little-endian
		memcpy(&hi, u + n - 4, 4);
		return (uint64_t)lo | ((uint64_t)hi << (8 * (n - 4)));
	}
	return (uint64_t)u[0] | ((uint64_t)u[n / 2] << (8 * (n / 2))) |
	       ((uint64_t)u[n - 1] << (8 * (n - 1)));
}

/* namehash() with the seed's mixing done: mix64(seed + MIX_GOLDEN). */
static uint64_t namehash_keyed(uint64_t key, uint64_t parent, const char *name, size_t len)
{
	uint64_t h = key ^ mix64(parent ^ (len * MIX_GOLDEN));
	size_t i = 0;

	for (; i + sizeof(uint64_t) <= len; i += sizeof(uint64_t)) {
		uint64_t w;

		memcpy(&w, name + i, sizeof(w)); // x86 is little-endian
		h = absorb(h, w);
	}
	if (i < len)
		h = absorb(h, load_le(name + i, len - i));
	return mix64(h);
}

uint64_t namehash(uint64_t seed, uint64_t parent, const char *name, size_t len)
{
	return namehash_keyed(mix64(seed + MIX_GOLDEN), parent, name, len);
}

void namehash_init(struct namehash_table *t, struct list_head *buckets, size_t nbuckets,
		   uint64_t seed)
{
	t->buckets = buckets;
	t->nbuckets = nbuckets;
	t->seed = seed;
	t->key = mix64(seed + MIX_GOLDEN);
	for (size_t i = 0; i < nbuckets; i++)
		list_init(&buckets[i]);
}

uint64_t namehash_of(const struct namehash_table *t, uint64_t parent, const char *name, size_t len)
{
	return namehash_keyed(t->key, parent, name, len);
}

static struct list_head *bucket_of(const struct namehash_table *t, uint64_t hash)
{
	return &t->buckets[hash & (t->nbuckets - 1)];
}

void namehash_node_init(struct namehash_node *n)
{
	list_init(&n->chain);
	n->hash = 0;
}

void namehash_insert(struct namehash_table *t, struct namehash_node *n, uint64_t hash)
{
	n->hash = hash;
	list_add(&n->chain, bucket_of(t, hash));
}

void namehash_remove(struct namehash_node *n)
{
	list_del(&n->chain);
}

bool namehash_is_hashed(const struct namehash_node *n)
{
	return list_is_linked(&n->chain);
}

/*
 * Tests for kernel/lib/namehash.c. Distribution: 10,000 names "f0".."f9999"
 * under one parent, and one name under 10,000 parents, over 1024 buckets
 * (no bucket above a generous bound, chi-square near its expectation), for
 * several seeds. Avalanche: flipping any one input bit (name, parent, seed)
 * flips about half the output bits. Sensitivity: length, every byte
 * position and the tail padding change the hash. The table is driven by a
 * model (insert, find, remove) with forced full-hash collisions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/namehash.h"
#include "unit.h"

#define NBUCKETS 1024
#define NNAMES 10000
#define MAX_PER_BUCKET 32 // mean 9.8; Poisson odds of 32 are ~1e-9

static void check_spread(const unsigned counts[NBUCKETS], const char *what, uint64_t seed)
{
	double mean = (double)NNAMES / NBUCKETS, chi = 0;
	unsigned max = 0;

	for (int b = 0; b < NBUCKETS; b++) {
		double d = counts[b] - mean;

		chi += d * d / mean;
		if (counts[b] > max)
			max = counts[b];
	}
	/* chi-square with 1023 degrees of freedom: mean 1023, sd ~45. */
	CHECKF(max <= MAX_PER_BUCKET, "%s seed %llu: a bucket holds %u", what,
	       (unsigned long long)seed, max);
	CHECKF(chi < 1023 + 6 * 45 && chi > 1023 - 6 * 45, "%s seed %llu: chi-square %.0f", what,
	       (unsigned long long)seed, chi);
}

TEST(namehash_distribution)
{
	static const uint64_t seeds[] = { 0, 1, 0xdeadbeef, 0x9e3779b97f4a7c15ULL };
	char name[16];

	for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		unsigned by_name[NBUCKETS] = { 0 }, by_parent[NBUCKETS] = { 0 };
		unsigned by_high[NBUCKETS] = { 0 };

		for (int i = 0; i < NNAMES; i++) {
			int n = snprintf(name, sizeof(name), "f%d", i);
			uint64_t h = namehash(seeds[s], 0xffff888000123400ULL, name, (size_t)n);

			by_name[h % NBUCKETS]++;
			by_high[h >> 54]++;
			/* Dentry-like parents: aligned pointers 64 bytes apart. */
			h = namehash(seeds[s], 0xffff888000000000ULL + 64 * (uint64_t)i, "lib", 3);
			by_parent[h % NBUCKETS]++;
		}
		check_spread(by_name, "names", seeds[s]);
		check_spread(by_high, "names (high bits)", seeds[s]);
		check_spread(by_parent, "parents", seeds[s]);
	}
}

static int popcount64(uint64_t x)
{
	return __builtin_popcountll(x);
}

TEST(namehash_avalanche)
{
	char name[24], flipped[24];
	long total = 0, flips = 0;

	for (int iter = 0; iter < 200; iter++) {
		size_t len = 1 + unit_rand_below(sizeof(name));
		uint64_t seed = unit_rand(), parent = unit_rand();

		for (size_t i = 0; i < len; i++)
			name[i] = (char)unit_rand();
		uint64_t h = namehash(seed, parent, name, len);
		for (size_t bit = 0; bit < len * 8; bit++) {
			memcpy(flipped, name, len);
			flipped[bit / 8] ^= (char)(1 << (bit % 8));
			total += popcount64(h ^ namehash(seed, parent, flipped, len));
			flips++;
		}
		for (int bit = 0; bit < 64; bit++) {
			total += popcount64(h ^ namehash(seed, parent ^ (1ULL << bit), name, len));
			total += popcount64(h ^ namehash(seed ^ (1ULL << bit), parent, name, len));
			flips += 2;
		}
	}
	double avg = (double)total / (double)flips;
	CHECKF(avg > 31 && avg < 33, "a one-bit change flips %.2f bits on average", avg);
}

TEST(namehash_sensitivity)
{
	/* Names that differ only in length or in trailing NUL-padding. */
	const char zeros[16] = { 0 };
	uint64_t h[17];

	for (size_t len = 0; len <= 16; len++) {
		h[len] = namehash(7, 1, zeros, len);
		for (size_t j = 0; j < len; j++)
			CHECKF(h[j] != h[len], "lengths %zu and %zu collide", j, len);
	}
	/* Every byte position counts, across the 8-byte word boundary. */
	char a[20], b[20];
	memset(a, 'x', sizeof(a));
	for (size_t i = 0; i < sizeof(a); i++) {
		memcpy(b, a, sizeof(a));
		b[i] = 'y';
		CHECK(namehash(7, 1, a, sizeof(a)) != namehash(7, 1, b, sizeof(b)));
	}
	/* Only @len bytes are read: a longer buffer does not matter. */
	CHECK_EQ(namehash(7, 1, "abcdefghij", 9), namehash(7, 1, "abcdefghiZ", 9));
	/* Deterministic for a seed, different across seeds and parents. */
	CHECK_EQ(namehash(1, 2, "usr", 3), namehash(1, 2, "usr", 3));
	CHECK(namehash(1, 2, "usr", 3) != namehash(2, 2, "usr", 3));
	CHECK(namehash(1, 2, "usr", 3) != namehash(1, 3, "usr", 3));
}

/* A dentry-like object: the key is (parent, name). */
struct obj {
	struct namehash_node node;
	uint64_t parent;
	char name[16];
	size_t len;
};

struct key {
	uint64_t parent;
	const char *name;
	size_t len;
};

static bool obj_match(const struct namehash_node *n, const void *k)
{
	const struct obj *o = container_of(n, struct obj, node);
	const struct key *key = k;

	return o->parent == key->parent && o->len == key->len &&
	       !memcmp(o->name, key->name, o->len);
}

static struct obj *find(struct namehash_table *t, uint64_t hash, uint64_t parent, const char *name)
{
	struct key k = { parent, name, strlen(name) };
	struct namehash_node *n = namehash_find(t, hash, obj_match, &k);

	return n ? container_of(n, struct obj, node) : NULL;
}

TEST(namehash_table_model)
{
	static struct list_head buckets[64];
	static struct obj objs[2000];
	struct namehash_table t;

	namehash_init(&t, buckets, 64, 42);
	for (int i = 0; i < 2000; i++) {
		struct obj *o = &objs[i];

		namehash_node_init(&o->node);
		CHECK(!namehash_is_hashed(&o->node));
		o->parent = (uint64_t)(i % 7);
		o->len = (size_t)snprintf(o->name, sizeof(o->name), "n%d", i / 7);
		namehash_insert(&t, &o->node, namehash_of(&t, o->parent, o->name, o->len));
		CHECK(namehash_is_hashed(&o->node));
	}
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 2000; i++) {
			struct obj *o = &objs[i];
			uint64_t h = namehash_of(&t, o->parent, o->name, o->len);
			struct obj *f = find(&t, h, o->parent, o->name);

			CHECK(f == (namehash_is_hashed(&o->node) ? o : NULL));
			/* Same name, other parent: another object or none. */
			f = find(&t, namehash_of(&t, o->parent + 7, o->name, o->len), o->parent + 7,
				 o->name);
			CHECK(f == NULL);
		}
		for (int i = round; i < 2000; i += 3)
			namehash_remove(&objs[i].node);
	}
}

TEST(namehash_table_collisions)
{
	/* Nodes stored under one forced hash: find still tells them apart by
	 * key, and a different hash in the same bucket is never matched. */
	static struct list_head buckets[1];
	static struct obj objs[3];
	struct namehash_table t;

	namehash_init(&t, buckets, 1, 0);
	for (int i = 0; i < 3; i++) {
		objs[i].parent = 1;
		objs[i].len = (size_t)snprintf(objs[i].name, sizeof(objs[i].name), "c%d", i);
		namehash_node_init(&objs[i].node);
		namehash_insert(&t, &objs[i].node, i < 2 ? 5 : 6);
	}
	CHECK(find(&t, 5, 1, "c0") == &objs[0]);
	CHECK(find(&t, 5, 1, "c1") == &objs[1]);
	CHECK(find(&t, 5, 1, "c2") == NULL); // right key, wrong stored hash
	CHECK(find(&t, 6, 1, "c2") == &objs[2]);
	namehash_remove(&objs[0].node);
	CHECK(find(&t, 5, 1, "c0") == NULL);
	CHECK(find(&t, 5, 1, "c1") == &objs[1]);
}

/* The hash as its header defines it, a byte at a time: the seed and
 * parent mixed in, then each little-endian 8-byte word (the tail
 * zero-padded) absorbed, then the final mix. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t model_hash(uint64_t seed, uint64_t parent, const unsigned char *name, size_t len)
{
	const uint64_t golden = 0x9e3779b97f4a7c15ULL;
	uint64_t h = mix(seed + golden) ^ mix(parent ^ (len * golden));

	for (size_t i = 0; i < len; i += 8) {
		uint64_t w = 0;

		for (size_t k = 0; k < 8 && i + k < len; k++)
			w |= (uint64_t)name[i + k] << (8 * k);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return mix(h);
}

/* Every length 0..40, in exact heap buffers (ASan sees any over-read). */
TEST(namehash_matches_bytewise_model)
{
	srand(11);
	for (size_t len = 0; len <= 40; len++)
		for (int round = 0; round < 50; round++) {
			unsigned char *p = malloc(len ? len : 1);
			uint64_t seed = ((uint64_t)rand() << 32) | (unsigned)rand();
			uint64_t parent = ((uint64_t)rand() << 32) | (unsigned)rand();

			for (size_t i = 0; i < len; i++)
				p[i] = (unsigned char)rand();
			CHECK_EQ(namehash(seed, parent, (const char *)p, len),
				 model_hash(seed, parent, p, len));
			free(p);
		}
}

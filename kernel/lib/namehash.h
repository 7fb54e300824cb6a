/*
 * The dentry-cache hash: a seedable 64-bit hash of (parent id, name bytes)
 * that reads the name 8 bytes at a time, and a small open hash-chain table
 * over caller-owned buckets that stores the hash in each node, so a lookup
 * compares names only when the full hashes agree. No locks, no allocation:
 * the caller's lock guards a table and every node on it; nothing sleeps.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/list.h"

/*
 * Hash of the @len bytes at @name under @parent (a dentry pointer or any
 * id), keyed by @seed (pick one at boot so names cannot be chosen to
 * collide). Every input bit affects every output bit; the low bits are as
 * good as the high ones. Reads exactly @len bytes of @name.
 */
uint64_t namehash(uint64_t seed, uint64_t parent, const char *name, size_t len);

/* A node embedded in a cached object (a dentry). */
struct namehash_node {
	struct list_head chain; // bucket chain; self-linked when not on a table
	uint64_t hash;		// namehash() of the object's key
};

struct namehash_table {
	struct list_head *buckets; // caller's array of nbuckets heads
	size_t nbuckets;	   // a power of two
	uint64_t seed;		   // for namehash_of()
	uint64_t key;		   // derived from seed once (namehash_init)
};

/* Set up an empty table over @buckets, an array of @nbuckets (a power of
 * two >= 1) list heads that must outlive @t. */
void namehash_init(struct namehash_table *t, struct list_head *buckets, size_t nbuckets,
		   uint64_t seed);

/* namehash() with @t's seed. */
uint64_t namehash_of(const struct namehash_table *t, uint64_t parent, const char *name, size_t len);

/* Make @n an unhashed node (namehash_is_hashed() false). */
void namehash_node_init(struct namehash_node *n);

/* Put @n, not on any table, on @t under @hash (at the front of its chain). */
void namehash_insert(struct namehash_table *t, struct namehash_node *n, uint64_t hash);

/* Take @n off the table it is on (then self-linked). */
void namehash_remove(struct namehash_node *n);

/* Whether @n is on a table. */
bool namehash_is_hashed(const struct namehash_node *n);

/*
 * The first node on @t with hash @hash for which @match(node, @key) is
 * true, or NULL if there is none. @match sees only nodes whose stored hash
 * equals @hash, and must not change the table. Inline, so that a constant
 * @match is inlined too (the dentry cache's lookups are hot).
 */
static inline struct namehash_node *
namehash_find(const struct namehash_table *t, uint64_t hash,
	      bool (*match)(const struct namehash_node *n, const void *key), const void *key)
{
	struct namehash_node *n;

	list_for_each_entry (n, &t->buckets[hash & (t->nbuckets - 1)], chain) {
		if (n->hash == hash && match(n, key))
			return n;
	}
	return NULL;
}

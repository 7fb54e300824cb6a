/*
 * The bookkeeping core of the block buffer cache: a hash table from
 * (dev, block, size) to buffer, an LRU list of every cached buffer and
 * per-buffer reference counts. No I/O, no locks, no allocation: the caller
 * owns the buffers, their data and the bucket array, and decides when to
 * read, write back or evict.
 *
 * Invariants: a buffer is cached exactly when it is on one hash chain and
 * on core->lru; count is the length of core->lru; a buffer with refcnt > 0
 * is never returned by bc_victim(). LRU order is the order of the last
 * bc_insert/bc_get/bc_put; lookups do not change it.
 *
 * Locking: none here. The caller's lock guards everything: the core, every
 * cached buffer's fields and the bucket array. None of these sleep.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/list.h"

/* Identifies a cached block. All three fields take part in equality. */
struct bc_key {
	uint64_t dev;	/* opaque id chosen by the caller */
	uint64_t block; /* block number in units of @size */
	uint32_t size;	/* block size in bytes */
};

struct bc_buf {
	struct bc_key key;
	unsigned int refcnt;   /* users holding it; never evicted while > 0 */
	bool valid;	       /* data holds the block's contents */
	bool dirty;	       /* data is newer than the disk */
	struct list_head hash; /* bucket chain */
	struct list_head lru;  /* on core->lru while cached (front = most recently released) */
	void *data;	       /* caller's */
	void *priv;	       /* caller's */
};

struct bc_core {
	struct list_head *buckets;	  /* caller-provided array of nbuckets heads */
	size_t nbuckets;		  /* power of two */
	struct list_head lru;		  /* every cached buffer, most recently used first */
	size_t count;			  /* cached buffers */
	uint64_t hits, misses, evictions; /* statistics, updated by bc_lookup / bc_remove */
};

/* Set up an empty cache over @buckets, an array of @nbuckets list heads
 * (a power of two >= 1) that must outlive @c. Zeroes the statistics. */
void bc_core_init(struct bc_core *c, struct list_head *buckets, size_t nbuckets);

/* A 64-bit hash of @k that mixes all three fields; the bucket is its low
 * bits. */
uint64_t bc_hash(const struct bc_key *k);

/* The cached buffer with key @k, or NULL if none is cached. Counts a hit or
 * a miss. Does NOT change refcnt or LRU order. */
struct bc_buf *bc_lookup(struct bc_core *c, const struct bc_key *k);

/* Cache @b at the MRU end. The caller has set b->key (and refcnt, valid,
 * dirty as it likes; they are left alone), @b is not cached, and no cached
 * buffer has the same key. */
void bc_insert(struct bc_core *c, struct bc_buf *b);

/* Take a reference on cached @b: refcnt++ and move it to the MRU end. */
void bc_get(struct bc_core *c, struct bc_buf *b);

/* Drop a reference on cached @b (refcnt must be > 0): refcnt--, and @b
 * stays cached at the MRU end. Returns the new refcnt. */
unsigned int bc_put(struct bc_core *c, struct bc_buf *b);

/* The least recently used cached buffer with refcnt == 0 (and, if
 * @clean_only, not dirty), or NULL if there is none. Does not remove it.
 * Walks the LRU list from the old end, so it costs O(count) at worst. */
struct bc_buf *bc_victim(struct bc_core *c, bool clean_only);

/* Uncache @b: take it off its hash chain and the LRU list (both left
 * self-linked). The caller checks that refcnt is 0 first. Counts an
 * eviction when @evicted. */
void bc_remove(struct bc_core *c, struct bc_buf *b, bool evicted);

/* Call @fn(b, @arg) for every cached dirty buffer, least recently used
 * first. @fn may change the buffer's flags and data, and may bc_get or
 * bc_put the buffer it was given, but must not insert or remove buffers or
 * touch the LRU position of any other one. */
void bc_for_each_dirty(struct bc_core *c, void (*fn)(struct bc_buf *b, void *arg), void *arg);

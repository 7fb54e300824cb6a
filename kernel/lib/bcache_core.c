/*
 * Buffer cache bookkeeping (lib/bcache_core.h): hash chains keyed by
 * (dev, block, size), one LRU list and reference counts. Owns no memory and
 * takes no locks; the caller's lock guards every call.
 */
#include "lib/bcache_core.h"

#include "include/compiler.h"
#include "lib/mix.h"

uint64_t bc_hash(const struct bc_key *k)
{
	uint64_t h = mix64(k->dev + MIX_GOLDEN);

	h = mix64(h ^ k->block);
	return mix64(h ^ k->size);
}

static bool key_equal(const struct bc_key *a, const struct bc_key *b)
{
	return a->dev == b->dev && a->block == b->block && a->size == b->size;
}

static struct list_head *bucket_of(struct bc_core *c, const struct bc_key *k)
{
	return &c->buckets[bc_hash(k) & (c->nbuckets - 1)];
}

void bc_core_init(struct bc_core *c, struct list_head *buckets, size_t nbuckets)
{
	c->buckets = buckets;
	c->nbuckets = nbuckets;
	for (size_t i = 0; i < nbuckets; i++)
		list_init(&buckets[i]);
	list_init(&c->lru);
	c->count = 0;
	c->hits = 0;
	c->misses = 0;
	c->evictions = 0;
}

struct bc_buf *bc_lookup(struct bc_core *c, const struct bc_key *k)
{
	struct list_head *head = bucket_of(c, k);
	struct bc_buf *b;

	list_for_each_entry (b, head, hash) {
		if (key_equal(&b->key, k)) {
			c->hits++;
			return b;
		}
	}
	c->misses++;
	return NULL;
}

void bc_insert(struct bc_core *c, struct bc_buf *b)
{
	list_add(&b->hash, bucket_of(c, &b->key));
	list_add(&b->lru, &c->lru);
	c->count++;
}

/* Make @b the most recently used buffer. */
static void touch(struct bc_core *c, struct bc_buf *b)
{
	list_del(&b->lru);
	list_add(&b->lru, &c->lru);
}

void bc_get(struct bc_core *c, struct bc_buf *b)
{
	b->refcnt++;
	touch(c, b);
}

unsigned int bc_put(struct bc_core *c, struct bc_buf *b)
{
	b->refcnt--;
	touch(c, b);
	return b->refcnt;
}

struct bc_buf *bc_victim(struct bc_core *c, bool clean_only)
{
	struct list_head *pos;

	for (pos = c->lru.prev; pos != &c->lru; pos = pos->prev) {
		struct bc_buf *b = list_entry(pos, struct bc_buf, lru);

		if (b->refcnt == 0 && !(clean_only && b->dirty))
			return b;
	}
	return NULL;
}

void bc_remove(struct bc_core *c, struct bc_buf *b, bool evicted)
{
	list_del(&b->hash);
	list_del(&b->lru);
	c->count--;
	if (evicted)
		c->evictions++;
}

/*
 * Walk from the old end. The next node is read before @fn runs, and the
 * walk stops after the count buffers that were cached at the start, so an
 * @fn that moves its own buffer to the front (bc_get/bc_put) neither stops
 * the walk nor sees that buffer twice.
 */
void bc_for_each_dirty(struct bc_core *c, void (*fn)(struct bc_buf *b, void *arg), void *arg)
{
	struct list_head *pos = c->lru.prev;
	size_t left = c->count;

	while (left-- > 0 && pos != &c->lru) {
		struct bc_buf *b = list_entry(pos, struct bc_buf, lru);

		pos = pos->prev;
		if (b->dirty)
			fn(b, arg);
	}
}

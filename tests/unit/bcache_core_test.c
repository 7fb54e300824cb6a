/*
 * Tests for kernel/lib/bcache_core.c. The main test drives the cache and a
 * plain array model with the same random operations (lookups, inserts with
 * eviction at a fixed capacity, get, put, dirtying, removal) and compares
 * every key's presence, refcounts, LRU order, victims, the dirty walk and
 * the statistics after each step. Small tests pin down referenced buffers,
 * a single bucket and keys that differ in one field.
 */
#include "lib/bcache_core.h"
#include "unit.h"

#define CAP 32 /* buffers the model cache may hold */
#define NDEV 2 /* key universe: NDEV * NBLOCK * NSIZE keys */
#define NBLOCK 24
#define NSIZE 2
#define NKEYS (NDEV * NBLOCK * NSIZE)
#define MAX_REF 3 /* get only below this, so some buffers stay free */

static const uint32_t sizes[NSIZE] = { 512, 4096 };

/* The model's view of one cached buffer. */
struct entry {
	struct bc_key key;
	unsigned int refcnt;
	bool dirty;
	uint64_t stamp; /* last insert/get/put: larger is more recent */
	struct bc_buf *buf;
};

struct model {
	struct entry e[CAP];
	int n;
	uint64_t clock;
	uint64_t hits, misses, evictions;
};

/* Everything one model run needs, static because it is large-ish. */
struct harness {
	struct bc_core core;
	struct list_head buckets[64];
	struct bc_buf pool[CAP];
	bool pool_used[CAP];
	struct model m;
};

static struct bc_key key_of(int i)
{
	struct bc_key k = {
		.dev = (uint64_t)(i % NDEV) + 7,
		.block = (uint64_t)(i / NDEV % NBLOCK),
		.size = sizes[i / (NDEV * NBLOCK)],
	};
	return k;
}

static bool key_eq(const struct bc_key *a, const struct bc_key *b)
{
	return a->dev == b->dev && a->block == b->block && a->size == b->size;
}

static int model_find(const struct model *m, const struct bc_key *k)
{
	for (int i = 0; i < m->n; i++) {
		if (key_eq(&m->e[i].key, k))
			return i;
	}
	return -1;
}

/* Index of the oldest unreferenced entry (clean only if asked), or -1. */
static int model_victim(const struct model *m, bool clean_only)
{
	int best = -1;

	for (int i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[i];

		if (e->refcnt || (clean_only && e->dirty))
			continue;
		if (best < 0 || e->stamp < m->e[best].stamp)
			best = i;
	}
	return best;
}

static void model_drop(struct model *m, int i)
{
	m->e[i] = m->e[--m->n];
}

/* Entry indices ordered from least to most recently used. */
static void model_lru_order(const struct model *m, int *order)
{
	for (int i = 0; i < m->n; i++) {
		int j = i;

		while (j > 0 && m->e[order[j - 1]].stamp > m->e[i].stamp) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

struct dirty_walk {
	struct bc_buf *seen[CAP + 1];
	int n;
};

static void collect_dirty(struct bc_buf *b, void *arg)
{
	struct dirty_walk *w = arg;

	if (w->n < CAP + 1)
		w->seen[w->n++] = b;
}

static void check_lru_and_dirty(struct harness *h)
{
	struct model *m = &h->m;
	struct dirty_walk w = { .n = 0 };
	int order[CAP], nd = 0, i = m->n;
	struct list_head *pos;

	model_lru_order(m, order);
	/* The LRU list, front (most recent) first. */
	list_for_each (pos, &h->core.lru) {
		CHECK(i > 0);
		if (i <= 0)
			break;
		CHECK(list_entry(pos, struct bc_buf, lru) == m->e[order[--i]].buf);
	}
	CHECK_EQ(i, 0);

	bc_for_each_dirty(&h->core, collect_dirty, &w);
	for (i = 0; i < m->n; i++) {
		const struct entry *e = &m->e[order[i]];

		if (!e->dirty)
			continue;
		CHECK(nd < w.n && w.seen[nd] == e->buf);
		nd++;
	}
	CHECK_EQ(w.n, nd);
}

/* Compare the whole cache with the model. */
static void check_state(struct harness *h)
{
	struct model *m = &h->m;
	int present = 0, v;

	for (int i = 0; i < NKEYS; i++) {
		struct bc_key k = key_of(i);
		struct bc_buf *b = bc_lookup(&h->core, &k);
		int j = model_find(m, &k);

		if (j < 0) {
			CHECK(b == NULL);
			m->misses++;
			continue;
		}
		present++;
		m->hits++;
		CHECK(b == m->e[j].buf);
		if (!b)
			continue;
		CHECK(key_eq(&b->key, &k));
		CHECK_EQ(b->refcnt, m->e[j].refcnt);
		CHECK_EQ(b->dirty, m->e[j].dirty);
	}
	CHECK_EQ(present, m->n);
	CHECK_EQ(h->core.count, m->n);
	CHECK_EQ(h->core.hits, m->hits);
	CHECK_EQ(h->core.misses, m->misses);
	CHECK_EQ(h->core.evictions, m->evictions);

	for (int clean = 0; clean < 2; clean++) {
		v = model_victim(m, clean);
		CHECK(bc_victim(&h->core, clean) == (v < 0 ? NULL : m->e[v].buf));
	}
	check_lru_and_dirty(h);
}

static struct bc_buf *pool_take(struct harness *h)
{
	for (int i = 0; i < CAP; i++) {
		if (!h->pool_used[i]) {
			h->pool_used[i] = true;
			return &h->pool[i];
		}
	}
	return NULL;
}

static void pool_release(struct harness *h, struct bc_buf *b)
{
	h->pool_used[b - h->pool] = false;
}

/* Evict entry @i of the model and its buffer. */
static void do_remove(struct harness *h, int i, bool evicted)
{
	struct bc_buf *b = h->m.e[i].buf;

	bc_remove(&h->core, b, evicted);
	CHECK(!list_is_linked(&b->hash) && !list_is_linked(&b->lru));
	if (evicted)
		h->m.evictions++;
	model_drop(&h->m, i);
	pool_release(h, b);
}

/* Cache key @ki if absent, making room the way the glue would. */
static void step_insert(struct harness *h, int ki)
{
	struct model *m = &h->m;
	struct bc_key k = key_of(ki);
	struct bc_buf *b;
	struct entry *e;

	if (model_find(m, &k) >= 0)
		return;
	if (m->n == CAP) {
		bool clean = unit_rand() & 1;
		int v = model_victim(m, clean);

		if (v < 0 && clean)
			v = model_victim(m, false);
		if (v < 0)
			return; /* everything is referenced */
		do_remove(h, v, true);
	}
	b = pool_take(h);
	CHECK(b != NULL);
	if (!b)
		return;
	b->key = k;
	b->refcnt = (unsigned int)unit_rand_below(2);
	b->valid = true;
	b->dirty = false;
	bc_insert(&h->core, b);
	e = &m->e[m->n++];
	*e = (struct entry){ .key = k, .refcnt = b->refcnt, .stamp = ++m->clock, .buf = b };
}

static void step(struct harness *h)
{
	struct model *m = &h->m;
	unsigned int op = (unsigned int)unit_rand_below(100);
	int i = m->n ? (int)unit_rand_below((uint64_t)m->n) : -1;
	struct entry *e = i >= 0 ? &m->e[i] : NULL;

	if (op < 15) { /* lookup of any key, present or not */
		struct bc_key k = key_of((int)unit_rand_below(NKEYS));
		int j = model_find(m, &k);

		CHECK(bc_lookup(&h->core, &k) == (j < 0 ? NULL : m->e[j].buf));
		if (j < 0)
			m->misses++;
		else
			m->hits++;
	} else if (op < 40) {
		step_insert(h, (int)unit_rand_below(NKEYS));
	} else if (!e) {
		return;
	} else if (op < 55) {
		if (e->refcnt >= MAX_REF)
			return;
		bc_get(&h->core, e->buf);
		e->refcnt++;
		e->stamp = ++m->clock;
	} else if (op < 75) {
		if (e->refcnt == 0)
			return;
		CHECK_EQ(bc_put(&h->core, e->buf), e->refcnt - 1);
		e->refcnt--;
		e->stamp = ++m->clock;
	} else if (op < 90) {
		e->dirty = unit_rand_below(3) != 0;
		e->buf->dirty = e->dirty;
	} else if (e->refcnt == 0) {
		do_remove(h, i, unit_rand() & 1);
	}
}

static void run_model(size_t nbuckets, int steps)
{
	static struct harness h;

	h = (struct harness){ .m.n = 0 };
	bc_core_init(&h.core, h.buckets, nbuckets);
	check_state(&h);
	for (int s = 0; s < steps; s++) {
		step(&h);
		check_state(&h);
	}
	/* The run must have exercised the interesting paths. */
	CHECK(h.m.evictions > 100);
	CHECK(h.m.hits > 100 && h.m.misses > 100);
}

TEST(bcache_matches_model)
{
	run_model(16, 100000);
}

TEST(bcache_matches_model_one_bucket)
{
	run_model(1, 10000);
}

TEST(bcache_matches_model_many_buckets)
{
	run_model(64, 10000);
}

static void setup(struct bc_core *c, struct list_head *buckets, size_t nb, struct bc_buf *bufs,
		  int n)
{
	bc_core_init(c, buckets, nb);
	for (int i = 0; i < n; i++) {
		bufs[i] =
			(struct bc_buf){ .key = { .dev = 1, .block = (uint64_t)i, .size = 1024 } };
		bc_insert(c, &bufs[i]);
	}
}

TEST(bcache_referenced_never_victim)
{
	struct list_head buckets[4];
	struct bc_buf b[3];
	struct bc_core c;

	setup(&c, buckets, 4, b, 3); /* LRU: b0 oldest, b2 newest */
	CHECK(bc_victim(&c, false) == &b[0]);
	bc_get(&c, &b[0]);
	CHECK(bc_victim(&c, false) == &b[1]);
	bc_get(&c, &b[1]);
	bc_get(&c, &b[2]);
	CHECK(bc_victim(&c, false) == NULL);
	CHECK(bc_victim(&c, true) == NULL);
	bc_get(&c, &b[2]);
	CHECK_EQ(bc_put(&c, &b[2]), 1);
	CHECK(bc_victim(&c, false) == NULL);
	/* Released in the order b1, b0, b2: that is the new LRU order. */
	CHECK_EQ(bc_put(&c, &b[1]), 0);
	CHECK_EQ(bc_put(&c, &b[0]), 0);
	CHECK_EQ(bc_put(&c, &b[2]), 0);
	CHECK(bc_victim(&c, false) == &b[1]);
	b[1].dirty = true;
	CHECK(bc_victim(&c, false) == &b[1]);
	CHECK(bc_victim(&c, true) == &b[0]);
	b[0].dirty = true;
	b[2].dirty = true;
	CHECK(bc_victim(&c, true) == NULL);
	CHECK(bc_victim(&c, false) == &b[1]);
}

TEST(bcache_one_bucket_collisions)
{
	struct list_head bucket;
	struct bc_buf b[20];
	struct bc_core c;
	struct bc_key k = { .dev = 1, .size = 1024 };

	setup(&c, &bucket, 1, b, 20);
	CHECK_EQ(c.count, 20);
	for (int i = 0; i < 20; i++) {
		k.block = (uint64_t)i;
		CHECK(bc_lookup(&c, &k) == &b[i]);
	}
	k.block = 20;
	CHECK(bc_lookup(&c, &k) == NULL);
	bc_remove(&c, &b[7], false);
	bc_remove(&c, &b[0], true);
	bc_remove(&c, &b[19], true);
	for (int i = 0; i < 20; i++) {
		k.block = (uint64_t)i;
		CHECK(bc_lookup(&c, &k) == (i == 0 || i == 7 || i == 19 ? NULL : &b[i]));
	}
	CHECK_EQ(c.count, 17);
	CHECK_EQ(c.evictions, 2);
	CHECK_EQ(c.hits, 20 + 17);
	CHECK_EQ(c.misses, 1 + 3);
	/* A removed buffer can be cached again. */
	bc_insert(&c, &b[7]);
	k.block = 7;
	CHECK(bc_lookup(&c, &k) == &b[7]);
	CHECK(bc_victim(&c, false) == &b[1]);
}

TEST(bcache_keys_differ_in_one_field)
{
	struct list_head buckets[8];
	struct bc_buf b[4] = {
		{ .key = { .dev = 1, .block = 5, .size = 512 } },
		{ .key = { .dev = 2, .block = 5, .size = 512 } },
		{ .key = { .dev = 1, .block = 5, .size = 1024 } },
		{ .key = { .dev = 1, .block = 6, .size = 512 } },
	};
	struct bc_key absent[] = {
		{ .dev = 3, .block = 5, .size = 512 },
		{ .dev = 1, .block = 5, .size = 4096 },
		{ .dev = 2, .block = 5, .size = 1024 },
		{ .dev = 1, .block = 4, .size = 512 },
	};
	struct bc_core c;

	bc_core_init(&c, buckets, 8);
	for (int i = 0; i < 4; i++)
		bc_insert(&c, &b[i]);
	for (int i = 0; i < 4; i++) {
		CHECK(bc_lookup(&c, &b[i].key) == &b[i]);
		for (int j = 0; j < i; j++)
			CHECKF(bc_hash(&b[i].key) != bc_hash(&b[j].key), "hash %d == %d", i, j);
	}
	for (size_t i = 0; i < ARRAY_SIZE(absent); i++)
		CHECK(bc_lookup(&c, &absent[i]) == NULL);
	CHECK_EQ(c.hits, 4);
	CHECK_EQ(c.misses, 4);
}

TEST(bcache_lookup_keeps_order)
{
	struct list_head buckets[2];
	struct bc_buf b[3];
	struct bc_core c;

	setup(&c, buckets, 2, b, 3);
	CHECK(bc_lookup(&c, &b[0].key) == &b[0]);
	CHECK_EQ(b[0].refcnt, 0);
	CHECK(bc_victim(&c, false) == &b[0]);
	CHECK(list_first_entry(&c.lru, struct bc_buf, lru) == &b[2]);
}

struct pin_walk {
	struct bc_core *c;
	struct bc_buf *seen[8];
	int n;
};

/* Takes a reference on each buffer it visits, like a write-back queue. */
static void pin_dirty(struct bc_buf *b, void *arg)
{
	struct pin_walk *w = arg;

	if (w->n < 8)
		w->seen[w->n++] = b;
	bc_get(w->c, b);
}

TEST(bcache_dirty_walk_may_get_own_buffer)
{
	struct list_head buckets[4];
	struct bc_buf b[6];
	struct bc_core c;
	struct pin_walk w = { .c = &c };

	setup(&c, buckets, 4, b, 6);
	b[0].dirty = b[2].dirty = b[5].dirty = true;
	bc_for_each_dirty(&c, pin_dirty, &w);
	CHECK_EQ(w.n, 3);
	CHECK(w.seen[0] == &b[0] && w.seen[1] == &b[2] && w.seen[2] == &b[5]);
	CHECK(bc_victim(&c, false) == &b[1]);
	/* The pinned ones are now the most recent, in visiting order. */
	CHECK(list_first_entry(&c.lru, struct bc_buf, lru) == &b[5]);
	CHECK_EQ(b[0].refcnt + b[2].refcnt + b[5].refcnt, 3);
}

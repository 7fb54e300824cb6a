/*
 * The buffer cache (drivers/block/bcache.h).
 *
 * Finding a buffer: look it up under the cache lock and take a reference
 * (so it cannot be evicted), drop the lock, then take the buffer's sleep
 * lock and read it if it is not valid yet. A miss allocates a new buffer
 * outside the lock (or, in a full cache, re-keys the oldest clean one),
 * then looks again (someone may have inserted the block meanwhile) before
 * inserting it already locked for the caller. A full cache evicts its least recently
 * used clean buffer; when only dirty ones are left, the oldest is written
 * back first (holding a reference, without the spinlock) and the search
 * starts over.
 */
#include "drivers/block/bcache.h"

#include "core/log.h"
#include "core/panic.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/waitqueue.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "bcache: "

#define DEFAULT_BUFS 1024

struct bcache {
	const char *name;
	struct spinlock lock;
	struct bc_core core; /* Protected by lock */
	size_t max;
	uint64_t writebacks;	   /* Protected by lock */
	struct waitqueue unlocked; /* a buffer lock was released */
	struct mutex sync_lock;	   /* one bcache_sync() at a time */
	struct buf **sync_list;	   /* max entries; Protected by sync_lock */
};

static struct bcache *default_cache; /* Written once at boot */

static uint64_t dev_id(const struct blkdev *dev)
{
	return (uint64_t)(uintptr_t)dev;
}

struct bcache *bcache_create(size_t max_bufs, const char *name)
{
	struct bcache *c = kzalloc(sizeof(*c));
	size_t nb = 1;
	struct list_head *buckets;

	while (nb < max_bufs)
		nb <<= 1;
	buckets = c ? kcalloc(nb, sizeof(*buckets)) : NULL;
	if (c)
		c->sync_list = kcalloc(max_bufs ? max_bufs : 1, sizeof(*c->sync_list));
	if (!c || !buckets || !c->sync_list || !max_bufs) {
		if (c)
			kfree(c->sync_list);
		kfree(buckets);
		kfree(c);
		return NULL;
	}
	c->name = name;
	c->max = max_bufs;
	spin_init(&c->lock, "bcache", LOCK_RANK_BCACHE);
	waitqueue_init(&c->unlocked, "bcache_buf");
	mutex_init(&c->sync_lock, "bcache_sync");
	bc_core_init(&c->core, buckets, nb);
	return c;
}

static void free_buf(struct buf *b)
{
	kfree(b->data);
	kfree(b);
}

int bcache_destroy(struct bcache *c)
{
	int err = bcache_sync(c, NULL);
	struct bc_buf *bc;

	spin_lock(&c->lock);
	while ((bc = bc_victim(&c->core, false))) {
		bc_remove(&c->core, bc, false);
		spin_unlock(&c->lock);
		free_buf(bc->priv);
		spin_lock(&c->lock);
	}
	if (c->core.count)
		panic("bcache %s destroyed with %zu buffers in use", c->name, c->core.count);
	spin_unlock(&c->lock);
	kfree(c->core.buckets);
	kfree(c->sync_list);
	kfree(c);
	return err;
}

void bcache_init(void)
{
	default_cache = bcache_create(DEFAULT_BUFS, "default");
	if (!default_cache)
		panic("bcache: no memory for the buffer cache");
	log_info("up to %u buffers\n", DEFAULT_BUFS);
}

struct bcache *bcache_default(void)
{
	return default_cache;
}

/* ---- buffer sleep locks ------------------------------------------------ */

static bool try_lock_buf(struct buf *b)
{
	struct bcache *c = b->cache;
	bool got;

	spin_lock(&c->lock);
	got = !b->locked;
	b->locked = true;
	spin_unlock(&c->lock);
	return got;
}

static void lock_buf(struct buf *b)
{
	if (!try_lock_buf(b))
		wait_event(&b->cache->unlocked, try_lock_buf(b));
}

static void unlock_buf(struct buf *b)
{
	struct bcache *c = b->cache;

	spin_lock(&c->lock);
	b->locked = false;
	spin_unlock(&c->lock);
	/* A waiter queues itself before its last try_lock_buf(), so one that
	 * saw the buffer locked is on the queue by now. */
	if (waitq_has_waiters(&c->unlocked))
		waitq_wake_all(&c->unlocked);
}

static void put_buf(struct buf *b)
{
	spin_lock(&b->cache->lock);
	bc_put(&b->cache->core, &b->bc);
	spin_unlock(&b->cache->lock);
}

/* ---- I/O ------------------------------------------------------------- */

static int buf_io(struct buf *b, bool write)
{
	uint32_t per = b->size / BLK_SECTOR_SIZE;
	uint64_t sector = b->block * per;

	return write ? blk_write(b->dev, sector, per, b->data)
		     : blk_read(b->dev, sector, per, b->data);
}

int bwrite(struct buf *b)
{
	int err = buf_io(b, true);
	struct bcache *c = b->cache;

	spin_lock(&c->lock);
	if (!err) {
		b->bc.dirty = false;
		b->wb_phase = BWB_DATA;
		c->writebacks++;
	}
	spin_unlock(&c->lock);
	if (err)
		log_err("%s: write-back of block %llu failed (%d); it stays dirty\n", b->dev->name,
			(unsigned long long)b->block, err);
	return err;
}

void bdirty_phase(struct buf *b, unsigned int phase)
{
	spin_lock(&b->cache->lock);
	b->bc.dirty = true;
	b->bc.valid = true;
	if (phase < BWB_PHASES && phase > b->wb_phase)
		b->wb_phase = (unsigned char)phase;
	spin_unlock(&b->cache->lock);
}

void bdirty(struct buf *b)
{
	bdirty_phase(b, BWB_DATA);
}

void brelse(struct buf *b)
{
	unlock_buf(b);
	put_buf(b);
}

/* ---- lookup ---------------------------------------------------------- */

static struct buf *new_buf(struct bcache *c, struct blkdev *dev, uint64_t block, uint32_t size)
{
	struct buf *b = kzalloc(sizeof(*b));

	if (!b)
		return NULL;
	b->data = kmalloc(size);
	if (!b->data) {
		kfree(b);
		return NULL;
	}
	b->dev = dev;
	b->block = block;
	b->size = size;
	b->cache = c;
	b->bc.key = (struct bc_key){ .dev = dev_id(dev), .block = block, .size = size };
	b->bc.priv = b;
	b->bc.data = b->data;
	return b;
}

/*
 * Make room for one more buffer (lock held on entry and exit). Returns 0
 * when there is room, -EAGAIN after writing back a dirty victim with the
 * lock dropped (start over), or an error. A clean victim removed here is
 * returned in *@freed for the caller to free outside the lock.
 */
static int make_room(struct bcache *c, struct buf **freed)
{
	struct bc_buf *v;
	struct buf *vb;
	int err;

	if (c->core.count < c->max)
		return 0;
	v = bc_victim(&c->core, true);
	if (v) {
		bc_remove(&c->core, v, true);
		*freed = v->priv;
		return 0;
	}
	v = bc_victim(&c->core, false);
	if (!v)
		return -ENOMEM; /* every buffer is held */
	vb = v->priv;
	bc_get(&c->core, v);
	spin_unlock(&c->lock);
	lock_buf(vb);
	err = vb->bc.dirty ? bwrite(vb) : 0;
	brelse(vb);
	spin_lock(&c->lock);
	return err ? err : -EAGAIN;
}

/* When the cache is full, take its oldest clean unreferenced buffer of
 * the same size for @key, saving a free and an allocation (lock held).
 * Returns it referenced, or NULL. */
static struct buf *reuse_victim(struct bcache *c, const struct bc_key *key)
{
	struct bc_buf *v;
	struct buf *b;

	if (c->core.count < c->max)
		return NULL;
	v = bc_victim(&c->core, true);
	if (!v || v->key.size != key->size)
		return NULL;
	bc_remove(&c->core, v, true);
	b = v->priv;
	b->dev = (struct blkdev *)(uintptr_t)key->dev;
	b->block = key->block;
	v->key = *key;
	v->valid = false;
	v->refcnt = 1;
	b->locked = true; /* ours from the start: nobody could hold it */
	bc_insert(&c->core, v);
	return b;
}

/* Find or create the buffer, referenced and locked. *@fresh says it was
 * not valid (the caller reads it or overwrites it). */
static int get_locked(struct bcache *c, struct blkdev *dev, uint64_t block, uint32_t size,
		      struct buf **out)
{
	struct bc_key key = { .dev = dev_id(dev), .block = block, .size = size };
	struct buf *spare = NULL, *freed = NULL, *b = NULL;
	struct bc_buf *bc;
	bool hit = false;
	int err = 0;

	if (size < BLK_SECTOR_SIZE || size > 4096 || (size & (size - 1)) || size < dev->block_size)
		return -EINVAL;
	if (block >= dev->nr_sectors / (size / BLK_SECTOR_SIZE))
		return -EIO;
	for (bool again = false;; again = true) {
		spin_lock(&c->lock);
		if (again)
			c->core.misses--; /* the lookup is repeated: count it once */
		bc = bc_lookup(&c->core, &key);
		if (bc) {
			bc_get(&c->core, bc);
			b = bc->priv;
			hit = true;
			break;
		}
		b = spare ? NULL : reuse_victim(c, &key);
		if (b)
			break;
		if (spare) {
			err = make_room(c, &freed);
			if (err == -EAGAIN) {
				err = 0; /* not this lookup's result: it starts over */
				spin_unlock(&c->lock);
				continue;
			}
			if (!err) {
				b = spare;
				spare = NULL;
				b->bc.refcnt = 1;
				b->locked = true; /* ours from the start */
				bc_insert(&c->core, &b->bc);
			}
			break;
		}
		spin_unlock(&c->lock);
		spare = new_buf(c, dev, block, size);
		if (!spare)
			return -ENOMEM;
	}
	spin_unlock(&c->lock);
	if (freed)
		free_buf(freed);
	if (spare)
		free_buf(spare);
	if (err)
		return err;
	if (hit)
		lock_buf(b);
	*out = b;
	return 0;
}

int bread(struct bcache *c, struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out)
{
	struct buf *b;
	int err = get_locked(c, dev, block, size, &b);

	if (err)
		return err;
	if (!b->bc.valid) { /* valid only changes with the buffer lock held */
		err = buf_io(b, false);
		if (err) {
			brelse(b);
			return err;
		}
		b->bc.valid = true; /* under the buffer lock (see struct buf) */
	}
	*out = b;
	return 0;
}

int bget(struct bcache *c, struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out)
{
	return get_locked(c, dev, block, size, out);
}

/* ---- sync ------------------------------------------------------------ */

struct collect {
	struct bcache *c;
	struct blkdev *dev;
	size_t n;
};

static void collect_dirty(struct bc_buf *bc, void *arg)
{
	struct collect *col = arg;
	struct buf *b = bc->priv;

	if (col->dev && b->dev != col->dev)
		return;
	bc->refcnt++; /* like bc_get, without reordering the walk */
	col->c->sync_list[col->n++] = b;
}

struct flush_ctx {
	int err;
};

static void flush_one(struct blkdev *dev, void *arg)
{
	struct flush_ctx *f = arg;
	int err = blk_flush(dev);

	if (err && !f->err)
		f->err = err;
}

/* Write the collected buffers of @phase; returns how many were written. */
static size_t sync_phase(struct bcache *c, size_t n, unsigned int phase, struct flush_ctx *f)
{
	size_t written = 0;

	for (size_t i = 0; i < n; i++) {
		struct buf *b = c->sync_list[i];
		bool mine;

		spin_lock(&c->lock);
		mine = b->wb_phase == phase;
		spin_unlock(&c->lock);
		if (!mine)
			continue;
		lock_buf(b);
		if (b->bc.dirty) {
			int err = bwrite(b);

			if (err && !f->err)
				f->err = err;
			written++;
		}
		unlock_buf(b);
	}
	return written;
}

int bcache_sync(struct bcache *c, struct blkdev *dev)
{
	struct collect col = { .c = c, .dev = dev };
	struct flush_ctx f = { 0 };
	bool flushed = false;

	mutex_lock(&c->sync_lock);
	spin_lock(&c->lock);
	bc_for_each_dirty(&c->core, collect_dirty, &col);
	spin_unlock(&c->lock);
	for (unsigned int phase = 0; phase < BWB_PHASES; phase++) {
		/* A buffer re-dirtied meanwhile at a later phase is written in
		 * that one; a phase with nothing to write needs no flush. */
		if (!sync_phase(c, col.n, phase, &f) && (phase + 1 < BWB_PHASES || flushed))
			continue;
		if (dev)
			flush_one(dev, &f);
		else
			blkdev_for_each(flush_one, &f);
		flushed = true;
	}
	for (size_t i = 0; i < col.n; i++)
		put_buf(c->sync_list[i]);
	mutex_unlock(&c->sync_lock);
	return f.err;
}

void bcache_invalidate(struct bcache *c, struct blkdev *dev)
{
	struct buf *drop = NULL;

	for (;;) {
		struct bc_buf *bc = NULL, *it;

		spin_lock(&c->lock);
		/* Oldest clean unreferenced buffer of @dev, one at a time. */
		for (struct list_head *pos = c->core.lru.prev; pos != &c->core.lru;
		     pos = pos->prev) {
			it = list_entry(pos, struct bc_buf, lru);
			if (!it->refcnt && !it->dirty && it->key.dev == dev_id(dev)) {
				bc = it;
				break;
			}
		}
		if (bc)
			bc_remove(&c->core, bc, false);
		spin_unlock(&c->lock);
		if (!bc)
			break;
		drop = bc->priv;
		free_buf(drop);
	}
}

void bcache_get_stats(struct bcache *c, struct bcache_stats *st)
{
	struct list_head *pos;

	spin_lock(&c->lock);
	st->hits = c->core.hits;
	st->misses = c->core.misses;
	st->evictions = c->core.evictions;
	st->writebacks = c->writebacks;
	st->cached = c->core.count;
	st->max = c->max;
	st->dirty = 0;
	list_for_each (pos, &c->core.lru)
		if (list_entry(pos, struct bc_buf, lru)->dirty)
			st->dirty++;
	spin_unlock(&c->lock);
}

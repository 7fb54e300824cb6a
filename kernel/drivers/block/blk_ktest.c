/*
 * In-kernel tests of the block layer, virtio-blk and the buffer cache.
 * They write only to the scratch disk (serial "corvid-scratch", attached
 * by `make run` and the test scenarios) and read the boot ISO (serial
 * "corvid-iso"); without those disks they log that they were skipped and
 * pass. Names start with blk_ or bcache_ (`test blk bcache`).
 */
#include "core/log.h"
#include "drivers/block/bcache.h"
#include "drivers/block/blkdev.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "sched/task.h"
#include "sched/waitqueue.h"

#define LOG_PREFIX "blk-ktest: "

#define CHUNK_ORDER 8 /* 1 MiB */
#define CHUNK_BYTES (PAGE_SIZE << CHUNK_ORDER)
#define CHUNK_SECTORS (CHUNK_BYTES / BLK_SECTOR_SIZE)
#define PATTERN_BYTES (8u << 20)
#define PATTERN_BASE 4096 /* first sector the pattern tests use */

static struct blkdev *disk(const char *serial, const char *test)
{
	struct blkdev *dev = blkdev_find_serial(serial);

	if (!dev)
		log_info("%s skipped: no disk with serial '%s'\n", test, serial);
	return dev;
}

/* The byte at @off of sector @sector in pattern @seed. */
static uint8_t pattern(uint64_t sector, size_t off, uint32_t seed)
{
	uint64_t x = (sector * 0x9e3779b97f4a7c15ull) ^ (off * 0x2545f491ull) ^ seed;

	return (uint8_t)(x ^ (x >> 29) ^ (x >> 47));
}

static void fill(uint8_t *buf, uint64_t sector, uint32_t count, uint32_t seed)
{
	for (uint32_t s = 0; s < count; s++)
		for (size_t i = 0; i < BLK_SECTOR_SIZE; i++)
			buf[(size_t)s * BLK_SECTOR_SIZE + i] = pattern(sector + s, i, seed);
}

/* Index of the first byte that differs from the pattern, or -1. */
static long check(const uint8_t *buf, uint64_t sector, uint32_t count, uint32_t seed)
{
	for (uint32_t s = 0; s < count; s++)
		for (size_t i = 0; i < BLK_SECTOR_SIZE; i++)
			if (buf[(size_t)s * BLK_SECTOR_SIZE + i] != pattern(sector + s, i, seed))
				return (long)(s * BLK_SECTOR_SIZE + i);
	return -1;
}

static uint8_t *chunk_alloc(void)
{
	paddr_t pa = pmm_alloc_pages(CHUNK_ORDER);

	return pa ? phys_to_virt(pa) : NULL;
}

static void chunk_free(uint8_t *p)
{
	pmm_free_pages(virt_to_phys_direct(p), CHUNK_ORDER);
}

KTEST(blk_iso_is_readable_and_read_only)
{
	struct blkdev *iso = disk("corvid-iso", "blk_iso_is_readable_and_read_only");
	uint8_t *buf;

	if (!iso)
		return;
	KASSERT(iso->read_only);
	buf = kmalloc(4 * BLK_SECTOR_SIZE);
	KASSERT(buf);
	/* ISO 9660: the primary volume descriptor is 2 KiB block 16. */
	KASSERT_EQ(blk_read(iso, 64, 4, buf), 0);
	KASSERT_EQ(buf[0], 1);
	KASSERT(!memcmp(buf + 1, "CD001", 5));
	KASSERT_EQ(blk_write(iso, 64, 1, buf), -EROFS);
	kfree(buf);
}

KTEST(blk_8mib_pattern_round_trip)
{
	struct blkdev *dev = disk("corvid-scratch", "blk_8mib_pattern_round_trip");
	uint32_t total = PATTERN_BYTES / BLK_SECTOR_SIZE, done;
	uint8_t *buf;

	if (!dev)
		return;
	KASSERT(dev->nr_sectors >= PATTERN_BASE + total);
	buf = chunk_alloc();
	KASSERT(buf);
	/* Write in 1 MiB requests (many sectors each)... */
	for (done = 0; done < total; done += CHUNK_SECTORS) {
		fill(buf, PATTERN_BASE + done, CHUNK_SECTORS, 1);
		KASSERT_EQ(blk_write(dev, PATTERN_BASE + done, CHUNK_SECTORS, buf), 0);
	}
	KASSERT_EQ(blk_flush(dev), 0);
	/* ...read back in odd sizes that straddle the write boundaries. */
	for (done = 0; done < total;) {
		uint32_t n = MIN(total - done, 1 + (done * 7 + 13) % 300);

		memset(buf, 0, (size_t)n * BLK_SECTOR_SIZE);
		KASSERT_EQ(blk_read(dev, PATTERN_BASE + done, n, buf), 0);
		KASSERT_EQ(check(buf, PATTERN_BASE + done, n, 1), -1);
		done += n;
	}
	chunk_free(buf);
}

KTEST(blk_beyond_the_end_is_eio)
{
	struct blkdev *dev = disk("corvid-scratch", "blk_beyond_the_end_is_eio");
	struct blk_request rq = { .op = BLK_OP_READ };
	uint8_t *buf;

	if (!dev)
		return;
	buf = kmalloc(2 * BLK_SECTOR_SIZE);
	KASSERT(buf);
	KASSERT_EQ(blk_read(dev, dev->nr_sectors, 1, buf), -EIO);
	KASSERT_EQ(blk_read(dev, dev->nr_sectors - 1, 2, buf), -EIO);
	KASSERT_EQ(blk_write(dev, ~0ull, 1, buf), -EIO);
	KASSERT_EQ(blk_read(dev, dev->nr_sectors - 1, 1, buf), 0);
	rq.buf = buf;
	rq.count = 0;
	KASSERT_EQ(blkdev_submit(dev, &rq), -EINVAL);
	rq.count = dev->max_sectors + 1;
	KASSERT_EQ(blkdev_submit(dev, &rq), -EINVAL);
	kfree(buf);
}

/* ---- many requests in flight ------------------------------------------ */

#define INFLIGHT 64

struct batch {
	struct waitqueue wq;
	unsigned int left; /* Atomic */
	int errors;	   /* Atomic */
};

static void batch_done(struct blk_request *rq)
{
	struct batch *b = rq->priv;

	if (rq->status)
		__atomic_add_fetch(&b->errors, 1, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&b->left, 1, __ATOMIC_ACQ_REL) == 0)
		waitq_wake_all(&b->wq);
}

/* Submit @INFLIGHT single-@op requests of 8 sectors at once from @base, then
 * wait for all of them. */
static int batch_io(struct blkdev *dev, enum blk_op op, uint64_t base, uint8_t *buf)
{
	struct blk_request *rqs = kcalloc(INFLIGHT, sizeof(*rqs));
	struct batch b = { .left = INFLIGHT };

	if (!rqs)
		return -ENOMEM;
	waitqueue_init(&b.wq, "blk_batch");
	for (unsigned int i = 0; i < INFLIGHT; i++) {
		rqs[i] = (struct blk_request){ .op = op,
					       .sector = base + 8 * i,
					       .count = 8,
					       .buf = buf + (size_t)i * 8 * BLK_SECTOR_SIZE,
					       .done = batch_done,
					       .priv = &b };
		if (blkdev_submit(dev, &rqs[i]))
			return -EIO; /* in-flight requests point at rqs: leak it */
	}
	wait_event(&b.wq, __atomic_load_n(&b.left, __ATOMIC_ACQUIRE) == 0);
	kfree(rqs);
	return b.errors ? -EIO : 0;
}

struct worker {
	struct blkdev *dev;
	uint64_t base;
	uint32_t seed;
};

/* Write a pattern to a private region with many requests in flight, read
 * it back the same way and check it. */
static int worker(void *arg)
{
	struct worker *w = arg;
	size_t bytes = (size_t)INFLIGHT * 8 * BLK_SECTOR_SIZE; /* 256 KiB */
	uint8_t *buf = chunk_alloc();
	int err = -ENOMEM;

	if (!buf)
		return err;
	for (int round = 0; round < 4; round++) {
		fill(buf, w->base, INFLIGHT * 8, w->seed + (uint32_t)round);
		err = batch_io(w->dev, BLK_OP_WRITE, w->base, buf);
		if (err)
			break;
		memset(buf, 0, bytes);
		err = batch_io(w->dev, BLK_OP_READ, w->base, buf);
		if (!err && check(buf, w->base, INFLIGHT * 8, w->seed + (uint32_t)round) != -1)
			err = -EILSEQ;
		if (err)
			break;
	}
	chunk_free(buf);
	return err;
}

KTEST(blk_four_tasks_many_requests_in_flight)
{
	struct blkdev *dev = disk("corvid-scratch", "blk_four_tasks_many_requests_in_flight");
	struct worker w[4];
	struct task *t[4];
	struct blk_stats st;

	if (!dev)
		return;
	for (unsigned int i = 0; i < 4; i++) {
		w[i] = (struct worker){ dev, PATTERN_BASE + 20480 + i * 1024, 100 + 10 * i };
		t[i] = task_create(worker, &w[i], "blk-worker");
		KASSERT(t[i]);
	}
	for (unsigned int i = 0; i < 4; i++) {
		int code = -1;

		KASSERT_EQ(task_join(t[i], &code), 0);
		KASSERT_EQ(code, 0);
	}
	blkdev_get_stats(dev, &st);
	KASSERT_EQ(st.in_flight, 0);
	KASSERT(st.peak_in_flight >= INFLIGHT); /* the device really had many at once */
}

/* ---- buffer cache ----------------------------------------------------- */

#define BC_BASE 30000 /* sectors the cache tests use */

KTEST(bcache_eviction_writes_back_dirty_buffers)
{
	struct blkdev *dev = disk("corvid-scratch", "bcache_eviction_writes_back_dirty_buffers");
	struct bcache *c;
	struct bcache_stats st;
	uint8_t *raw;

	if (!dev)
		return;
	c = bcache_create(8, "ktest");
	KASSERT(c);
	for (uint64_t i = 0; i < 32; i++) {
		struct buf *b;

		KASSERT_EQ(bget(c, dev, BC_BASE / 2 + i, 1024, &b), 0);
		fill(b->data, BC_BASE + 2 * i, 2, 7);
		bdirty(b);
		brelse(b);
	}
	bcache_get_stats(c, &st);
	KASSERT_EQ(st.cached, 8);
	KASSERT_EQ(st.evictions, 24);
	KASSERT_EQ(st.writebacks, 24); /* every eviction wrote a dirty block */
	KASSERT_EQ(st.dirty, 8);
	KASSERT_EQ(bcache_destroy(c), 0); /* writes back the last 8 */
	raw = chunk_alloc();
	KASSERT(raw);
	KASSERT_EQ(blk_read(dev, BC_BASE, 64, raw), 0);
	KASSERT_EQ(check(raw, BC_BASE, 64, 7), -1);
	chunk_free(raw);
}

KTEST(bcache_held_buffer_is_never_evicted)
{
	struct blkdev *dev = disk("corvid-scratch", "bcache_held_buffer_is_never_evicted");
	struct buf *held, *b, *all[4];
	struct bcache_stats before, after;
	struct bcache *c;
	uint8_t *data;

	if (!dev)
		return;
	c = bcache_create(4, "ktest");
	KASSERT(c);
	KASSERT_EQ(bread(c, dev, BC_BASE, 512, &held), 0);
	data = held->data;
	for (uint64_t i = 1; i <= 40; i++) {
		KASSERT_EQ(bread(c, dev, BC_BASE + i, 512, &b), 0);
		brelse(b);
	}
	KASSERT(held->data == data && held->block == BC_BASE);
	brelse(held);
	bcache_get_stats(c, &before);
	KASSERT_EQ(bread(c, dev, BC_BASE, 512, &held), 0); /* still cached: a hit */
	bcache_get_stats(c, &after);
	KASSERT_EQ(after.hits, before.hits + 1);
	KASSERT_EQ(after.misses, before.misses);
	brelse(held);
	/* With every buffer held there is no room, and that is an error. */
	for (unsigned int i = 0; i < 4; i++)
		KASSERT_EQ(bread(c, dev, BC_BASE + 100 + i, 512, &all[i]), 0);
	KASSERT_EQ(bread(c, dev, BC_BASE + 200, 512, &b), -ENOMEM);
	for (unsigned int i = 0; i < 4; i++)
		brelse(all[i]);
	KASSERT_EQ(bcache_destroy(c), 0);
}

KTEST(bcache_sync_and_block_sizes)
{
	struct blkdev *dev = disk("corvid-scratch", "bcache_sync_and_block_sizes");
	struct bcache *c;
	struct buf *b;
	uint8_t *raw;

	if (!dev)
		return;
	c = bcache_create(16, "ktest");
	raw = kmalloc(4096);
	KASSERT(c && raw);
	/* A dirty 4 KiB block reaches the disk on sync... */
	KASSERT_EQ(bget(c, dev, (BC_BASE + 512) / 8, 4096, &b), 0);
	fill(b->data, BC_BASE + 512, 8, 9);
	bdirty(b);
	brelse(b);
	KASSERT_EQ(bcache_sync(c, dev), 0);
	KASSERT_EQ(blk_read(dev, BC_BASE + 512, 8, raw), 0);
	KASSERT_EQ(check(raw, BC_BASE + 512, 8, 9), -1);
	/* ...and 2 KiB reads of the same sectors see it (after forgetting the
	 * cached copies). */
	bcache_invalidate(c, dev);
	KASSERT_EQ(bread(c, dev, (BC_BASE + 512) / 4 + 1, 2048, &b), 0);
	KASSERT_EQ(check(b->data, BC_BASE + 516, 4, 9), -1);
	brelse(b);
	/* Bad sizes and blocks beyond the end are refused. */
	KASSERT_EQ(bread(c, dev, 0, 3000, &b), -EINVAL);
	KASSERT_EQ(bread(c, dev, 0, 8192, &b), -EINVAL);
	KASSERT_EQ(bread(c, dev, dev->nr_sectors, 512, &b), -EIO);
	kfree(raw);
	KASSERT_EQ(bcache_destroy(c), 0);
}

/* ---- write-back phases ------------------------------------------------ */

/* A small RAM disk that records the order of its writes and flushes
 * (registered once, as "rec<letter>", test code only). */
#define REC_SECTORS 64
#define REC_LOG 32

static struct {
	struct blkdev dev;
	uint8_t data[REC_SECTORS * BLK_SECTOR_SIZE];
	int64_t log[REC_LOG]; // first sector written, or -1 for a flush
	unsigned int n;
	bool registered;
} rec;

static int rec_submit(struct blkdev *dev, struct blk_request *rq)
{
	uint8_t *p = rec.data + rq->sector * BLK_SECTOR_SIZE;

	(void)dev;
	if (rq->op == BLK_OP_READ)
		memcpy(rq->buf, p, (size_t)rq->count * BLK_SECTOR_SIZE);
	else if (rq->op == BLK_OP_WRITE)
		memcpy(p, rq->buf, (size_t)rq->count * BLK_SECTOR_SIZE);
	if (rq->op != BLK_OP_READ && rec.n < REC_LOG)
		rec.log[rec.n++] = rq->op == BLK_OP_FLUSH ? -1 : (int64_t)rq->sector;
	rq->status = 0;
	blkdev_account(&rec.dev, rq);
	rq->done(rq);
	return 0;
}

static void rec_poll(struct blkdev *dev)
{
	(void)dev;
}

static const struct blkdev_ops rec_ops = { .submit = rec_submit, .poll = rec_poll };

KTEST(bcache_sync_writes_data_then_metadata_then_superblock)
{
	static const unsigned int phase_of[3] = { BWB_LAST, BWB_META, BWB_DATA };
	static const int64_t want[] = { 4, -1, 2, -1, 0, -1 }; // 1 KiB blocks: 2 sectors each
	struct bcache *c;

	if (!rec.registered) {
		rec.dev.nr_sectors = REC_SECTORS;
		rec.dev.block_size = BLK_SECTOR_SIZE;
		rec.dev.max_sectors = REC_SECTORS;
		rec.dev.has_flush = true;
		rec.dev.ops = &rec_ops;
		KASSERT_EQ(blkdev_register(&rec.dev, "rec"), 0);
		rec.registered = true;
	}
	c = bcache_create(8, "ktest");
	KASSERT(c);
	/* Dirtied superblock first, data last: the sync must turn it round. */
	for (unsigned int i = 0; i < 3; i++) {
		struct buf *b;

		KASSERT_EQ(bget(c, &rec.dev, i, 1024, &b), 0);
		memset(b->data, 'a' + (int)i, 1024);
		bdirty_phase(b, phase_of[i]);
		brelse(b);
	}
	rec.n = 0;
	KASSERT_EQ(bcache_sync(c, &rec.dev), 0);
	KASSERT_EQ(rec.n, sizeof(want) / sizeof(want[0]));
	for (unsigned int i = 0; i < rec.n; i++)
		KASSERT_EQ(rec.log[i], want[i]);
	/* Written: clean, and back to the data phase for the next dirtying. */
	rec.n = 0;
	KASSERT_EQ(bcache_sync(c, &rec.dev), 0);
	KASSERT_EQ(rec.n, 1); // nothing to write: the one flush sync always gives
	KASSERT_EQ(bcache_destroy(c), 0);
	KASSERT_EQ(rec.data[4 * BLK_SECTOR_SIZE], 'c');
}

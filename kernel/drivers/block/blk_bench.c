/*
 * Block benchmarks (`make bench`) on the scratch disk (serial
 * "corvid-scratch"): sequential write and read throughput over 64 MiB with
 * 1 MiB requests, random 4 KiB reads one at a time and 16 in flight, the
 * cost of a buffer-cache hit, and what the cache adds to sequential 4 KiB
 * reads that all miss. Under TCG these measure the emulated path
 * (QEMU's virtio-blk and the host's page cache), not a disk.
 */
#include "bench/bench.h"
#include "core/console.h"
#include "drivers/block/bcache.h"
#include "drivers/block/blkdev.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "sched/waitqueue.h"
#include "time/ktime.h"

#define SEQ_BYTES (64u << 20)
#define MISS_BYTES (16u << 20)
#define CHUNK_ORDER 8 /* 1 MiB */
#define CHUNK_SECTORS ((PAGE_SIZE << CHUNK_ORDER) / BLK_SECTOR_SIZE)
#define RAND_IOS 2000
#define QD 16
#define HIT_ROUNDS 100000

static struct blkdev *scratch(void)
{
	struct blkdev *dev = blkdev_find_serial("corvid-scratch");

	if (!dev || dev->nr_sectors < 2 * SEQ_BYTES / BLK_SECTOR_SIZE) {
		kprintf("bench: no scratch disk of %u MiB (serial corvid-scratch): skipped\n",
			2 * SEQ_BYTES >> 20);
		return NULL;
	}
	return dev;
}

/* A random 4 KiB-aligned sector in the first SEQ_BYTES (xorshift). */
static uint64_t next_sector(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (*state % (SEQ_BYTES / 4096)) * 8;
}

static uint64_t mib_per_s(uint64_t bytes, uint64_t ns)
{
	return ns ? bytes * NSEC_PER_SEC / ns >> 20 : 0;
}

BENCH(blk_sequential)
{
	struct blkdev *dev = scratch();
	paddr_t pa;
	uint8_t *buf;
	uint64_t t0, wns, rns;
	int err = 0;

	if (!dev)
		return;
	pa = pmm_alloc_pages(CHUNK_ORDER);
	if (!pa)
		return;
	buf = phys_to_virt(pa);
	memset(buf, 0xa5, PAGE_SIZE << CHUNK_ORDER);
	t0 = ktime_ns();
	for (uint64_t s = 0; s < SEQ_BYTES / BLK_SECTOR_SIZE && !err; s += CHUNK_SECTORS)
		err = blk_write(dev, s, CHUNK_SECTORS, buf);
	if (!err)
		err = blk_flush(dev);
	wns = ktime_ns() - t0;
	t0 = ktime_ns();
	for (uint64_t s = 0; s < SEQ_BYTES / BLK_SECTOR_SIZE && !err; s += CHUNK_SECTORS)
		err = blk_read(dev, s, CHUNK_SECTORS, buf);
	rns = ktime_ns() - t0;
	pmm_free_pages(pa, CHUNK_ORDER);
	if (err) {
		kprintf("bench: block I/O failed (%d)\n", err);
		return;
	}
	bench_metric("blk_seq_write_mib_s", mib_per_s(SEQ_BYTES, wns), "MiB/s");
	bench_metric("blk_seq_read_mib_s", mib_per_s(SEQ_BYTES, rns), "MiB/s");
}

struct qd_state {
	struct blkdev *dev;
	struct waitqueue wq;
	struct blk_request rq[QD];
	uint8_t *bufs;
	uint64_t rng;
	unsigned int completed, in_flight; /* Protected by wq.lock */
	uint32_t busy;			   /* slots in flight; Protected by wq.lock */
	int errors;
};

static void qd_done(struct blk_request *rq)
{
	struct qd_state *q = rq->priv;
	unsigned long flags = spin_lock_irqsave(&q->wq.lock);

	q->completed++;
	q->in_flight--;
	q->busy &= ~(1u << (rq - q->rq));
	if (rq->status)
		q->errors++;
	spin_unlock_irqrestore(&q->wq.lock, flags);
	waitq_wake_all(&q->wq);
}

static bool slot_free(struct qd_state *q, unsigned int *slot)
{
	unsigned long flags = spin_lock_irqsave(&q->wq.lock);
	bool ok = q->in_flight < QD;

	if (ok) {
		*slot = (unsigned int)__builtin_ctz(~q->busy);
		q->busy |= 1u << *slot;
		q->in_flight++;
	}
	spin_unlock_irqrestore(&q->wq.lock, flags);
	return ok;
}

/* Random 4 KiB reads, @depth in flight; returns I/Os per second. */
static uint64_t random_reads(struct blkdev *dev, unsigned int depth)
{
	static struct qd_state q;
	paddr_t pa = pmm_alloc_pages(4); /* 16 x 4 KiB */
	uint64_t t0, ns;

	if (!pa)
		return 0;
	memset(&q, 0, sizeof(q));
	q.dev = dev;
	q.bufs = phys_to_virt(pa);
	q.rng = 0x243f6a8885a308d3ull;
	waitqueue_init(&q.wq, "blk_bench");
	t0 = ktime_ns();
	for (unsigned int i = 0; i < RAND_IOS; i++) {
		unsigned int slot;

		/* With depth 1 this waits for the previous read every time. */
		wait_event(&q.wq, READ_ONCE(q.in_flight) < depth && slot_free(&q, &slot));
		q.rq[slot] = (struct blk_request){ .op = BLK_OP_READ,
						   .sector = next_sector(&q.rng),
						   .count = 8,
						   .buf = q.bufs + (size_t)slot * 4096,
						   .done = qd_done,
						   .priv = &q };
		if (blkdev_submit(dev, &q.rq[slot])) {
			kprintf("bench: submit failed\n");
			return 0; /* leaks the buffers on purpose: reads may be in flight */
		}
	}
	wait_event(&q.wq, READ_ONCE(q.completed) == RAND_IOS);
	ns = ktime_ns() - t0;
	pmm_free_pages(pa, 4);
	return q.errors ? 0 : (uint64_t)RAND_IOS * NSEC_PER_SEC / ns;
}

BENCH(blk_random_4k)
{
	struct blkdev *dev = scratch();

	if (!dev)
		return;
	bench_metric("blk_rand_read_4k_qd1_iops", random_reads(dev, 1), "IOPS");
	bench_metric("blk_rand_read_4k_qd16_iops", random_reads(dev, QD), "IOPS");
}

BENCH(bcache_hit)
{
	struct blkdev *dev = scratch();
	struct bcache *c;
	struct buf *b;
	uint64_t t0;

	if (!dev)
		return;
	c = bcache_create(64, "bench");
	if (!c)
		return;
	for (uint64_t i = 0; i < 64; i++) { /* warm */
		if (bread(c, dev, i, 4096, &b))
			goto out;
		brelse(b);
	}
	t0 = ktime_ns();
	for (unsigned int i = 0; i < HIT_ROUNDS; i++) {
		if (bread(c, dev, i % 64, 4096, &b))
			goto out;
		brelse(b);
	}
	bench_metric("bcache_hit_bread_brelse_ns", (ktime_ns() - t0) / HIT_ROUNDS, "ns");
out:
	if (bcache_destroy(c))
		kprintf("bench: bcache_destroy failed\n");
}

/* Sequential 4 KiB reads over MISS_BYTES, half raw and half through a
 * cache of 64 buffers where every read misses; the overhead in percent of
 * the raw time. The raw reads rotate through 64 pages too, so both sides
 * touch the same amount of memory. */
#define MISS_BUFS 64
#define MISS_ORDER 6 /* 64 pages */

BENCH(bcache_miss)
{
	struct blkdev *dev = scratch();
	uint64_t t0, raw_ns, cached_ns;
	struct bcache *c;
	struct buf *b;
	uint8_t *pages;
	paddr_t pa;
	int err = 0;

	if (!dev)
		return;
	pa = pmm_alloc_pages(MISS_ORDER);
	c = bcache_create(MISS_BUFS, "bench");
	if (!pa || !c)
		goto out;
	pages = phys_to_virt(pa);
	/* Alternate chunks of raw and cached reads of different blocks, so
	 * drift in the host's speed falls on both alike. */
	raw_ns = cached_ns = 0;
	for (uint64_t blk = 0; blk < MISS_BYTES / 4096 && !err; blk += 2 * MISS_BUFS) {
		t0 = ktime_ns();
		for (uint64_t i = blk; i < blk + MISS_BUFS && !err; i++)
			err = blk_read(dev, i * 8, 8, pages + (i % MISS_BUFS) * PAGE_SIZE);
		raw_ns += ktime_ns() - t0;
		t0 = ktime_ns();
		for (uint64_t i = blk + MISS_BUFS; i < blk + 2 * MISS_BUFS && !err; i++) {
			err = bread(c, dev, i, 4096, &b);
			if (!err)
				brelse(b);
		}
		cached_ns += ktime_ns() - t0;
	}
	if (err) {
		kprintf("bench: block I/O failed (%d)\n", err);
		goto out;
	}
	bench_metric("bcache_miss_seq_4k_overhead_pct",
		     cached_ns > raw_ns ? (cached_ns - raw_ns) * 100 / raw_ns : 0, "%");
out:
	if (pa)
		pmm_free_pages(pa, MISS_ORDER);
	if (c && bcache_destroy(c))
		kprintf("bench: bcache_destroy failed\n");
}

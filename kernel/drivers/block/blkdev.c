/*
 * The block-device registry and request helpers (drivers/block/blkdev.h).
 * Synchronous calls wrap one request at a time in a struct blk_sync from
 * kmalloc; a request the device never answers makes the driver stop the
 * device (ops->abort) before the error is returned, and is leaked on
 * purpose, instead of freed under the device's feet, if it cannot.
 * Locking: blkdev_lock (LOCK_RANK_SUBSYS) guards the registry list; a
 * registered device is never removed, so a pointer from blkdev_find()
 * stays valid. Statistics are updated with atomic adds.
 */
#include "drivers/block/blkdev.h"

#include "arch/arch.h"
#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/sched.h"
#include "sync/completion.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_PREFIX "blk: "

static struct spinlock blkdev_lock = SPINLOCK_INIT("blkdev", LOCK_RANK_SUBSYS);
static struct list_head devices = LIST_HEAD_INIT(devices); /* Protected by blkdev_lock */

static bool name_is(const struct blkdev *d, const char *name)
{
	return !strcmp(d->name, name);
}

static bool serial_is(const struct blkdev *d, const char *serial)
{
	return !strcmp(d->serial, serial);
}

/* The first device for which @match(dev, @key) holds. Lock held. */
static struct blkdev *find_locked(bool (*match)(const struct blkdev *d, const char *key),
				  const char *key)
{
	struct blkdev *d;

	list_for_each_entry (d, &devices, link)
		if (match(d, key))
			return d;
	return NULL;
}

static struct blkdev *find(bool (*match)(const struct blkdev *d, const char *key), const char *key)
{
	struct blkdev *found;

	spin_lock(&blkdev_lock);
	found = find_locked(match, key);
	spin_unlock(&blkdev_lock);
	return found;
}

int blkdev_register(struct blkdev *dev, const char *prefix)
{
	size_t plen = strlen(prefix);
	int err = -ENOSPC;

	if (!dev->ops || !dev->ops->submit || !dev->nr_sectors || !dev->max_sectors ||
	    dev->block_size < BLK_SECTOR_SIZE || plen == 0 || plen + 2 > BLK_NAME_MAX)
		return -EINVAL;
	spin_lock(&blkdev_lock);
	for (char c = 'a'; c <= 'z'; c++) {
		memcpy(dev->name, prefix, plen);
		dev->name[plen] = c;
		dev->name[plen + 1] = '\0';
		if (!find_locked(name_is, dev->name)) {
			list_add_tail(&dev->link, &devices);
			err = 0;
			break;
		}
	}
	spin_unlock(&blkdev_lock);
	if (err)
		dev->name[0] = '\0';
	return err;
}

struct blkdev *blkdev_find(const char *name)
{
	return find(name_is, name);
}

struct blkdev *blkdev_find_serial(const char *serial)
{
	return find(serial_is, serial);
}

void blkdev_for_each(void (*fn)(struct blkdev *dev, void *arg), void *arg)
{
	struct blkdev *d;

	/* Devices are only ever added at the tail, and never removed: walk
	 * without the lock so @fn may sleep, reading each next under it. */
	spin_lock(&blkdev_lock);
	for (struct list_head *pos = devices.next; pos != &devices; pos = pos->next) {
		d = list_entry(pos, struct blkdev, link);
		spin_unlock(&blkdev_lock);
		fn(d, arg);
		spin_lock(&blkdev_lock);
	}
	spin_unlock(&blkdev_lock);
}

/* Count @rq in flight (and the peak) around the driver's submit. */
static int submit_counted(struct blkdev *dev, struct blk_request *rq)
{
	uint64_t now = __atomic_add_fetch(&dev->stats.in_flight, 1, __ATOMIC_RELAXED);
	uint64_t peak = __atomic_load_n(&dev->stats.peak_in_flight, __ATOMIC_RELAXED);
	int err;

	while (now > peak && !__atomic_compare_exchange_n(&dev->stats.peak_in_flight, &peak, now,
							  true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	err = dev->ops->submit(dev, rq);
	if (err)
		__atomic_sub_fetch(&dev->stats.in_flight, 1, __ATOMIC_RELAXED);
	return err;
}

int blkdev_submit(struct blkdev *dev, struct blk_request *rq)
{
	if (rq->op == BLK_OP_FLUSH)
		return submit_counted(dev, rq);
	if (rq->op != BLK_OP_READ && rq->op != BLK_OP_WRITE)
		return -EINVAL;
	if (!rq->count || rq->count > dev->max_sectors || !rq->buf)
		return -EINVAL;
	if (rq->sector >= dev->nr_sectors || rq->count > dev->nr_sectors - rq->sector)
		return -EIO;
	if (rq->op == BLK_OP_WRITE && dev->read_only)
		return -EROFS;
	return submit_counted(dev, rq);
}

void blkdev_account(struct blkdev *dev, const struct blk_request *rq)
{
	struct blk_stats *st = &dev->stats;

	__atomic_sub_fetch(&st->in_flight, 1, __ATOMIC_RELAXED);
	if (rq->status) {
		__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
		return;
	}
	switch (rq->op) {
	case BLK_OP_READ:
		__atomic_add_fetch(&st->reads, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&st->read_sectors, rq->count, __ATOMIC_RELAXED);
		break;
	case BLK_OP_WRITE:
		__atomic_add_fetch(&st->writes, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&st->write_sectors, rq->count, __ATOMIC_RELAXED);
		break;
	case BLK_OP_FLUSH:
		__atomic_add_fetch(&st->flushes, 1, __ATOMIC_RELAXED);
		break;
	}
}

void blkdev_get_stats(const struct blkdev *dev, struct blk_stats *st)
{
	st->reads = __atomic_load_n(&dev->stats.reads, __ATOMIC_RELAXED);
	st->writes = __atomic_load_n(&dev->stats.writes, __ATOMIC_RELAXED);
	st->flushes = __atomic_load_n(&dev->stats.flushes, __ATOMIC_RELAXED);
	st->read_sectors = __atomic_load_n(&dev->stats.read_sectors, __ATOMIC_RELAXED);
	st->write_sectors = __atomic_load_n(&dev->stats.write_sectors, __ATOMIC_RELAXED);
	st->errors = __atomic_load_n(&dev->stats.errors, __ATOMIC_RELAXED);
	st->in_flight = __atomic_load_n(&dev->stats.in_flight, __ATOMIC_RELAXED);
	st->peak_in_flight = __atomic_load_n(&dev->stats.peak_in_flight, __ATOMIC_RELAXED);
}

/* ---- synchronous requests ---------------------------------------------- */

struct blk_sync {
	struct blk_request rq;
	struct completion done;
};

static unsigned int timeout_s = BLK_TIMEOUT_DEFAULT_S; /* Atomic */

uint64_t blk_timeout_ns(void)
{
	return (uint64_t)READ_ONCE(timeout_s) * NSEC_PER_SEC;
}

int blk_set_timeout_s(unsigned int seconds)
{
	if (seconds < 1 || seconds > BLK_TIMEOUT_MAX_S)
		return -EINVAL;
	WRITE_ONCE(timeout_s, seconds);
	return 0;
}

void blk_timeout_arg(const char *seconds)
{
	unsigned long long s;

	if (kstrtoull(seconds, 10, &s) || s > BLK_TIMEOUT_MAX_S ||
	    blk_set_timeout_s((unsigned int)s))
		log_warn("blk_timeout=%s: not a number of seconds from 1 to %d; keeping %u\n",
			 seconds, BLK_TIMEOUT_MAX_S, READ_ONCE(timeout_s));
	else
		log_info("requests time out after %llu s\n", s);
}

static void sync_done(struct blk_request *rq)
{
	complete(&((struct blk_sync *)rq->priv)->done);
}

/* One request, start to finish. */
static int sync_request(struct blkdev *dev, enum blk_op op, uint64_t sector, uint32_t count,
			void *buf)
{
	struct blk_sync *s = kzalloc(sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	completion_init(&s->done);
	s->rq = (struct blk_request){
		.op = op, .sector = sector, .count = count, .buf = buf, .done = sync_done, .priv = s
	};
	err = blkdev_submit(dev, &s->rq);
	if (err) {
		kfree(s);
		return err;
	}
	if (sched_is_running()) {
		if (!wait_for_completion_timeout(&s->done, blk_timeout_ns()))
			goto timeout;
	} else {
		uint64_t deadline = ktime_ns() + blk_timeout_ns();

		while (!completion_is_done(&s->done)) {
			if (dev->ops->poll)
				dev->ops->poll(dev);
			if (ktime_ns() > deadline)
				goto timeout;
		}
	}
	err = s->rq.status;
	kfree(s);
	return err;
timeout:
	log_err("%s: no answer to a request for sector %llu in %llu s\n", dev->name,
		(unsigned long long)sector, (unsigned long long)(blk_timeout_ns() / NSEC_PER_SEC));
	/* Stop the device before the error reaches the caller, whose buffer
	 * (often a buffer-cache one) is reused at once. If that fails the
	 * device may still own the request: leak it rather than free it. */
	if (dev->ops->abort && !dev->ops->abort(dev) && completion_is_done(&s->done))
		kfree(s);
	return -EIO;
}

static int sync_rw(struct blkdev *dev, enum blk_op op, uint64_t sector, uint32_t count,
		   uint8_t *buf)
{
	if (sector >= dev->nr_sectors || count > dev->nr_sectors - sector)
		return -EIO;
	while (count) {
		uint32_t n = MIN(count, dev->max_sectors);
		int err = sync_request(dev, op, sector, n, buf);

		if (err)
			return err;
		sector += n;
		count -= n;
		buf += (size_t)n * BLK_SECTOR_SIZE;
	}
	return 0;
}

bool blk_buf_ok(const void *p, size_t n)
{
	struct arch_paging_stats st;
	uintptr_t va = (uintptr_t)p;

	arch_paging_get_stats(&st);
	return va >= DIRECT_MAP_BASE && va + n <= DIRECT_MAP_BASE + st.direct_map_end &&
	       va + n > va;
}

int blk_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	return sync_rw(dev, BLK_OP_READ, sector, count, buf);
}

int blk_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	return sync_rw(dev, BLK_OP_WRITE, sector, count, (uint8_t *)buf);
}

int blk_flush(struct blkdev *dev)
{
	if (!dev->has_flush)
		return 0;
	return sync_request(dev, BLK_OP_FLUSH, 0, 0, NULL);
}

/*
 * The block-device layer: a registry of named disks ("vda", "vdb", ...)
 * and the request interface between drivers (virtio-blk) and their users
 * (the buffer cache, filesystems, the `blk` shell command).
 *
 * A driver fills a struct blkdev and registers it; users submit struct
 * blk_request objects, which complete asynchronously through rq->done, or
 * call the synchronous helpers, which sleep until completion (or poll
 * before the scheduler runs). Sectors are always 512 bytes here, whatever
 * the device's logical block size.
 *
 * Locking: the registry is guarded by blkdev_lock (drivers/block/blkdev.c);
 * a driver guards its own queues.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"
#include "include/list.h"

#define BLK_SECTOR_SIZE 512u
#define BLK_NAME_MAX 8
#define BLK_SERIAL_MAX 21 /* VirtIO GET_ID gives 20 bytes, plus NUL */

enum blk_op {
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_FLUSH, /* sector and count ignored */
};

struct blk_request {
	enum blk_op op;
	uint64_t sector; /* first 512-byte sector */
	uint32_t count;	 /* sectors; at most dev->max_sectors */
	/* count * 512 bytes of physically contiguous direct-map memory
	 * (kmalloc or pmm pages; never vmalloc or the stack). */
	void *buf;
	/* Set by the driver before done(): 0 or -EIO. */
	int status;
	/* Called exactly once when the request finishes, possibly in interrupt
	 * context (must not sleep). */
	void (*done)(struct blk_request *rq);
	void *priv;	       /* the submitter's */
	struct list_head link; /* the driver's, while in flight */
};

/* Statistics for `blk` and the benchmarks. */
struct blk_stats {
	uint64_t reads, writes, flushes; /* requests completed */
	uint64_t read_sectors, write_sectors;
	uint64_t errors;
	uint64_t in_flight, peak_in_flight; /* submitted, not yet completed */
};
struct blkdev;

struct blkdev_ops {
	/* Start @rq (already bounds-checked). Returns 0 (rq->done will be
	 * called) or a negative errno (it will not). May sleep waiting for
	 * queue space once the scheduler runs. */
	int (*submit)(struct blkdev *dev, struct blk_request *rq);
	/* Complete whatever the device has finished, without an interrupt:
	 * how synchronous callers wait before the scheduler runs. */
	void (*poll)(struct blkdev *dev);
	/* A synchronous request got no answer in blk_timeout_ns(): stop the
	 * device so that it never again reads or writes any request's
	 * buffers, and complete every outstanding request with -EIO (done()
	 * is called). Returns 0 once that is so, or a negative errno when
	 * the device could not be stopped (its requests stay outstanding).
	 * Optional. May sleep. */
	int (*abort)(struct blkdev *dev);
};

struct blkdev {
	/* Filled by the driver before blkdev_register(): */
	uint64_t nr_sectors;	     /* capacity in 512-byte sectors */
	uint32_t block_size;	     /* device's logical block size (>= 512) */
	uint32_t max_sectors;	     /* largest request the driver accepts */
	bool has_flush;		     /* BLK_OP_FLUSH does something */
	bool read_only;		     /* writes fail with -EROFS */
	char serial[BLK_SERIAL_MAX]; /* "" if unknown */
	const struct blkdev_ops *ops;
	void *priv; /* the driver's */
	/* Set by blkdev_register(): */
	char name[BLK_NAME_MAX];
	struct list_head link;	/* Protected by blkdev_lock */
	struct blk_stats stats; /* Updated with atomics at completion */
};

/* Name @dev @prefix plus the next free letter ("vd" -> "vda", "vdb") and
 * add it to the registry. Returns 0, -EINVAL (bad fields) or -ENOSPC. */
int blkdev_register(struct blkdev *dev, const char *prefix) __must_check;

/* The device called @name, or NULL if there is none. */
struct blkdev *blkdev_find(const char *name);

/* The first device whose serial is @serial, or NULL. */
struct blkdev *blkdev_find_serial(const char *serial);

/* Call @fn for each registered device in registration order. */
void blkdev_for_each(void (*fn)(struct blkdev *dev, void *arg), void *arg);

/* Check @rq against @dev (sector range, count, buffer) and hand it to the
 * driver. Returns 0 or -EINVAL (count 0 or above max_sectors, NULL buf),
 * -EIO (beyond the end of the disk), -EROFS (a write to a read-only
 * disk), or the driver's error. */
int blkdev_submit(struct blkdev *dev, struct blk_request *rq) __must_check;

/* Synchronous I/O: submit and wait. @buf as for struct blk_request; @count
 * may exceed max_sectors (split here). Return 0 or a negative errno
 * (-EIO for device errors and for ranges beyond the end). Sleeps once the
 * scheduler runs and polls the driver before. A device silent for
 * blk_timeout_ns() (BLK_TIMEOUT_DEFAULT_S unless `blk timeout` changed it)
 * is reported, stopped through ops->abort, and the call fails with -EIO;
 * @buf is no longer the device's when it returns (see doc/block.md for
 * the one exception: a device that ignores a reset). */
#define BLK_TIMEOUT_DEFAULT_S 30
#define BLK_TIMEOUT_MAX_S 3600

/* The time-out of synchronous requests, and setting it (1 to
 * BLK_TIMEOUT_MAX_S seconds; -EINVAL otherwise). Atomic. */
uint64_t blk_timeout_ns(void);
int blk_set_timeout_s(unsigned int seconds) __must_check;
/* The same from the boot parameter's text (logged if it is not valid). */
void blk_timeout_arg(const char *seconds);

/* May [@p, @p + @n) be a request's buffer as it is: all in the direct map,
 * so physically contiguous? (Else copy through a kmalloc'd bounce.) */
bool blk_buf_ok(const void *p, size_t n);

int blk_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf) __must_check;
int blk_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf) __must_check;
/* Flush the device's write cache (0 at once without has_flush). */
int blk_flush(struct blkdev *dev) __must_check;

void blkdev_get_stats(const struct blkdev *dev, struct blk_stats *st);

/* For drivers: count finished @rq (status set) just before rq->done();
 * every request blkdev_submit() handed over, exactly once. */
void blkdev_account(struct blkdev *dev, const struct blk_request *rq);

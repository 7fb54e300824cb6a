/*
 * The buffer cache: blocks of block devices kept in memory, found by
 * (device, block number, block size) through a hash, evicted least
 * recently used first, written back on bcache_sync() and when a dirty
 * buffer is evicted. The hash/LRU bookkeeping is lib/bcache_core (tested
 * on the host); this file adds memory, I/O, sleeping and locking.
 *
 * Use: bread() returns a buffer holding the block, referenced and locked
 * for the caller (one holder at a time, like xv6's sleep-locked buffers);
 * modify b->data, call bdirty(), and brelse() when done. A referenced
 * buffer is never evicted. Each filesystem uses one block size per device.
 *
 * Locking: a cache's spinlock (LOCK_RANK_BCACHE) guards its bookkeeping,
 * reference counts, dirty bits and buffer lock bits; the valid bit and the
 * contents belong to the holder of the buffer lock. No I/O is done with
 * the spinlock held.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/block/blkdev.h"
#include "include/compiler.h"
#include "lib/bcache_core.h"

struct bcache;

struct buf {
	struct blkdev *dev;
	uint64_t block; /* in units of size */
	uint32_t size;	/* bytes: 512, 1024, 2048 or 4096 */
	uint8_t *data;	/* size bytes, physically contiguous */
	/* Private to the cache: */
	struct bcache *cache;
	struct bc_buf bc;
	bool locked;		/* Protected by the cache's lock */
	unsigned char wb_phase; /* Protected by the cache's lock: see bdirty_phase */
};

struct bcache_stats {
	uint64_t hits, misses, evictions, writebacks;
	size_t cached, dirty, max;
};

/* A cache of at most @max_bufs buffers. NULL when out of memory. */
struct bcache *bcache_create(size_t max_bufs, const char *name);

/* Write back everything dirty, then free the cache and its buffers.
 * Nobody may hold a buffer. Returns bcache_sync()'s result (the cache is
 * destroyed either way). */
int bcache_destroy(struct bcache *c);

/* The kernel's cache (filesystems, the `blk` command); created by
 * bcache_init() at boot. */
void bcache_init(void);
struct bcache *bcache_default(void);

/* The block @block of @size bytes on @dev, read if not cached; referenced
 * and locked for the caller. Returns 0 and sets *@out, or -EINVAL (size
 * not a power of two in 512..4096, or below the device's block size),
 * -EIO (beyond the end, or a device error), -ENOMEM (no memory, or every
 * buffer is in use). May sleep. */
int bread(struct bcache *c, struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out)
	__must_check;

/* As bread(), but without reading: for a block the caller will overwrite
 * entirely (the contents are undefined unless it was cached). */
int bget(struct bcache *c, struct blkdev *dev, uint64_t block, uint32_t size, struct buf **out)
	__must_check;

/* Mark @b (held) modified: written back by bcache_sync() or eviction. */
void bdirty(struct buf *b);

/*
 * Write-back phases: bcache_sync() writes every dirty buffer of phase 0
 * (BWB_DATA: file contents; what bdirty() gives), flushes the disks, then
 * phase 1 (BWB_META: a filesystem's inodes, directories, bitmaps,
 * pointer blocks), flushes, then phase 2 (BWB_LAST: a superblock's
 * counts and clean flag). So after a sync, metadata never points at data
 * that did not reach the disk, and the superblock is written last. The
 * phase lasts until the buffer is written. Eviction of a single dirty
 * buffer writes it at once, whatever its phase.
 */
enum { BWB_DATA, BWB_META, BWB_LAST, BWB_PHASES };
void bdirty_phase(struct buf *b, unsigned int phase);

/* Write @b (held) to the device now. Returns 0 or -EIO; on error it stays
 * dirty, so nothing is lost. */
int bwrite(struct buf *b) __must_check;

/* Unlock and unreference @b. */
void brelse(struct buf *b);

/* Write back every dirty buffer (of @dev, or of all devices when NULL),
 * phase by phase (bdirty_phase), flushing the devices' write caches after
 * each phase that wrote something. Returns 0 or the first error; buffers
 * that failed stay dirty. May sleep. */
int bcache_sync(struct bcache *c, struct blkdev *dev) __must_check;

/* Forget the clean, unreferenced buffers of @dev (tests: make the next
 * bread() go to the disk). */
void bcache_invalidate(struct bcache *c, struct blkdev *dev);

void bcache_get_stats(struct bcache *c, struct bcache_stats *st);

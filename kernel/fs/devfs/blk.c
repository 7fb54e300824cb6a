/*
 * devfs block-device files: a disk read and written at any byte offset
 * through the kernel's buffer cache. A write that covers only part of a
 * block reads the block first (read-modify-write); a write covering a
 * whole block skips the read. Reads at or past the end return 0, writes
 * there -ENOSPC, and a write running past the end is cut short; a
 * read-only disk refuses writes with -EROFS. Dirty blocks reach the disk
 * on fsync, sync or eviction.
 * Locking: the VFS holds the device inode's lock (one I/O at a time per
 * file of a disk); the buffer cache locks its buffers.
 */
#include "drivers/block/bcache.h"
#include "fs/devfs/devfs_internal.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

#define DEVFS_BLK_PREFERRED 4096 // the cache's largest block size

uint32_t devfs_blk_size_for(const struct blkdev *dev)
{
	uint64_t bytes = dev->nr_sectors * BLK_SECTOR_SIZE;

	if (dev->block_size <= DEVFS_BLK_PREFERRED && bytes % DEVFS_BLK_PREFERRED == 0)
		return DEVFS_BLK_PREFERRED;
	return dev->block_size; // the disk's size is a multiple of its own block
}

/* Bytes of @n at @off that lie on the disk (0 past the end). */
static size_t devfs_blk_clamp(const struct devfs_node *dn, int64_t off, size_t n)
{
	uint64_t cap = dn->blk->nr_sectors * BLK_SECTOR_SIZE;

	if ((uint64_t)off >= cap)
		return 0;
	return (uint64_t)n > cap - (uint64_t)off ? (size_t)(cap - (uint64_t)off) : n;
}

static ssize_t devfs_blk_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct devfs_node *dn = devfs_node_of(f->inode);
	uint32_t bs = dn->blk_size;
	size_t done = 0;

	n = devfs_blk_clamp(dn, off, n);
	while (done < n) {
		uint64_t pos = (uint64_t)off + done;
		size_t in = pos % bs, chunk = bs - in;
		struct buf *b;
		int err = bread(bcache_default(), dn->blk, pos / bs, bs, &b);

		if (err)
			return done ? (ssize_t)done : err;
		if (chunk > n - done)
			chunk = n - done;
		memcpy((char *)buf + done, b->data + in, chunk);
		brelse(b);
		done += chunk;
	}
	return (ssize_t)done;
}

static ssize_t devfs_blk_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	struct devfs_node *dn = devfs_node_of(f->inode);
	uint32_t bs = dn->blk_size;
	size_t done = 0;

	if (dn->blk->read_only)
		return -EROFS;
	n = devfs_blk_clamp(dn, off, n);
	if (!n)
		return -ENOSPC;
	while (done < n) {
		uint64_t pos = (uint64_t)off + done;
		size_t in = pos % bs, chunk = bs - in;
		struct buf *b;
		int err;

		if (chunk > n - done)
			chunk = n - done;
		if (chunk == bs) // the whole block: nothing to keep
			err = bget(bcache_default(), dn->blk, pos / bs, bs, &b);
		else
			err = bread(bcache_default(), dn->blk, pos / bs, bs, &b);
		if (err)
			return done ? (ssize_t)done : err;
		memcpy(b->data + in, (const char *)buf + done, chunk);
		bdirty(b);
		brelse(b);
		done += chunk;
	}
	return (ssize_t)done;
}

static int devfs_blk_fsync(struct file *f)
{
	return bcache_sync(bcache_default(), devfs_node_of(f->inode)->blk);
}

const struct file_ops devfs_blk_fops = {
	.read = devfs_blk_read,
	.write = devfs_blk_write,
	.fsync = devfs_blk_fsync,
};

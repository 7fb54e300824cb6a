/*
 * ext2 file data: read and write through the block map (holes read as
 * zeros; a write fills them), truncation (shrinking frees data and
 * indirect blocks and zeroes the tail of the last block; growing leaves
 * a hole), symlink targets (fast ones in i_block, slow ones in a block)
 * and SEEK_DATA/SEEK_HOLE from the map. Write order: a new block is
 * taken in the bitmap before any pointer names it, and its data is in
 * the cache before the inode's size covers it.
 * Locking: the VFS holds the inode's lock around every call.
 */
#include "fs/file.h"
#include "core/log.h"
#include "fs/ext2/ext2_internal.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "ext2: "

/*
 * Cold sequential reads: a run of whole blocks contiguous on the disk is
 * read with one request into a bounce buffer, bypassing the cache, when
 * the file has no data written through the cache since the last sync
 * (then the disk holds what the cache would). Returns the bytes read (a
 * multiple of the block size, 0 when the fast path does not apply).
 */
#define RUN_BYTES (1u << 20)

/* @bounce NULL: read straight into @dst. */
static size_t read_run(struct inode *inode, char *dst, uint64_t lb, size_t max, uint8_t *bounce)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t bs = ext2_bs(es), p0, k;
	size_t cap = (max < RUN_BYTES ? max : RUN_BYTES) / bs;

	if (cap < 2 || ext2_bmap_run(inode, lb, (uint32_t)cap, &p0, &k) || k < 2)
		return 0;
	if (blk_read(es->dev, (uint64_t)p0 * (bs / BLK_SECTOR_SIZE), k * (bs / BLK_SECTOR_SIZE),
		     bounce ? bounce : (uint8_t *)dst))
		return 0;
	if (bounce)
		memcpy(dst, bounce, (size_t)k * bs);
	return (size_t)k * bs;
}

static ssize_t ext2_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct inode *inode = f->inode;
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t bs = ext2_bs(es);
	uint8_t *bounce = NULL;
	size_t done = 0;
	bool fast;

	if (off >= inode->size)
		return 0;
	if ((uint64_t)n > (uint64_t)(inode->size - off))
		n = (size_t)(inode->size - off);
	fast = n >= 2 * bs && ext2_i(inode)->dirty_gen <= (uint64_t)atomic_read(&es->clean_gen);
	if (fast && !blk_buf_ok(buf, n))
		fast = (bounce = kmalloc(RUN_BYTES)) != NULL;
	while (done < n) {
		uint64_t pos = (uint64_t)off + done;
		size_t in = pos % bs, chunk = bs - in, run;
		uint32_t pblock;
		struct buf *b;
		bool fresh;
		int err;

		if (fast && !in &&
		    (run = read_run(inode, (char *)buf + done, pos / bs, n - done, bounce))) {
			done += run;
			continue;
		}
		err = ext2_bmap(inode, pos / bs, false, &pblock, &fresh);

		if (chunk > n - done)
			chunk = n - done;
		if (!err && pblock)
			err = bread(es->bc, es->dev, pblock, bs, &b);
		if (err) {
			kfree(bounce);
			return done ? (ssize_t)done : err;
		}
		if (pblock) {
			memcpy((char *)buf + done, b->data + in, chunk);
			brelse(b);
		} else {
			memset((char *)buf + done, 0, chunk);
		}
		done += chunk;
	}
	kfree(bounce);
	return (ssize_t)done;
}

/* Write one block's worth (@chunk bytes at @in of logical block @lb). */
static int write_block(struct inode *inode, uint64_t lb, size_t in, size_t chunk, const void *src)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t bs = ext2_bs(es), pblock;
	struct buf *b;
	bool fresh;
	int err = ext2_bmap(inode, lb, true, &pblock, &fresh);

	if (err)
		return err;
	if (fresh || chunk == bs)
		err = bget(es->bc, es->dev, pblock, bs, &b);
	else
		err = bread(es->bc, es->dev, pblock, bs, &b);
	if (err)
		return err;
	if (fresh && chunk != bs)
		memset(b->data, 0, bs);
	memcpy(b->data + in, src, chunk);
	bdirty(b);
	brelse(b);
	ext2_data_dirtied(inode);
	return 0;
}

static ssize_t ext2_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	struct inode *inode = f->inode;
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t bs = ext2_bs(es);
	size_t done = 0;
	int err = 0;

	if (es->ro)
		return -EROFS;
	while (done < n) {
		uint64_t pos = (uint64_t)off + done;
		size_t in = pos % bs, chunk = bs - in;

		if (chunk > n - done)
			chunk = n - done;
		err = write_block(inode, pos / bs, in, chunk, (const char *)buf + done);
		if (err)
			break;
		done += chunk;
	}
	if (done && off + (int64_t)done > inode->size)
		inode->size = off + (int64_t)done;
	inode_touch_locked(inode, VFS_ATTR_MTIME);
	ext2_inode_save(inode);
	return done ? (ssize_t)done : err;
}

/* Zero the bytes of the last block past a new, shorter @size, so that
 * growing the file again reads zeros there. */
static void zero_tail(struct inode *inode, int64_t size)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t bs = ext2_bs(es), in = (uint32_t)(size % bs), pblock;
	struct buf *b;
	bool fresh;

	if (!in || ext2_bmap(inode, (uint64_t)size / bs, false, &pblock, &fresh) || !pblock)
		return;
	if (bread(es->bc, es->dev, pblock, bs, &b))
		return;
	memset(b->data + in, 0, bs - in);
	bdirty(b);
	brelse(b);
	ext2_data_dirtied(inode);
}

int ext2_setattr(struct inode *inode, const struct vfs_attr *a)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t bs = ext2_bs(es);

	if (es->ro)
		return -EROFS;
	if (a->mask & VFS_ATTR_SIZE) {
		if (a->size < inode->size) {
			ext2_truncate_blocks(inode, ((uint64_t)a->size + bs - 1) / bs);
			zero_tail(inode, a->size);
		}
		inode->size = a->size;
	}
	/* The VFS applies these after us; done here too so that the inode
	 * is written once, complete. */
	if (a->mask & VFS_ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (a->mode & S_MODE_PERM);
	if (a->mask & VFS_ATTR_UID)
		inode->uid = a->uid;
	if (a->mask & VFS_ATTR_GID)
		inode->gid = a->gid;
	inode_touch_locked(inode, (a->mask & VFS_ATTR_SIZE) ? VFS_ATTR_MTIME : 0);
	if (a->mask & VFS_ATTR_ATIME)
		inode->atime_ns = a->atime_ns;
	if (a->mask & VFS_ATTR_MTIME)
		inode->mtime_ns = a->mtime_ns;
	return ext2_inode_write(inode);
}

static ssize_t ext2_readlink(struct inode *inode, char *buf, size_t size)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	size_t n = (size_t)inode->size;
	uint32_t pblock;
	struct buf *b;
	bool fresh;
	int err;

	if (n > size)
		n = size;
	if (ext2_is_fast_symlink(inode)) {
		memcpy(buf, ext2_i(inode)->raw.i_block, n);
		return (ssize_t)n;
	}
	err = ext2_bmap(inode, 0, false, &pblock, &fresh);
	if (!err && !pblock) {
		log_err("%s: inode %lu: symlink without its block\n", es->dev->name,
			(unsigned long)inode->ino);
		err = -EUCLEAN;
	}
	if (!err)
		err = bread(es->bc, es->dev, pblock, ext2_bs(es), &b);
	if (err)
		return err;
	memcpy(buf, b->data, n);
	brelse(b);
	return (ssize_t)n;
}

static int ext2_fsync(struct file *f)
{
	struct ext2_sb *es = ext2_sb_of(f->inode->sb);
	int err = ext2_inode_write(f->inode);

	return err ? err : ext2_sync_cache(es);
}

/* SEEK_DATA / SEEK_HOLE from @off (< size), a block at a time. */
static int64_t ext2_seek_hole(struct file *f, int64_t off, int whence)
{
	struct inode *inode = f->inode;
	uint32_t bs = ext2_bs(ext2_sb_of(inode->sb));
	bool want_data = whence == SEEK_DATA;

	for (uint64_t lb = (uint64_t)off / bs; (int64_t)(lb * bs) < inode->size; lb++) {
		uint32_t pblock;
		bool fresh;
		int err = ext2_bmap(inode, lb, false, &pblock, &fresh);

		if (err)
			return err;
		if ((pblock != 0) == want_data) {
			int64_t at = (int64_t)(lb * bs);

			return at > off ? at : off;
		}
	}
	return want_data ? -ENXIO : inode->size;
}

const struct inode_ops ext2_file_iops = {
	.setattr = ext2_setattr,
};

const struct inode_ops ext2_link_iops = {
	.readlink = ext2_readlink,
	.setattr = ext2_setattr,
};

const struct file_ops ext2_file_fops = {
	.read = ext2_read,
	.write = ext2_write,
	.fsync = ext2_fsync,
	.seek_hole = ext2_seek_hole,
};

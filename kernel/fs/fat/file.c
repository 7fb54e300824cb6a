/*
 * FAT file data: reads and writes through the buffer cache a block at a
 * time along the cluster chain (fat_map keeps a hint, so sequential I/O
 * walks the FAT once), extension with zeros (FAT has no holes), truncation,
 * the read-only attribute (writes and truncation give -EACCES, chmod
 * a-w sets it), and the short entry rewritten after each change.
 * A write that runs out of clusters returns what it wrote (or -ENOSPC);
 * the size only ever covers clusters that are in the chain.
 * Locking: the VFS holds the inode's lock around every call.
 */
#include "fs/fat/fat_internal.h"

#include "fs/file.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

#define LOG_PREFIX "fat: "
#define DIRECT_MIN (64u << 10) // reads this long go to the disk in runs
#define DIRECT_MAX FAT_DIRECT_MAX

/* Copy between @buf and the file at @off for @n bytes (write when
 * @data is non-NULL or @zero); returns bytes done or -errno. */
static ssize_t xfer(struct inode *inode, void *buf, const void *data, bool zero, size_t n,
		    int64_t off)
{
	struct fat_sb *fs = fat_sb_of(inode->sb);
	struct fat_inode *fi = fat_i(inode);
	bool write = data || zero;
	size_t done = 0;
	int err = 0;

	while (done < n) {
		uint64_t pos = (uint64_t)off + done, in_cl = pos % fs->g.cluster_size, at;
		uint32_t in_blk, cl, chunk;
		struct buf *b;

		err = fat_map(fs, fi, (uint32_t)(pos / fs->g.cluster_size), write, false, &cl);
		if (err == -ENOENT)
			err = fat_corrupt(fs, "chain shorter than the file, first cluster",
					  fi->first);
		if (err)
			break;
		at = fat_cluster_byte(fs, cl) + in_cl;
		in_blk = (uint32_t)(at % fs->bsize);
		chunk = fs->bsize - in_blk;
		if (chunk > n - done)
			chunk = (uint32_t)(n - done);
		if (write && chunk == fs->bsize)
			err = bget(fs->bc, fs->dev, at / fs->bsize, fs->bsize, &b);
		else
			err = bread(fs->bc, fs->dev, at / fs->bsize, fs->bsize, &b);
		if (err)
			break;
		if (!write)
			memcpy((char *)buf + done, b->data + in_blk, chunk);
		else if (zero)
			memset(b->data + in_blk, 0, chunk);
		else
			memcpy(b->data + in_blk, (const char *)data + done, chunk);
		if (write)
			bdirty(b);
		brelse(b);
		done += chunk;
	}
	if (write) {
		inode->blocks = (int64_t)fi->nr_clusters * (fs->g.cluster_size / 512);
		if (done && off + (int64_t)done > inode->size)
			inode->size = off + (int64_t)done;
	}
	return done ? (ssize_t)done : err;
}

/*
 * A long read: the contiguous clusters from @off (sector aligned) in one
 * device request, into @buf itself when it can take a request
 * (blk_buf_ok) or through @bounce, bypassing the cache. Coherent
 * because writes only ever go through the cache and nothing dirty is
 * left in it first. Returns bytes read, 0 to fall back to the cache.
 */
static ssize_t read_run(struct inode *inode, uint8_t *bounce, void *buf, size_t n, int64_t off)
{
	struct fat_sb *fs = fat_sb_of(inode->sb);
	struct fat_inode *fi = fat_i(inode);
	uint32_t cs = fs->g.cluster_size, idx = (uint32_t)((uint64_t)off / cs), first, k;
	uint64_t in_cl = (uint64_t)off % cs, run;
	struct bcache_stats st;

	if (fat_map(fs, fi, idx, false, false, &first) ||
	    fat_contig(fs, first, (uint32_t)((in_cl + DIRECT_MAX) / cs) + 1, &k))
		return 0;
	if (idx + k > fi->nr_clusters)
		k = fi->nr_clusters - idx; // never past the counted chain
	if (!k)
		return 0;
	fi->hint_idx = idx + k - 1, fi->hint_clus = first + k - 1;
	run = (uint64_t)k * cs - in_cl;
	if (run > n)
		run = n;
	if (run > DIRECT_MAX)
		run = DIRECT_MAX;
	run -= run % BLK_SECTOR_SIZE;
	bcache_get_stats(fs->bc, &st);
	if (!run || (st.dirty && bcache_sync(fs->bc, fs->dev)))
		return 0;
	if (blk_buf_ok(buf, run))
		bounce = NULL; // straight into the caller's buffer
	if (blk_read(fs->dev, (fat_cluster_byte(fs, first) + in_cl) / BLK_SECTOR_SIZE,
		     (uint32_t)(run / BLK_SECTOR_SIZE), bounce ? bounce : buf))
		return 0;
	if (bounce)
		memcpy(buf, bounce, run);
	return (ssize_t)run;
}

static ssize_t fat_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct inode *inode = f->inode;
	uint8_t *bounce = NULL;
	size_t done = 0;
	ssize_t r = 0;

	if (off >= inode->size)
		return 0;
	if ((uint64_t)n > (uint64_t)(inode->size - off))
		n = (size_t)(inode->size - off);
	if (n >= DIRECT_MIN && off % BLK_SECTOR_SIZE == 0 && fat_sb_of(inode->sb)->bounce) {
		bounce = fat_sb_of(inode->sb)->bounce;
		mutex_lock(&fat_sb_of(inode->sb)->bounce_lock);
	}
	while (bounce && n - done >= DIRECT_MIN &&
	       (r = read_run(inode, bounce, (char *)buf + done, n - done, off + (int64_t)done)) > 0)
		done += (size_t)r;
	if (bounce)
		mutex_unlock(&fat_sb_of(inode->sb)->bounce_lock);
	if (done == n)
		return (ssize_t)done;
	r = xfer(inode, (char *)buf + done, NULL, false, n - done, off + (int64_t)done);
	return r < 0 ? (done ? (ssize_t)done : r) : (ssize_t)(done + (size_t)r);
}

/* Write zeros from the size up to @end (no holes on FAT). */
static int extend_to(struct inode *inode, int64_t end)
{
	ssize_t r;

	while (inode->size < end) {
		r = xfer(inode, NULL, NULL, true, (size_t)(end - inode->size), inode->size);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

static ssize_t fat_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	struct inode *inode = f->inode;
	struct fat_sb *fs = fat_sb_of(inode->sb);
	ssize_t r;
	int err;

	if (fs->ro)
		return -EROFS;
	if (fat_i(inode)->attr & FAT_ATTR_READ_ONLY)
		return -EACCES;
	err = extend_to(inode, off);
	if (err) {
		int e2 = fat_write_inode(inode);

		return e2 ? e2 : err;
	}
	r = xfer(inode, NULL, buf, false, n, off);
	fat_i(inode)->attr |= FAT_ATTR_ARCHIVE;
	inode->mtime_ns = vfs_now_ns();
	err = fat_write_inode(inode);
	return r < 0 || !err ? r : err;
}

/* Cut the file to @size: clusters past it go back to the FAT. */
static int shrink(struct inode *inode, int64_t size)
{
	struct fat_sb *fs = fat_sb_of(inode->sb);
	uint32_t keep = (uint32_t)((size + fs->g.cluster_size - 1) / fs->g.cluster_size);
	int err = fat_truncate_chain(fs, fat_i(inode), keep);

	inode->size = size;
	inode->blocks = (int64_t)fat_i(inode)->nr_clusters * (fs->g.cluster_size / 512);
	return err;
}

static int fat_setattr(struct inode *inode, const struct vfs_attr *a)
{
	struct fat_sb *fs = fat_sb_of(inode->sb);
	struct fat_inode *fi = fat_i(inode);
	int64_t old = inode->size;
	int err = 0;

	if (fs->ro)
		return -EROFS;
	if (a->mask & VFS_ATTR_SIZE) {
		if (fi->attr & FAT_ATTR_READ_ONLY)
			return -EACCES;
		if (a->size < inode->size)
			err = shrink(inode, a->size);
		else if ((err = extend_to(inode, a->size)))
			(void)shrink(inode, old);
		if (err)
			return err;
		inode->mtime_ns = vfs_now_ns();
	}
	if (a->mask & VFS_ATTR_MODE) {
		if (a->mode & 0222)
			fi->attr &= (uint8_t)~FAT_ATTR_READ_ONLY;
		else
			fi->attr |= FAT_ATTR_READ_ONLY;
	}
	if (a->mask & VFS_ATTR_MTIME)
		inode->mtime_ns = a->mtime_ns;
	if (a->mask & VFS_ATTR_ATIME)
		inode->atime_ns = a->atime_ns;
	return fat_write_inode(inode);
}

static int fat_open(struct file *f)
{
	bool writing = (f->flags & O_ACCMODE) != O_RDONLY || (f->flags & O_TRUNC);

	if (writing && fat_sb_of(f->inode->sb)->ro)
		return -EROFS;
	return writing && (fat_i(f->inode)->attr & FAT_ATTR_READ_ONLY) ? -EACCES : 0;
}

static int fat_fsync(struct file *f)
{
	struct fat_sb *fs = fat_sb_of(f->inode->sb);
	int err = fat_write_inode(f->inode);

	return err ? err : bcache_sync(fs->bc, fs->dev);
}

const struct inode_ops fat_file_iops = {
	.setattr = fat_setattr,
};

const struct file_ops fat_file_fops = {
	.open = fat_open,
	.read = fat_read,
	.write = fat_write,
	.fsync = fat_fsync,
};

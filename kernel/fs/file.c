/*
 * Open files and their I/O entry points: access-mode checks, the offset,
 * O_APPEND, the largest-file limit, lseek (SEEK_DATA/SEEK_HOLE included)
 * and getdents64. Locking: the file's pos_lock, then the inode's lock
 * around each filesystem call (doc/locking.md).
 */
#include "fs/file.h"

#include "fs/dcache.h"
#include "fs/inode.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/dirent.h"
#include "mm/kmalloc.h"

int file_open_path(const struct vfs_path *p, unsigned int flags, struct file **out)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->path = *p;
	vfs_path_get(p);
	f->inode = dentry_inode(p->dentry);
	f->flags = flags;
	atomic_set(&f->count, 1);
	mutex_init(&f->pos_lock, "file_pos");
	if (f->inode->fops && f->inode->fops->open) {
		int err = f->inode->fops->open(f);

		if (err) {
			vfs_path_put(&f->path);
			kfree(f);
			return err;
		}
	}
	*out = f;
	return 0;
}

void file_get(struct file *f)
{
	atomic_inc(&f->count);
}

void file_put(struct file *f)
{
	if (!f || !atomic_dec_and_test(&f->count))
		return;
	if (f->inode->fops && f->inode->fops->release)
		f->inode->fops->release(f);
	vfs_path_put(&f->path);
	kfree(f);
}

static bool file_can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool file_can_write(const struct file *f)
{
	unsigned int acc = f->flags & O_ACCMODE;

	return acc == O_WRONLY || acc == O_RDWR;
}

/* Refusals common to read and write, or 0. */
static int file_io_check(const struct file *f, bool write, int64_t off)
{
	if (write ? !file_can_write(f) : !file_can_read(f))
		return -EBADF;
	if (inode_is_dir(f->inode))
		return -EISDIR;
	if (off < 0)
		return -EINVAL;
	if (write ? !f->inode->fops->write : !f->inode->fops->read)
		return -EINVAL;
	return 0;
}

ssize_t vfs_pread(struct file *f, void *buf, size_t n, int64_t off)
{
	struct inode *inode = f->inode;
	ssize_t r;

	r = file_io_check(f, false, off);
	if (r || !n)
		return r;
	if (inode->fops->stream)
		return inode->fops->read(f, buf, n, off);
	mutex_lock(&inode->lock);
	r = inode->fops->read(f, buf, n, off);
	mutex_unlock(&inode->lock);
	return r;
}

int vfs_get_pages(struct file *f, uint64_t first, unsigned int n, uint32_t want, uint64_t *pa)
{
	struct inode *inode = f->inode;
	int r;

	for (unsigned int i = 0; i < n; i++)
		pa[i] = 0;
	if (!inode->fops->get_page || inode->fops->stream || n > 32)
		return -ENXIO;
	if (first > (uint64_t)INT64_MAX / 4096 - n)
		return -ENXIO;
	r = file_io_check(f, false, (int64_t)(first * 4096));
	if (r)
		return r;
	mutex_lock(&inode->lock);
	for (unsigned int i = 0; i < n; i++)
		if ((want & (1u << i)) && inode->fops->get_page(f, first + i, &pa[i]))
			pa[i] = 0;
	mutex_unlock(&inode->lock);
	return 0;
}

int vfs_get_page(struct file *f, uint64_t pgoff, uint64_t *pa)
{
	int r = vfs_get_pages(f, pgoff, 1, 1, pa);

	return r ? r : *pa ? 0 : -ENXIO;
}

/* Write at @off (at the end for O_APPEND when @append); *@end gets the
 * offset after the last byte written. */
static ssize_t file_write_at(struct file *f, const void *buf, size_t n, int64_t off, bool append,
			     int64_t *end)
{
	struct inode *inode = f->inode;
	int64_t max = inode->sb->max_file_size;
	ssize_t r;

	if (inode->fops->stream) {
		r = inode->fops->write(f, buf, n, off);
		*end = off + (r > 0 ? r : 0);
		return r;
	}
	mutex_lock(&inode->lock);
	if (append)
		off = inode->size;
	if (off >= max) {
		r = -EFBIG;
		goto out_unlock;
	}
	if ((uint64_t)n > (uint64_t)(max - off))
		n = (size_t)(max - off);
	r = inode->fops->write(f, buf, n, off);
	if (r > 0) {
		inode_touch_locked(inode, VFS_ATTR_MTIME);
		*end = off + r;
	}
out_unlock:
	mutex_unlock(&inode->lock);
	return r;
}

ssize_t vfs_pwrite(struct file *f, const void *buf, size_t n, int64_t off)
{
	int64_t end;
	ssize_t r = file_io_check(f, true, off);

	if (r || !n)
		return r;
	/* O_APPEND wins over @off, as in Linux (pwrite(2), BUGS). */
	return file_write_at(f, buf, n, off, (READ_ONCE(f->flags) & O_APPEND) != 0, &end);
}

ssize_t vfs_read(struct file *f, void *buf, size_t n)
{
	ssize_t r;

	/* A stream has no offset, and may block for long: no pos_lock (a
	 * blocked reader or writer must not hold up the others sharing the
	 * file, nor wait uninterruptibly behind them). */
	if (f->inode->fops && f->inode->fops->stream)
		return vfs_pread(f, buf, n, 0);
	mutex_lock(&f->pos_lock);
	r = vfs_pread(f, buf, n, f->pos);
	if (r > 0)
		f->pos += r;
	mutex_unlock(&f->pos_lock);
	return r;
}

void file_set_status_flags(struct file *f, unsigned int flags)
{
	mutex_lock(&f->pos_lock);
	WRITE_ONCE(f->flags, (f->flags & ~FILE_SETFL_MASK) | (flags & FILE_SETFL_MASK));
	mutex_unlock(&f->pos_lock);
}

ssize_t vfs_write(struct file *f, const void *buf, size_t n)
{
	int64_t end = 0;
	ssize_t r;

	if (f->inode->fops && f->inode->fops->stream) // no offset, no pos_lock: see vfs_read
		return vfs_pwrite(f, buf, n, 0);
	mutex_lock(&f->pos_lock);
	r = file_io_check(f, true, f->pos);
	if (!r && n) {
		r = file_write_at(f, buf, n, f->pos, (f->flags & O_APPEND) != 0, &end);
		if (r > 0)
			f->pos = end;
	}
	mutex_unlock(&f->pos_lock);
	return r;
}

/* SEEK_DATA/SEEK_HOLE from @off; inode locked. */
static int64_t file_seek_hole_locked(struct file *f, int64_t off, int whence)
{
	struct inode *inode = f->inode;

	if (off < 0 || off >= inode->size)
		return -ENXIO;
	if (inode->fops->seek_hole)
		return inode->fops->seek_hole(f, off, whence);
	return whence == SEEK_DATA ? off : inode->size; // all data, one hole at EOF
}

static int64_t file_seek_target(struct file *f, int64_t off, int whence)
{
	struct inode *inode = f->inode;
	int64_t r;

	switch (whence) {
	case SEEK_SET:
		return off < 0 ? -EINVAL : off;
	case SEEK_CUR:
		return __builtin_add_overflow(f->pos, off, &r) || r < 0 ? -EINVAL : r;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		mutex_lock(&inode->lock);
		if (whence == SEEK_END)
			r = __builtin_add_overflow(inode->size, off, &r) || r < 0 ? -EINVAL : r;
		else
			r = file_seek_hole_locked(f, off, whence);
		mutex_unlock(&inode->lock);
		return r;
	default:
		return -EINVAL;
	}
}

int64_t vfs_lseek(struct file *f, int64_t off, int whence)
{
	int64_t r;

	mutex_lock(&f->pos_lock);
	r = file_seek_target(f, off, whence);
	if (r >= 0)
		f->pos = r;
	mutex_unlock(&f->pos_lock);
	return r;
}

ssize_t vfs_getdents64(struct file *f, void *buf, size_t size)
{
	struct inode *inode = f->inode;
	struct dirent_sink sink;
	int err;

	if (!inode_is_dir(inode))
		return -ENOTDIR;
	if (!inode->fops->readdir)
		return -EINVAL;
	dirent_sink_init(&sink, buf, size);
	mutex_lock(&f->pos_lock);
	mutex_lock(&inode->lock);
	err = inode->dead ? 0 : inode->fops->readdir(f, &sink, &f->pos);
	mutex_unlock(&inode->lock);
	mutex_unlock(&f->pos_lock);
	return err ? err : dirent_sink_result(&sink);
}

int vfs_fstat(struct file *f, struct linux_stat *st)
{
	inode_fill_stat(f->inode, st);
	return 0;
}

int vfs_ftruncate(struct file *f, int64_t len)
{
	struct vfs_attr a = { .mask = VFS_ATTR_SIZE, .size = len };

	if (!file_can_write(f))
		return -EINVAL;
	return vfs_setattr_inode(f->inode, &a);
}

int vfs_fsync(struct file *f)
{
	if (!f->inode->fops->fsync)
		return 0;
	return f->inode->fops->fsync(f);
}

/*
 * Open files: a struct file is one open of an inode, with its own offset
 * and flags, shared by every descriptor dup'd from it. It holds its place
 * in the tree (so the mount stays busy) and is freed with its last
 * reference. The read/write/seek/readdir entry points live here.
 *
 * Locking: pos_lock (a mutex) serialises users of the offset (read,
 * write, lseek, getdents64 on the same file); the inode's lock is taken
 * inside it around each filesystem call. count is atomic.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/mount.h"
#include "include/atomic.h"
#include "include/compiler.h"
#include "include/types.h"
#include "include/uapi/stat.h"
#include "sync/mutex.h"

struct inode;

struct file {
	/* Immutable after open (flags: but O_APPEND and O_NONBLOCK, which
	 * file_set_status_flags changes under pos_lock): */
	struct vfs_path path;
	struct inode *inode; // path.dentry's inode (it holds the reference)
	unsigned int flags;  // O_ACCMODE | O_APPEND | ... as opened
	void *private;	     // the filesystem's (file_ops open/release)
	/* Atomic: */
	atomic_t count;
	struct mutex pos_lock;
	/* Protected by pos_lock: */
	int64_t pos;
};

/* A new open file on the positive @p (which it references itself) with
 * open @flags, after the filesystem's file_ops open (if any) agreed.
 * Returns 0, -ENOMEM or the filesystem's open error. May sleep. */
int file_open_path(const struct vfs_path *p, unsigned int flags, struct file **out) __must_check;

void file_get(struct file *f);

/* Drop a reference; the last one frees the file. NULL is ignored. May
 * sleep. */
void file_put(struct file *f);

/*
 * Read or write at the file's offset and advance it (vfs_read, vfs_write),
 * or at @off without touching it (vfs_pread, vfs_pwrite). O_APPEND writes
 * go to the end, atomically with respect to other writers (vfs_pwrite's
 * too, as Linux's pwrite(2) does). Return the
 * bytes moved, or -EBADF (wrong access mode), -EISDIR, -EINVAL (negative
 * offset), -EFBIG (at or past the filesystem's largest file), -ENOSPC or
 * the filesystem's error. May sleep.
 */
ssize_t vfs_read(struct file *f, void *buf, size_t n) __must_check;
ssize_t vfs_write(struct file *f, const void *buf, size_t n) __must_check;
ssize_t vfs_pread(struct file *f, void *buf, size_t n, int64_t off) __must_check;
ssize_t vfs_pwrite(struct file *f, const void *buf, size_t n, int64_t off) __must_check;

/*
 * The frame holding page @pgoff of @f for a file mapping, referenced for
 * the caller (pmm_page_put drops it): 0, or -ENXIO when the filesystem has
 * no such page to share (a hole, the page holding EOF or past it, or no
 * page store: ext2, FAT), -EBADF when @f is not open for reading. The
 * caller then copies the bytes with vfs_pread. May sleep.
 */
int vfs_get_page(struct file *f, uint64_t pgoff, uint64_t *pa) __must_check;

/* The same for pages [@first, @first + @n) (@n <= 32) whose bit is set in
 * @want, under one inode lock: @pa[i] gets the frame of page first + i, or
 * 0 (not wanted, or none to share). Returns 0 or vfs_get_page's errors
 * that concern the whole file (-ENXIO: no page store, -EBADF). */
int vfs_get_pages(struct file *f, uint64_t first, unsigned int n, uint32_t want, uint64_t *pa)
	__must_check;

/* Move the offset: SEEK_SET/CUR/END, or SEEK_DATA/SEEK_HOLE (the next
 * data or hole at or after @off; -ENXIO at or past the end). Returns the
 * new offset or -EINVAL. May sleep. */
int64_t vfs_lseek(struct file *f, int64_t off, int whence) __must_check;

/* Fill @buf with getdents64 records from the directory's offset. Returns
 * the bytes used, 0 at the end, -ENOTDIR, or -EINVAL (@size too small for
 * the next record). May sleep. */
ssize_t vfs_getdents64(struct file *f, void *buf, size_t size) __must_check;

/* fcntl(F_SETFL): set the status flags O_APPEND and O_NONBLOCK from
 * @flags (other bits are ignored, as Linux does). May sleep. */
#define FILE_SETFL_MASK (O_APPEND | O_NONBLOCK)
void file_set_status_flags(struct file *f, unsigned int flags);

/* stat, truncate (-EINVAL unless open for writing) and fsync of an open
 * file. May sleep. */
int vfs_fstat(struct file *f, struct linux_stat *st) __must_check;
int vfs_ftruncate(struct file *f, int64_t len) __must_check;
int vfs_fsync(struct file *f) __must_check;

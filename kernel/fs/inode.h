/*
 * Inodes and superblocks: the objects a filesystem hands the VFS, and the
 * operation tables it implements (superblock, inode, file). An inode is
 * reference counted (dentries, open files and walks hold references) and
 * has a sleeping lock, since filesystem operations may sleep. It is freed
 * when its last reference goes and it has no links left, or at umount.
 *
 * Locking: inode->lock (a mutex) guards the attributes and the
 * filesystem's per-inode data; i_count is atomic; a superblock's inode
 * list is guarded by its inodes_lock (doc/locking.md has the order).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/atomic.h"
#include "include/compiler.h"
#include "include/list.h"
#include "include/types.h"
#include "include/uapi/stat.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"

struct dentry;
struct dirent_sink;
struct file;
struct inode;
struct poll_table;
struct super_block;

/* Which fields of a struct vfs_attr to apply (vfs_setattr). */
enum vfs_attr_mask {
	VFS_ATTR_MODE = 1 << 0, // permission bits only; the type never changes
	VFS_ATTR_UID = 1 << 1,
	VFS_ATTR_GID = 1 << 2,
	VFS_ATTR_SIZE = 1 << 3,
	VFS_ATTR_ATIME = 1 << 4,
	VFS_ATTR_MTIME = 1 << 5,
};

struct vfs_attr {
	unsigned int mask; // enum vfs_attr_mask bits
	uint32_t mode;
	uint32_t uid, gid;
	int64_t size;
	int64_t atime_ns, mtime_ns;
};

/*
 * Inode operations. Each is called with the directory's (or the inode's)
 * lock held as its comment says, returns 0 or -errno, and may sleep. The
 * VFS has already checked types, names and existence: a filesystem only
 * does the work and reports its own limits (-ENOSPC, -EMLINK, ...).
 * Inodes handed back through @out carry a reference for the caller.
 */
struct inode_ops {
	/* dir locked. -ENOENT when @name is not there. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* dir locked; @mode includes the type (S_IFREG, S_IFDIR or S_IFLNK). For
	 * a symlink @target/@tlen is its contents. */
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode,
		      const char *target, size_t tlen, struct inode **out);
	/* dir and @old locked: one more name for @old (not a directory). */
	int (*link)(struct inode *old, struct inode *dir, const char *name, size_t len);
	/* dir and @victim locked: remove a name (rmdir: an empty directory;
	 * the filesystem answers -ENOTEMPTY). */
	int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	/* Both dirs, @src and @victim (if any) locked, the superblock's rename
	 * mutex held: move @src to ndir/nname, replacing @victim. */
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *src,
		      struct inode *ndir, const char *nname, size_t nlen, struct inode *victim);
	/* inode locked. Copies the target (no NUL) and returns its length. */
	ssize_t (*readlink)(struct inode *inode, char *buf, size_t size);
	/* inode locked. Applies @attr (a size change truncates or extends). */
	int (*setattr)(struct inode *inode, const struct vfs_attr *attr);
};

/* File operations; the VFS holds the inode's lock around each one. */
struct file_ops {
	/* Optional: called by file_open_path() on a new file before anyone
	 * sees it, without locks (procfs renders its text here). An error
	 * fails the open. */
	int (*open)(struct file *f);
	/* Optional: the file's last reference is going (frees what open made). */
	void (*release)(struct file *f);
	ssize_t (*read)(struct file *f, void *buf, size_t n, int64_t off);
	/* Returns the bytes written; a short count when space ran out after
	 * some bytes, -ENOSPC when none fit. */
	ssize_t (*write)(struct file *f, const void *buf, size_t n, int64_t off);
	/* Feed entries from *@pos on into @sink, advancing *@pos past each one
	 * taken. "." and ".." included. */
	int (*readdir)(struct file *f, struct dirent_sink *sink, int64_t *pos);
	int (*fsync)(struct file *f);
	/* SEEK_DATA/SEEK_HOLE from @off (< size): the answer or -ENXIO.
	 * Optional: without it the whole file is data. */
	int64_t (*seek_hole)(struct file *f, int64_t off, int whence);
	/* Optional: the physical frame holding page @pgoff of the file, with
	 * a pmm reference taken for the caller (who drops it with
	 * pmm_page_put), for file mappings to map instead of copying. Only a
	 * page wholly inside the file; -ENXIO for a hole, a page reaching
	 * EOF, or none kept (the caller copies with read then). Called
	 * under the inode lock (vfs_get_page). */
	int (*get_page)(struct file *f, uint64_t pgoff, uint64_t *pa); // *pa: a paddr_t
	/* Optional: readiness now (fs/poll.h's POLL* bits), first registering
	 * the caller with poll_wait(@pt, queue) on every wait queue whose
	 * wake-up may change it (@pt may be NULL). Called without locks; must
	 * not sleep (the poller is marked blocked). Without it a file is always
	 * readable and writable (POLL_ALWAYS), as Linux's regular files. */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	/* A stream (a terminal, later a pipe): read and write may wait for
	 * as long as it takes and the file guards itself, so the VFS calls
	 * them without the inode lock and keeps no size or mtime for it. */
	bool stream;
};

struct super_ops {
	int (*statfs)(struct super_block *sb, struct linux_statfs *st);
	int (*sync)(struct super_block *sb);
	/* Free the filesystem's data of @inode: no links, no references. */
	void (*evict_inode)(struct inode *inode);
	/* Umount: free the filesystem's superblock data (after every inode
	 * has been evicted). */
	void (*put_super)(struct super_block *sb);
	/* Optional: is the cached dentry @d (positive or negative) still
	 * true? false makes the lookup drop it and ask the filesystem again
	 * (Linux's d_revalidate; procfs: a task directory goes with its task).
	 * Called with no lock or with @d's parent's inode lock; must not take
	 * dcache_lock. */
	bool (*revalidate)(struct dentry *d);
};

struct super_block {
	/* Immutable after mount: */
	const struct super_ops *ops;
	const char *type_name;
	uint64_t dev; // st_dev
	int64_t max_file_size;
	void *fs_private;
	struct inode *root;
	/* Serialises renames on this filesystem (Linux's s_vfs_rename_mutex):
	 * with it held no directory changes parent, so the "into its own
	 * subtree" check and locking two directories are safe. */
	struct mutex rename_mutex;
	/* Protected by dcache_lock (fs/dcache.c): */
	struct list_head dentries; // every dentry of this filesystem
	/* Protected by inodes_lock: */
	struct spinlock inodes_lock;
	struct list_head inodes; // every in-memory inode, for umount
	uint64_t nr_inodes;
};

struct inode {
	/* Immutable after inode_alloc(): */
	struct super_block *sb;
	uint64_t ino;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	/* Atomic: */
	atomic_t count; // references
	struct mutex lock;
	/* Protected by lock: */
	uint32_t mode; // type | permissions (the type never changes)
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t rdev;
	int64_t size;
	int64_t blocks; // 512-byte units
	int64_t atime_ns, mtime_ns, ctime_ns;
	bool dead;	  // a removed directory: nothing may be created in it
	void *fs_private; // the filesystem's per-inode data
	/* Protected by sb->inodes_lock: */
	struct list_head sb_link;
};

/* Set up @sb's common fields (lock, list, rename mutex). */
void super_init(struct super_block *sb, const struct super_ops *ops, const char *type_name);

/* A new inode on @sb, one reference, nlink 0, times now, on sb's list.
 * Returns NULL when memory runs out. May sleep. */
struct inode *inode_alloc(struct super_block *sb, uint64_t ino, uint32_t mode,
			  const struct inode_ops *iops, const struct file_ops *fops);

/* Take another reference to @inode (the caller already holds one, or the
 * filesystem's lock that keeps the inode alive). */
void inode_get(struct inode *inode);

/* Take a reference to an inode the caller found through a name it owns
 * (a directory entry), which may have none: filesystem lookups use this,
 * with the directory locked. */
void inode_get_linked(struct inode *inode);

/* Drop a reference; the last one of an inode without links evicts and
 * frees it. NULL is ignored. May sleep. */
void inode_put(struct inode *inode);

/* Umount: evict and free every inode of @sb, whatever its counts. The
 * caller has made sure nothing uses the filesystem any more. */
void inode_evict_all(struct super_block *sb);

/* Nanoseconds since the epoch, for time stamps (0 before the RTC). */
int64_t vfs_now_ns(void);

/* Set the time stamps @which (VFS_ATTR_ATIME/MTIME, plus ctime always) to
 * now. inode locked. */
void inode_touch_locked(struct inode *inode, unsigned int which);

/* Fill @st from @inode. Takes the inode lock. May sleep. */
void inode_fill_stat(struct inode *inode, struct linux_stat *st);

static inline bool inode_is_dir(const struct inode *inode)
{
	return S_ISDIR(inode->mode);
}

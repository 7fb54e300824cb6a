/*
 * procfs /proc/ID/fd: a directory of a process's open descriptors, each
 * a symlink named by its number whose target is the open file's name as
 * Linux's d_path gives it ("/dev/console", "/tmp/x", "/tmp/x (deleted)"
 * once unlinked, "pipe:[INODE]" for a pipe); its mode says the access
 * (lr-x, l-wx, lrwx, as Linux's proc_fd_link). The links' text is all
 * there is: following one walks that path again (Linux's magic links jump
 * to the open file itself, so a pipe's or a deleted file's link does not
 * open here). Also the names of /proc/ID/cwd and of maps' files.
 * Locking: the table is reached through proc_get_fds(), a reference
 * taken under proc_lock (the fd table's lock ranks below it, so it is
 * taken only after proc_lock is dropped); a process that exits meanwhile
 * leaves the reader an empty table, freed with the reader's reference.
 */
#include "fs/dcache.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/fs_cmds.h"
#include "fs/inode.h"
#include "fs/procfs/procfs_internal.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "lib/dirent.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"

#define FD_DIGITS 8		  // "255" and a NUL, with room
#define DELETED " (deleted)"	  // Linux's d_path suffix for an unlinked name
#define LINK_USER_R (0400 | 0100) // r-x: the link of a file open for reading
#define LINK_USER_W (0200 | 0100) // -wx: open for writing
#define PIPEFS_TYPE "pipefs"	  // fs/pipe.c's superblock

_Static_assert(PROCFS_FD_SLOTS == FD_TABLE_MAX, "one inode number per descriptor");

/* "12" -> 12 within the table; false for anything else. */
static bool parse_fd(const char *name, size_t len, int *fd)
{
	int v = 0;

	if (!len || len > 3 || (name[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (name[i] - '0');
	}
	*fd = v;
	return v < FD_TABLE_MAX;
}

/* The open file at @fd of process @id, referenced (file_put it), or
 * NULL: no such process, descriptor or (a kernel task) table. */
static struct file *target_file(uint64_t id, int fd)
{
	struct fd_table *t = procfs_is_ktask(id) ? NULL : proc_get_fds((int)id);
	struct file *f;

	if (!t)
		return NULL;
	f = fd_get(t, fd);
	fd_table_put(t);
	return f;
}

uint32_t procfs_fd_mode(uint64_t id, int fd)
{
	struct file *f = target_file(id, fd);
	uint32_t mode, acc;

	if (!f)
		return 0;
	acc = f->flags & O_ACCMODE;
	mode = S_IFLNK | (acc != O_WRONLY ? LINK_USER_R : 0) | (acc != O_RDONLY ? LINK_USER_W : 0);
	file_put(f);
	return mode;
}

uint64_t procfs_fd_lookup(uint64_t id, const char *name, size_t len)
{
	int fd;

	if (!parse_fd(name, len, &fd) || !procfs_fd_mode(id, fd))
		return 0;
	return procfs_fd_ino(id, fd);
}

int procfs_fd_readdir(struct inode *dir, uint64_t id, struct dirent_sink *sink, int64_t *pos)
{
	struct fd_table *t;
	char name[FD_DIGITS];

	if (!procfs_id_exists(id))
		return 0; // gone: an empty listing, as Linux gives
	for (; *pos < 2; (*pos)++)
		if (!dirent_sink_add(sink, *pos ? procfs_task_ino(id, 0) : dir->ino, *pos + 1,
				     DT_DIR, "..", (size_t)*pos + 1))
			return 0;
	if (*pos - 2 >= FD_TABLE_MAX)
		return 0; // past the last descriptor (a seek may put it anywhere)
	t = procfs_is_ktask(id) ? NULL : proc_get_fds((int)id);
	if (!t)
		return 0; // a kernel task or a zombie: no descriptors
	for (int fd = fd_next_open(t, (int)(*pos - 2)); fd >= 0; fd = fd_next_open(t, fd + 1)) {
		int len = ksnprintf(name, sizeof(name), "%d", fd);

		if (!dirent_sink_add(sink, procfs_fd_ino(id, fd), fd + 3, DT_LNK, name,
				     (size_t)len))
			break;
		*pos = fd + 3; // resume after it
	}
	fd_table_put(t);
	return 0;
}

/* Copy @s into @buf as readlink does (no NUL, cut at @size). */
static ssize_t put_link(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);

	if (n > size)
		n = size;
	memcpy(buf, s, n);
	return (ssize_t)n;
}

/* Has @d's name gone (unlink, rmdir, a replacing rename)? A filesystem's
 * root is never hashed and never gone. */
static bool is_deleted(struct dentry *d)
{
	struct dentry *parent = dentry_parent(d);
	bool gone = parent != d && !dentry_is_hashed(d);

	dentry_put(parent);
	return gone;
}

ssize_t procfs_path_link(const struct vfs_path *p, char *buf, size_t size)
{
	char *name = kmalloc(PROCFS_PATH_MAX + sizeof(DELETED));
	ssize_t n;

	if (!name)
		return -ENOMEM;
	n = fs_cmd_path_name(p, name, PROCFS_PATH_MAX);
	if (!n) {
		if (is_deleted(p->dentry))
			strlcat(name, DELETED, PROCFS_PATH_MAX + sizeof(DELETED));
		n = put_link(name, buf, size);
	}
	kfree(name);
	return n;
}

ssize_t procfs_file_link(struct file *f, char *buf, size_t size)
{
	char name[48];

	/* A pipe's open ends are on pipefs's root with the pipe's inode. */
	if (f->inode != dentry_inode(f->path.dentry)) {
		const char *type = f->inode->sb->type_name;

		ksnprintf(name, sizeof(name), "%s:[%lu]",
			  type && strcmp(type, PIPEFS_TYPE) ? type : "pipe",
			  (unsigned long)f->inode->ino);
		return put_link(name, buf, size);
	}
	return procfs_path_link(&f->path, buf, size);
}

ssize_t procfs_fd_readlink(uint64_t id, int fd, char *buf, size_t size)
{
	struct file *f = target_file(id, fd);
	ssize_t n;

	if (!f)
		return -ENOENT;
	n = procfs_file_link(f, buf, size);
	file_put(f);
	return n;
}

/*
 * The VFS operations by path, Linux-shaped: each takes a start directory
 * for relative paths (@cwd; NULL means the root) and returns 0 (or a byte
 * count) or a Linux errno, with the refusals Linux gives checked here
 * once for every filesystem. File I/O on open files is in fs/file.h,
 * descriptors in fs/fdtable.h, mounts in fs/mount.h.
 *
 * Every function may sleep. Locking: see doc/locking.md (rename mutex,
 * then directory inode locks parent before child, then other inodes).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/file.h"
#include "fs/inode.h"
#include "fs/mount.h"
#include "include/compiler.h"
#include "include/types.h"
#include "include/uapi/stat.h"

/* Register the built-in filesystem types and mount a tmpfs as "/".
 * Boot, once, after the scheduler is up (filesystems use mutexes). */
void vfs_init(void);

/* root=@dev on the command line: switch the root of the tree to the
 * filesystem on block device @dev (type probed), leaving the initramfs
 * tmpfs mounted but out of reach; on failure the old root stays (logged).
 * Boot, once, after the initramfs and before the boot mounts (which then
 * land on the new root, their directories made if missing). May sleep. */
void vfs_mount_root_dev(const char *dev);

/* The boot mounts: procfs on /proc and a tmpfs on /tmp (each mount point
 * made if missing; a failure is logged). Boot, once, after the initramfs
 * is unpacked. May sleep. */
void vfs_mount_boot(void);

/*
 * Open @path with @flags (O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
 * O_DIRECTORY, O_NOFOLLOW; others are kept but ignored) creating a file
 * with permission bits @mode under O_CREAT. Returns 0 with a new open file
 * in *@out, or -ENOENT, -EEXIST (O_CREAT|O_EXCL), -EISDIR (a directory
 * opened for writing, or O_CREAT with a trailing slash), -ENOTDIR, -ELOOP
 * (O_NOFOLLOW on a symlink, or too many links), -ENAMETOOLONG, -ENOSPC.
 */
int vfs_open(const struct vfs_path *cwd, const char *path, unsigned int flags, uint32_t mode,
	     struct file **out) __must_check;

/* mkdir: -EEXIST, -ENOENT, -ENOTDIR, -ENOSPC, -EMLINK. */
int vfs_mkdir(const struct vfs_path *cwd, const char *path, uint32_t mode) __must_check;
/* mknod(2) of a regular file (S_IFREG) or a FIFO (S_IFIFO, tmpfs only:
 * -EPERM elsewhere) with permission bits from @mode: -EEXIST, -ENOENT,
 * -ENOTDIR, -ENOSPC. */
int vfs_mknod(const struct vfs_path *cwd, const char *path, uint32_t mode) __must_check;
/* rmdir: -ENOTEMPTY, -ENOTDIR, -EINVAL ("."), -EBUSY (a mount point or
 * a root). */
int vfs_rmdir(const struct vfs_path *cwd, const char *path) __must_check;
/* unlink: -EISDIR for a directory, -ENOENT, -ENOTDIR. */
int vfs_unlink(const struct vfs_path *cwd, const char *path) __must_check;
/*
 * rename(2): replaces an existing @newpath atomically; -EINVAL moving a
 * directory into its own subtree, -ENOTEMPTY over a non-empty directory,
 * -ENOTDIR for a directory over a non-directory, -EISDIR for the
 * reverse, -EXDEV across filesystems, -EBUSY for mount points and roots.
 * Renaming a file onto another name of itself does nothing.
 */
int vfs_rename(const struct vfs_path *cwd, const char *oldpath, const char *newpath) __must_check;
/* renameat2(2): @oldpath from @ocwd and @newpath from @ncwd; with
 * VFS_RENAME_NOREPLACE an existing @newpath is -EEXIST (checked under the
 * directory locks, so atomically). Other flags: -EINVAL. */
#define VFS_RENAME_NOREPLACE 1u
int vfs_renameat(const struct vfs_path *ocwd, const char *oldpath, const struct vfs_path *ncwd,
		 const char *newpath, unsigned int flags) __must_check;
/* link(2): -EPERM for a directory, -EEXIST, -EXDEV, -EMLINK. */
int vfs_link(const struct vfs_path *cwd, const char *oldpath, const char *newpath) __must_check;
/* linkat(2): @oldpath from @ocwd (its final symlink followed if @follow,
 * AT_SYMLINK_FOLLOW), the new name @newpath from @ncwd. */
int vfs_linkat(const struct vfs_path *ocwd, const char *oldpath, const struct vfs_path *ncwd,
	       const char *newpath, bool follow) __must_check;
/* symlink(2): a link at @linkpath containing @target (not checked). */
int vfs_symlink(const struct vfs_path *cwd, const char *target, const char *linkpath) __must_check;
/* readlink(2): the target, not NUL-terminated, truncated to @size;
 * -EINVAL when @path is not a symlink. */
ssize_t vfs_readlink(const struct vfs_path *cwd, const char *path, char *buf, size_t size)
	__must_check;
/* truncate(2): -EISDIR, -EINVAL (negative, or not a regular file),
 * -EFBIG. */
int vfs_truncate(const struct vfs_path *cwd, const char *path, int64_t len) __must_check;
/* stat(2) follows a final symlink, lstat(2) does not. */
int vfs_stat(const struct vfs_path *cwd, const char *path, struct linux_stat *st) __must_check;
int vfs_lstat(const struct vfs_path *cwd, const char *path, struct linux_stat *st) __must_check;
int vfs_statfs(const struct vfs_path *cwd, const char *path, struct linux_statfs *st) __must_check;
/* statfs of the filesystem @p is on (fstatfs). */
int vfs_statfs_path(const struct vfs_path *p, struct linux_statfs *st) __must_check;
/* chmod/chown/utimensat: stored and shown; nothing is enforced yet.
 * chown takes (uint32_t)-1 for "unchanged"; @times NULL means now, and a
 * tv_nsec of LINUX_UTIME_NOW / LINUX_UTIME_OMIT works as in Linux. */
int vfs_chmod(const struct vfs_path *cwd, const char *path, uint32_t mode) __must_check;
int vfs_chown(const struct vfs_path *cwd, const char *path, uint32_t uid, uint32_t gid)
	__must_check;
int vfs_utimens(const struct vfs_path *cwd, const char *path, const struct linux_timespec times[2])
	__must_check;
/* utimensat on a resolved inode (the same rules). */
int vfs_utimens_inode(struct inode *inode, const struct linux_timespec times[2]) __must_check;
/* Write back every filesystem (sync(2)). */
int vfs_sync(void) __must_check;

/* Before power-off or reset (the shell's shutdown, reboot(2)): unmount
 * every mount nothing uses (vfs_umount_all: disk filesystems left marked
 * clean), write the rest back, then the shared buffer cache; log what
 * was done and what failed. May sleep. */
void vfs_shutdown(void);

/* Change @inode's attributes with the checks above (truncate's
 * refusals, a mode change keeps the type). Takes the inode lock. */
int vfs_setattr_inode(struct inode *inode, const struct vfs_attr *attr) __must_check;

/* Resolve @path to a directory and make it the new *@cwd (dropping the
 * old one), for the shell's cd. -ENOTDIR, -ENOENT. */
int vfs_chdir(struct vfs_path *cwd, const char *path) __must_check;

/*
 * Name system calls, the *at family: mkdir, rmdir, unlink, rename(2) with
 * renameat2's RENAME_NOREPLACE, link, symlink, readlink, chdir, fchdir,
 * getcwd, access, chmod, chown, utimensat and umask, with Linux's argument
 * rules (fs/namei.c, fs/open.c, fs/stat.c, fs/d_path.c; the man pages of
 * each). A relative path with AT_FDCWD starts at the process's working
 * directory; mkdir applies the umask. Everyone is root: access answers
 * as root's DAC override does (X needs some x bit, but not on a
 * directory).
 * Locking: none of its own; the working directory and umask are the
 * calling process's (Owner).
 */
#include "fs/dcache.h"
#include "fs/file.h"
#include "fs/fs_cmds.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"

#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#define X_OK 1

/* A path call's two halves: the copied-in name and where it starts. */
struct at {
	char *path;
	struct vfs_path start;
};

static void at_put(struct at *a)
{
	vfs_path_put(&a->start);
	kfree(a->path);
}

static long at_get(int dirfd, uptr_t upath, struct at *a)
{
	return sys_at_path(dirfd, upath, false, &a->path, &a->start);
}

/* The place @dirfd/@upath names: its last symlink followed unless
 * AT_SYMLINK_NOFOLLOW, "" the dirfd's own file with AT_EMPTY_PATH. */
static long resolve_at(int dirfd, uptr_t upath, int flags, struct vfs_path *out)
{
	struct at a;
	long err = sys_at_path(dirfd, upath, flags & AT_EMPTY_PATH, &a.path, &a.start);

	if (err)
		return err;
	if (!a.path[0]) {
		err = (flags & AT_EMPTY_PATH) ? 0 : -ENOENT;
		if (!err) {
			*out = a.start;
			vfs_path_get(out);
		}
	} else {
		err = vfs_walk(&a.start, a.path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW,
			       out);
	}
	at_put(&a);
	return err;
}

long sys_mkdirat(int dirfd, uptr_t upath, uint32_t mode)
{
	struct at a;
	long err = at_get(dirfd, upath, &a);

	if (err)
		return err;
	err = vfs_mkdir(&a.start, a.path, mode & 01777 & ~proc_current()->umask);
	at_put(&a);
	return err;
}

long sys_unlinkat(int dirfd, uptr_t upath, int flags)
{
	struct at a;
	long err;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	err = at_get(dirfd, upath, &a);
	if (err)
		return err;
	err = (flags & AT_REMOVEDIR) ? vfs_rmdir(&a.start, a.path) : vfs_unlink(&a.start, a.path);
	at_put(&a);
	return err;
}

long sys_renameat2(int olddirfd, uptr_t oldpath, int newdirfd, uptr_t newpath, unsigned int flags)
{
	struct at o, n;
	long err;

	/* RENAME_EXCHANGE and RENAME_WHITEOUT need VFS support we lack. */
	if (flags & ~(unsigned int)RENAME_NOREPLACE)
		return -EINVAL;
	err = at_get(olddirfd, oldpath, &o);
	if (err)
		return err;
	err = at_get(newdirfd, newpath, &n);
	if (!err) {
		err = vfs_renameat(&o.start, o.path, &n.start, n.path,
				   flags ? VFS_RENAME_NOREPLACE : 0);
		at_put(&n);
	}
	at_put(&o);
	return err;
}

long sys_linkat(int olddirfd, uptr_t oldpath, int newdirfd, uptr_t newpath, int flags)
{
	struct at o, n;
	long err;

	/* AT_EMPTY_PATH (link an open file) is not supported: "" is -ENOENT. */
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = at_get(olddirfd, oldpath, &o);
	if (err)
		return err;
	err = at_get(newdirfd, newpath, &n);
	if (!err) {
		err = vfs_linkat(&o.start, o.path, &n.start, n.path, flags & AT_SYMLINK_FOLLOW);
		at_put(&n);
	}
	at_put(&o);
	return err;
}

long sys_symlinkat(uptr_t utarget, int newdirfd, uptr_t linkpath)
{
	struct at a;
	char *target;
	long err = sys_get_path(utarget, &target);

	if (err < 0)
		return err;
	err = target[0] ? at_get(newdirfd, linkpath, &a) : -ENOENT;
	if (!err) {
		err = vfs_symlink(&a.start, target, a.path);
		at_put(&a);
	}
	kfree(target);
	return err;
}

long sys_readlinkat(int dirfd, uptr_t upath, uptr_t buf, int bufsiz)
{
	size_t n = bufsiz > 0 ? MIN((size_t)bufsiz, (size_t)SYS_PATH_MAX) : 0;
	struct at a;
	char *k;
	long r;

	if (bufsiz <= 0)
		return -EINVAL;
	r = at_get(dirfd, upath, &a);
	if (r)
		return r;
	k = kmalloc(n);
	r = k ? vfs_readlink(&a.start, a.path, k, n) : -ENOMEM;
	at_put(&a);
	if (r > 0 && copy_to_user(buf, k, (size_t)r))
		r = -EFAULT;
	kfree(k);
	return r;
}

long sys_chdir(uptr_t upath)
{
	struct vfs_path cwd;
	struct at a;
	long err = at_get(AT_FDCWD, upath, &a);

	if (err)
		return err;
	proc_cwd_get(&cwd);
	err = vfs_chdir(&cwd, a.path); // swaps our reference for the new directory's
	if (!err)
		proc_set_cwd(&cwd);
	vfs_path_put(&cwd);
	at_put(&a);
	return err;
}

long sys_fchdir(int fd)
{
	struct file *f = sys_file(fd);
	long err = 0;

	if (!f)
		return -EBADF;
	if (!inode_is_dir(f->inode))
		err = -ENOTDIR;
	else
		proc_set_cwd(&f->path);
	file_put(f);
	return err;
}

long sys_getcwd(uptr_t buf, size_t size)
{
	struct vfs_path cwd;
	char *k;
	long err;
	size_t len;

	proc_cwd_get(&cwd);
	if (READ_ONCE(dentry_inode(cwd.dentry)->dead)) { // a hint: set once, under its lock
		vfs_path_put(&cwd);
		return -ENOENT; // removed: Linux's d_unlinked case
	}
	k = kmalloc(SYS_PATH_MAX);
	if (!k) {
		vfs_path_put(&cwd);
		return -ENOMEM;
	}
	err = fs_cmd_path_name(&cwd, k, SYS_PATH_MAX);
	vfs_path_put(&cwd);
	if (!err) {
		len = strlen(k) + 1;
		if (len > size)
			err = -ERANGE;
		else
			err = copy_to_user(buf, k, len) ? -EFAULT : (long)len;
	}
	kfree(k);
	return err;
}

long sys_faccessat2(int dirfd, uptr_t upath, int mode, int flags)
{
	struct vfs_path p;
	struct inode *inode;
	long err;

	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = resolve_at(dirfd, upath, flags, &p);
	if (err)
		return err;
	inode = dentry_inode(p.dentry);
	if ((mode & X_OK) && !inode_is_dir(inode) && !(READ_ONCE(inode->mode) & 0111))
		err = -EACCES; // root's override needs one x bit (generic_permission)
	vfs_path_put(&p);
	return err;
}

/* Apply @attr to the inode @dirfd/@upath names (resolve_at's @flags). */
static long setattr_at(int dirfd, uptr_t upath, int flags, const struct vfs_attr *attr)
{
	struct vfs_path p;
	long err = resolve_at(dirfd, upath, flags, &p);

	if (err)
		return err;
	err = vfs_setattr_inode(dentry_inode(p.dentry), attr);
	vfs_path_put(&p);
	return err;
}

static long setattr_fd(int fd, const struct vfs_attr *attr)
{
	struct file *f = sys_file(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_setattr_inode(f->inode, attr);
	file_put(f);
	return err;
}

long sys_fchmodat(int dirfd, uptr_t upath, uint32_t mode)
{
	struct vfs_attr a = { .mask = VFS_ATTR_MODE, .mode = mode & 07777 };

	return setattr_at(dirfd, upath, 0, &a);
}

long sys_fchmod(int fd, uint32_t mode)
{
	struct vfs_attr a = { .mask = VFS_ATTR_MODE, .mode = mode & 07777 };

	return setattr_fd(fd, &a);
}

static struct vfs_attr chown_attr(uint32_t uid, uint32_t gid)
{
	struct vfs_attr a = { .uid = uid, .gid = gid };

	if (uid != (uint32_t)-1)
		a.mask |= VFS_ATTR_UID;
	if (gid != (uint32_t)-1)
		a.mask |= VFS_ATTR_GID;
	return a;
}

long sys_fchownat(int dirfd, uptr_t upath, uint32_t uid, uint32_t gid, int flags)
{
	struct vfs_attr a = chown_attr(uid, gid);

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return setattr_at(dirfd, upath, flags, &a);
}

long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct vfs_attr a = chown_attr(uid, gid);

	return setattr_fd(fd, &a);
}

long sys_utimensat(int dirfd, uptr_t upath, uptr_t utimes, int flags)
{
	struct linux_timespec t[2];
	struct vfs_path p;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!uptr_is_null(utimes)) {
		if (copy_from_user(t, utimes, sizeof(t)))
			return -EFAULT;
		/* Nothing to do: Linux does not even look the path up. (Bad
		 * nanoseconds are found after it, in vfs_utimens_inode.) */
		if (t[0].tv_nsec == LINUX_UTIME_OMIT && t[1].tv_nsec == LINUX_UTIME_OMIT)
			return 0;
	}
	if (uptr_is_null(upath)) { // futimens(): the descriptor itself
		struct file *f;

		if (dirfd == AT_FDCWD)
			return -EFAULT; // a NULL path to look up
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		f = sys_file(dirfd);
		if (!f)
			return -EBADF;
		err = vfs_utimens_inode(f->inode, uptr_is_null(utimes) ? NULL : t);
		file_put(f);
		return err;
	}
	err = resolve_at(dirfd, upath, flags, &p);
	if (err)
		return err;
	err = vfs_utimens_inode(dentry_inode(p.dentry), uptr_is_null(utimes) ? NULL : t);
	vfs_path_put(&p);
	return err;
}

long sys_umask(uint32_t mask)
{
	struct proc *p = proc_current();
	uint32_t old = p->umask;

	p->umask = mask & 0777;
	return old;
}

/*
 * Attributes by path: stat/lstat/statfs, readlink, truncate, chmod,
 * chown, utimensat, and the setattr rules every one of them goes
 * through; also sync(2), the shutdown sync and chdir. Locking: the inode's lock around the
 * filesystem's setattr/readlink; mount_lock inside mount_for_each (sync
 * collects superblocks first, then syncs without it).
 */
#define LOG_PREFIX "vfs: "

#include "fs/vfs.h"

#include "core/log.h"
#include "drivers/block/bcache.h"
#include "fs/mount.h"

#include "fs/vfs_internal.h"
#include "include/uapi/errno.h"
#include "lib/path.h"
#include "lib/string.h"

/* Apply the VFS-owned fields of @a (after the filesystem agreed). */
static void setattr_apply_locked(struct inode *inode, const struct vfs_attr *a)
{
	unsigned int touch = 0;

	if (a->mask & VFS_ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (a->mode & S_MODE_PERM);
	if (a->mask & VFS_ATTR_UID)
		inode->uid = a->uid;
	if (a->mask & VFS_ATTR_GID)
		inode->gid = a->gid;
	if (a->mask & VFS_ATTR_SIZE)
		touch = VFS_ATTR_MTIME;
	inode_touch_locked(inode, touch);
	if (a->mask & VFS_ATTR_ATIME)
		inode->atime_ns = a->atime_ns;
	if (a->mask & VFS_ATTR_MTIME)
		inode->mtime_ns = a->mtime_ns;
}

int vfs_setattr_inode(struct inode *inode, const struct vfs_attr *a)
{
	int err = 0;

	if (a->mask & VFS_ATTR_SIZE) {
		if (inode_is_dir(inode))
			return -EISDIR;
		if (!S_ISREG(inode->mode) || a->size < 0)
			return -EINVAL;
		if (a->size > inode->sb->max_file_size)
			return -EFBIG;
	}
	mutex_lock(&inode->lock);
	if (inode->iops->setattr)
		err = inode->iops->setattr(inode, a);
	if (!err)
		setattr_apply_locked(inode, a);
	mutex_unlock(&inode->lock);
	return err;
}

/* Resolve @path and apply @a; @follow for the final symlink. */
static int setattr_path(const struct vfs_path *cwd, const char *path, bool follow,
			const struct vfs_attr *a)
{
	struct vfs_path p;
	int err = vfs_walk(cwd, path, follow ? WALK_FOLLOW : 0, &p);

	if (err)
		return err;
	err = vfs_setattr_inode(dentry_inode(p.dentry), a);
	vfs_path_put(&p);
	return err;
}

static int stat_path(const struct vfs_path *cwd, const char *path, unsigned int wf,
		     struct linux_stat *st)
{
	struct vfs_path p;
	int err = vfs_walk(cwd, path, wf, &p);

	if (err)
		return err;
	inode_fill_stat(dentry_inode(p.dentry), st);
	vfs_path_put(&p);
	return 0;
}

int vfs_stat(const struct vfs_path *cwd, const char *path, struct linux_stat *st)
{
	return stat_path(cwd, path, WALK_FOLLOW, st);
}

int vfs_lstat(const struct vfs_path *cwd, const char *path, struct linux_stat *st)
{
	return stat_path(cwd, path, 0, st);
}

int vfs_statfs_path(const struct vfs_path *p, struct linux_statfs *st)
{
	struct super_block *sb = p->mnt->sb;

	memset(st, 0, sizeof(*st));
	st->f_namelen = PATH_NAME_MAX;
	st->f_fsid[0] = (int32_t)sb->dev;
	return sb->ops->statfs ? sb->ops->statfs(sb, st) : -ENOSYS;
}

int vfs_statfs(const struct vfs_path *cwd, const char *path, struct linux_statfs *st)
{
	struct vfs_path p;
	int err = vfs_walk(cwd, path, WALK_FOLLOW, &p);

	if (err)
		return err;
	err = vfs_statfs_path(&p, st);
	vfs_path_put(&p);
	return err;
}

ssize_t vfs_readlink(const struct vfs_path *cwd, const char *path, char *buf, size_t size)
{
	struct vfs_path p;
	struct inode *inode;
	ssize_t r;
	int err = vfs_walk(cwd, path, 0, &p);

	if (err)
		return err;
	inode = dentry_inode(p.dentry);
	if (!S_ISLNK(inode->mode) || !inode->iops->readlink) {
		r = -EINVAL;
	} else {
		mutex_lock(&inode->lock);
		r = inode->iops->readlink(inode, buf, size);
		mutex_unlock(&inode->lock);
	}
	vfs_path_put(&p);
	return r;
}

int vfs_truncate(const struct vfs_path *cwd, const char *path, int64_t len)
{
	struct vfs_attr a = { .mask = VFS_ATTR_SIZE, .size = len };

	return setattr_path(cwd, path, true, &a);
}

int vfs_chmod(const struct vfs_path *cwd, const char *path, uint32_t mode)
{
	struct vfs_attr a = { .mask = VFS_ATTR_MODE, .mode = mode };

	return setattr_path(cwd, path, true, &a);
}

int vfs_chown(const struct vfs_path *cwd, const char *path, uint32_t uid, uint32_t gid)
{
	struct vfs_attr a = { .uid = uid, .gid = gid };

	if (uid != (uint32_t)-1)
		a.mask |= VFS_ATTR_UID;
	if (gid != (uint32_t)-1)
		a.mask |= VFS_ATTR_GID;
	return setattr_path(cwd, path, true, &a);
}

/* One utimensat time into *@ns and @bit of *@mask. */
static int utime_one(const struct linux_timespec *t, int64_t now, unsigned int bit, int64_t *ns,
		     unsigned int *mask)
{
	if (!t || t->tv_nsec == LINUX_UTIME_NOW) {
		*ns = now;
	} else if (t->tv_nsec == LINUX_UTIME_OMIT) {
		return 0;
	} else if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000) {
		return -EINVAL;
	} else {
		*ns = t->tv_sec * 1000000000 + t->tv_nsec;
	}
	*mask |= bit;
	return 0;
}

int vfs_utimens_inode(struct inode *inode, const struct linux_timespec times[2])
{
	struct vfs_attr a = { 0 };
	int64_t now = vfs_now_ns();
	int err;

	err = utime_one(times ? &times[0] : NULL, now, VFS_ATTR_ATIME, &a.atime_ns, &a.mask);
	if (!err)
		err = utime_one(times ? &times[1] : NULL, now, VFS_ATTR_MTIME, &a.mtime_ns,
				&a.mask);
	return err ? err : vfs_setattr_inode(inode, &a);
}

int vfs_utimens(const struct vfs_path *cwd, const char *path, const struct linux_timespec times[2])
{
	struct vfs_path p;
	int err = vfs_walk(cwd, path, WALK_FOLLOW, &p);

	if (err)
		return err;
	err = vfs_utimens_inode(dentry_inode(p.dentry), times);
	vfs_path_put(&p);
	return err;
}

int vfs_chdir(struct vfs_path *cwd, const char *path)
{
	struct vfs_path p;
	int err = vfs_walk(cwd, path, WALK_FOLLOW | WALK_DIRECTORY, &p);

	if (err)
		return err;
	vfs_path_put(cwd);
	*cwd = p;
	return 0;
}

int vfs_sync(void)
{
	struct mount *m = NULL;
	int err = 0;

	/* One mount at a time, each referenced while synced (umount is -EBUSY
	 * meanwhile), so any number of mounts and no allocation. */
	while ((m = mount_next(m))) {
		struct super_block *sb = m->sb;
		int e = sb->ops->sync ? sb->ops->sync(sb) : 0;

		err = err ? err : e;
	}
	return err;
}

void vfs_shutdown(void)
{
	unsigned int n = vfs_umount_all();

	if (n)
		log_info("unmounted %u filesystem%s\n", n, n == 1 ? "" : "s");
	if (vfs_sync())
		log_warn("a filesystem could not write everything back\n");
	if (bcache_sync(bcache_default(), NULL))
		log_warn("some cached blocks could not be written back\n");
}

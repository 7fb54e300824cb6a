/*
 * Namespace operations by path: mkdir, rmdir, unlink, link, symlink and
 * the parent-lock helper they share with open and rename. The errno rules
 * are Linux's (fs/namei.c); filesystems see only checked requests.
 * Locking: the parent directory's inode lock, then the victim's (a child
 * after its parent), never two directories outside rename.
 */
#include "fs/vfs.h"

#include "fs/vfs_internal.h"
#include "include/uapi/errno.h"
#include "lib/path.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

int nd_lock_last(const struct vfs_path *cwd, const char *path, int dot_err, struct vfs_nd *nd)
{
	int err = vfs_walk_parent(cwd, path, &nd->parent, &nd->last);

	if (err)
		return err;
	if (!nd->last.len || nd->last.is_dot) {
		vfs_path_put(&nd->parent);
		return dot_err;
	}
	nd->dir = dentry_inode(nd->parent.dentry);
	mutex_lock(&nd->dir->lock);
	err = dcache_lookup_locked(nd->parent.dentry, nd->last.name, nd->last.len, &nd->child);
	if (err) {
		mutex_unlock(&nd->dir->lock);
		vfs_path_put(&nd->parent);
	}
	return err;
}

void nd_unlock(struct vfs_nd *nd)
{
	dentry_put(nd->child);
	mutex_unlock(&nd->dir->lock);
	vfs_path_put(&nd->parent);
}

int nd_create(struct vfs_nd *nd, uint32_t mode, const char *target, size_t tlen)
{
	struct inode *inode;
	int err;

	if (nd->dir->dead)
		return -ENOENT;
	err = nd->dir->iops->create(nd->dir, nd->last.name, nd->last.len, mode, target, tlen,
				    &inode);
	if (err)
		return err;
	dentry_instantiate(nd->child, inode);
	inode_touch_locked(nd->dir, VFS_ATTR_MTIME);
	return 0;
}

int vfs_mkdir(const struct vfs_path *cwd, const char *path, uint32_t mode)
{
	struct vfs_nd nd;
	int err = nd_lock_last(cwd, path, -EEXIST, &nd);

	if (err)
		return err;
	if (dentry_inode(nd.child))
		err = -EEXIST;
	else
		err = nd_create(&nd, S_IFDIR | (mode & S_MODE_PERM), NULL, 0);
	nd_unlock(&nd);
	return err;
}

int vfs_mknod(const struct vfs_path *cwd, const char *path, uint32_t mode)
{
	struct vfs_nd nd;
	int err = nd_lock_last(cwd, path, -EEXIST, &nd);

	if (err)
		return err;
	if (dentry_inode(nd.child))
		err = -EEXIST;
	else if (nd.last.must_dir)
		err = -ENOENT;
	else if (S_ISFIFO(mode) && strcmp(nd.dir->sb->type_name, "tmpfs"))
		err = -EPERM; // FIFOs only where the inode can carry pipe_fifo_fops
	else
		err = nd_create(&nd, (mode & S_IFMT) | (mode & S_MODE_PERM), NULL, 0);
	nd_unlock(&nd);
	return err;
}

int vfs_symlink(const struct vfs_path *cwd, const char *target, const char *linkpath)
{
	ssize_t tlen = path_check(target);
	struct vfs_nd nd;
	int err;

	if (tlen < 0)
		return (int)tlen;
	err = nd_lock_last(cwd, linkpath, -EEXIST, &nd);
	if (err)
		return err;
	if (dentry_inode(nd.child))
		err = -EEXIST;
	else if (nd.last.must_dir)
		err = -ENOENT;
	else
		err = nd_create(&nd, S_IFLNK | 0777, target, (size_t)tlen);
	nd_unlock(&nd);
	return err;
}

/* Remove the locked victim's name; @is_dir selects rmdir. */
static int nd_remove(struct vfs_nd *nd, struct inode *victim, bool is_dir)
{
	const struct inode_ops *ops = nd->dir->iops;
	int err;

	mutex_lock(&victim->lock);
	if (is_dir)
		err = ops->rmdir(nd->dir, nd->last.name, nd->last.len, victim);
	else
		err = ops->unlink(nd->dir, nd->last.name, nd->last.len, victim);
	if (!err) {
		if (is_dir)
			victim->dead = true;
		inode_touch_locked(victim, 0);
	}
	mutex_unlock(&victim->lock);
	if (!err) {
		dentry_drop(nd->child);
		inode_touch_locked(nd->dir, VFS_ATTR_MTIME);
	}
	return err;
}

int vfs_unlink(const struct vfs_path *cwd, const char *path)
{
	struct inode *victim;
	struct vfs_nd nd;
	int err = nd_lock_last(cwd, path, -EISDIR, &nd);

	if (err)
		return err;
	victim = dentry_inode(nd.child);
	if (!victim)
		err = -ENOENT;
	else if (inode_is_dir(victim))
		err = -EISDIR;
	else if (nd.last.must_dir)
		err = -ENOTDIR;
	else
		err = nd_remove(&nd, victim, false);
	nd_unlock(&nd);
	return err;
}

/* What rmdir answers for a last component that is not a plain name. */
static int rmdir_dot_err(const struct vfs_path *cwd, const char *path)
{
	struct walk_last *last = kmalloc(sizeof(*last));
	struct vfs_path p;
	int err;

	if (!last)
		return -ENOMEM;
	err = vfs_walk_parent(cwd, path, &p, last); // only the name matters
	if (!err) {
		vfs_path_put(&p);
		if (!last->len)
			err = -EBUSY;
		else
			err = last->len == 1 ? -EINVAL : -ENOTEMPTY;
	}
	kfree(last);
	return err;
}

int vfs_rmdir(const struct vfs_path *cwd, const char *path)
{
	struct inode *victim;
	struct vfs_nd nd;
	int err = nd_lock_last(cwd, path, 1, &nd);

	if (err == 1)
		return rmdir_dot_err(cwd, path);
	if (err)
		return err;
	victim = dentry_inode(nd.child);
	if (!victim)
		err = -ENOENT;
	else if (!inode_is_dir(victim))
		err = -ENOTDIR;
	else if (dentry_is_mountpoint(nd.child))
		err = -EBUSY;
	else
		err = nd_remove(&nd, victim, true);
	nd_unlock(&nd);
	return err;
}

/* Add the name in @nd for @old (locked here, after the directory). */
static int nd_link(struct vfs_nd *nd, struct inode *old)
{
	int err = 0;

	mutex_lock(&old->lock);
	if (!old->nlink)
		err = -ENOENT; // unlinked while we walked
	else
		err = nd->dir->iops->link(old, nd->dir, nd->last.name, nd->last.len);
	if (!err)
		inode_touch_locked(old, 0);
	mutex_unlock(&old->lock);
	if (!err) {
		inode_get(old);
		dentry_instantiate(nd->child, old);
		inode_touch_locked(nd->dir, VFS_ATTR_MTIME);
	}
	return err;
}

int vfs_linkat(const struct vfs_path *ocwd, const char *oldpath, const struct vfs_path *ncwd,
	       const char *newpath, bool follow)
{
	struct vfs_path op;
	struct inode *old;
	struct vfs_nd nd;
	int err = vfs_walk(ocwd, oldpath, follow ? WALK_FOLLOW : 0, &op);

	if (err)
		return err;
	old = dentry_inode(op.dentry);
	err = inode_is_dir(old) ? -EPERM : nd_lock_last(ncwd, newpath, -EEXIST, &nd);
	if (err)
		goto out_put;
	if (nd.parent.mnt != op.mnt)
		err = -EXDEV;
	else if (dentry_inode(nd.child))
		err = -EEXIST;
	else if (nd.last.must_dir)
		err = -ENOENT;
	else if (nd.dir->dead)
		err = -ENOENT;
	else
		err = nd_link(&nd, old);
	nd_unlock(&nd);
out_put:
	vfs_path_put(&op);
	return err;
}

int vfs_link(const struct vfs_path *cwd, const char *oldpath, const char *newpath)
{
	return vfs_linkat(cwd, oldpath, cwd, newpath, false);
}

/*
 * open(2) by path: the O_CREAT/O_EXCL path under the parent directory's
 * lock, the plain path through vfs_walk, then the checks on what was found
 * (O_DIRECTORY, O_NOFOLLOW, directories opened for writing) and O_TRUNC.
 * Locking: the parent's inode lock while creating; none on return.
 */
#include "fs/vfs.h"

#include "fs/vfs_internal.h"
#include "include/uapi/errno.h"

/*
 * O_CREAT: create the last name if it is missing. Returns 0 with *@p set
 * (and *@created), 1 when the name is an existing symlink to follow, or
 * -errno.
 */
static int open_create(const struct vfs_path *cwd, const char *path, unsigned int flags,
		       uint32_t mode, struct vfs_path *p, bool *created)
{
	struct vfs_nd nd;
	struct inode *inode;
	int err = nd_lock_last(cwd, path, -EISDIR, &nd);

	if (err)
		return err;
	inode = dentry_inode(nd.child);
	if (!inode) {
		err = nd.last.must_dir ? -EISDIR
				       : nd_create(&nd, S_IFREG | (mode & S_MODE_PERM), NULL, 0);
		*created = !err;
	} else if (flags & O_EXCL) {
		err = -EEXIST;
	} else if (S_ISLNK(inode->mode)) {
		err = (flags & O_NOFOLLOW) ? -ELOOP : 1;
	}
	if (!err) {
		p->mnt = nd.parent.mnt;
		p->dentry = nd.child;
		vfs_path_get(p);
		mount_follow(p);
	}
	nd_unlock(&nd);
	return err;
}

/*
 * O_CREAT through a symlink whose target does not exist: create the
 * target, named by the negative dentry the walk ended on (as Linux).
 */
static int open_create_target(struct vfs_path *p, uint32_t mode, bool *created)
{
	struct vfs_nd nd = { 0 };
	int err = 0;

	nd.parent.mnt = p->mnt;
	nd.parent.dentry = dentry_parent(p->dentry);
	atomic_inc(&nd.parent.mnt->count);
	nd.dir = dentry_inode(nd.parent.dentry);
	nd.child = p->dentry;
	mutex_lock(&nd.dir->lock);
	if (!dentry_is_hashed(nd.child)) {
		err = -ENOENT; // renamed over or pruned while we walked
	} else if (!dentry_inode(nd.child)) {
		nd.last.len = dentry_copy_name(nd.child, nd.last.name);
		err = nd_create(&nd, S_IFREG | (mode & S_MODE_PERM), NULL, 0);
		*created = !err;
	}
	mutex_unlock(&nd.dir->lock);
	vfs_path_put(&nd.parent);
	return err;
}

/* Resolve @path for open into *@p. */
static int open_resolve(const struct vfs_path *cwd, const char *path, unsigned int flags,
			uint32_t mode, struct vfs_path *p, bool *created)
{
	unsigned int wf = (flags & O_NOFOLLOW) ? 0 : WALK_FOLLOW;
	int err;

	if (flags & O_DIRECTORY)
		wf |= WALK_DIRECTORY;
	if (flags & O_CREAT) {
		err = open_create(cwd, path, flags, mode, p, created);
		if (err <= 0)
			return err;
		/* An existing symlink: follow it, creating a missing target. */
		err = vfs_walk(cwd, path, wf | WALK_FOLLOW | WALK_NEGATIVE, p);
		if (err || dentry_inode(p->dentry))
			return err;
		err = open_create_target(p, mode, created);
		if (err)
			vfs_path_put(p);
		return err;
	}
	return vfs_walk(cwd, path, wf, p);
}

/* Refusals for what was found. */
static int open_check(struct inode *inode, unsigned int flags)
{
	unsigned int acc = flags & O_ACCMODE;

	if (S_ISLNK(inode->mode))
		return -ELOOP; // O_NOFOLLOW on a symlink
	if ((flags & O_DIRECTORY) && !inode_is_dir(inode))
		return -ENOTDIR;
	if (inode_is_dir(inode) && (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC))))
		return -EISDIR;
	if (acc == O_ACCMODE)
		return -EINVAL;
	return 0;
}

int vfs_open(const struct vfs_path *cwd, const char *path, unsigned int flags, uint32_t mode,
	     struct file **out)
{
	struct vfs_path p;
	struct inode *inode;
	bool created = false;
	int err = open_resolve(cwd, path, flags, mode, &p, &created);

	if (err)
		return err;
	inode = dentry_inode(p.dentry);
	err = open_check(inode, flags);
	if (!err && (flags & O_TRUNC) && !created && S_ISREG(inode->mode)) {
		struct vfs_attr a = { .mask = VFS_ATTR_SIZE, .size = 0 };

		err = vfs_setattr_inode(inode, &a);
	}
	if (!err)
		err = file_open_path(&p, flags, out);
	vfs_path_put(&p);
	return err;
}

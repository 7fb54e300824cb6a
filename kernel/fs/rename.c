/*
 * rename(2). Every rename on a filesystem holds its superblock's
 * rename_mutex (Linux's s_vfs_rename_mutex): while it is held no
 * directory changes parent, so "is the source an ancestor of the
 * target?" stays true while the two parent directories are locked, and
 * the two can be locked ancestor first (else by address) without
 * deadlocking against another rename. Then the source and victim inodes,
 * by address. The errno rules follow Linux's do_renameat2.
 */
#include "fs/vfs.h"

#include "fs/vfs_internal.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"

/* Both ends of a rename. */
struct rename_req {
	struct vfs_path op, np;	    // the parents, referenced
	struct walk_last ol, nl;    // the last names
	struct inode *odir, *ndir;  // locked once resolved
	struct dentry *oldd, *newd; // referenced
	struct inode *src, *victim; // victim may be NULL
	unsigned int flags;	    // VFS_RENAME_*
};

static void lock_two_dirs(struct rename_req *r)
{
	struct inode *first = r->odir, *second = r->ndir;

	if (first == second) {
		mutex_lock(&first->lock);
		return;
	}
	if (dentry_is_ancestor(r->np.dentry, r->op.dentry) ||
	    (!dentry_is_ancestor(r->op.dentry, r->np.dentry) && second < first)) {
		first = r->ndir;
		second = r->odir;
	}
	mutex_lock(&first->lock);
	mutex_lock(&second->lock);
}

static void unlock_two_dirs(struct rename_req *r)
{
	if (r->odir != r->ndir)
		mutex_unlock(&r->ndir->lock);
	mutex_unlock(&r->odir->lock);
}

/* Linux's type and tree rules, with everything locked but the inodes. */
static int rename_check(struct rename_req *r)
{
	bool sdir;

	r->src = dentry_inode(r->oldd);
	r->victim = dentry_inode(r->newd);
	if (!r->src)
		return -ENOENT;
	if ((r->flags & VFS_RENAME_NOREPLACE) && r->victim)
		return -EEXIST;
	sdir = inode_is_dir(r->src);
	if (!sdir && (r->ol.must_dir || r->nl.must_dir))
		return -ENOTDIR;
	if (r->src == r->victim)
		return 1; // the same file: nothing to do
	if (sdir && dentry_is_ancestor(r->oldd, r->np.dentry))
		return -EINVAL; // into its own subtree
	if (r->victim) {
		bool vdir = inode_is_dir(r->victim);

		if (sdir && !vdir)
			return -ENOTDIR;
		if (!sdir && vdir)
			return -EISDIR;
		if (vdir && dentry_is_ancestor(r->newd, r->op.dentry))
			return -ENOTEMPTY; // it contains the source
	}
	if (dentry_is_mountpoint(r->oldd) || dentry_is_mountpoint(r->newd))
		return -EBUSY;
	if (r->ndir->dead)
		return -ENOENT;
	return 0;
}

static void lock_src_victim(struct rename_req *r)
{
	struct inode *a = r->src, *b = r->victim;

	if (b && b < a) {
		a = b;
		b = r->src;
	}
	mutex_lock(&a->lock);
	if (b)
		mutex_lock(&b->lock);
}

static void unlock_src_victim(struct rename_req *r)
{
	mutex_unlock(&r->src->lock);
	if (r->victim)
		mutex_unlock(&r->victim->lock);
}

/* The filesystem's part and the cache's, with the directories locked. */
static int rename_locked(struct rename_req *r)
{
	int err = rename_check(r);
	char *nbuf;

	if (err)
		return err > 0 ? 0 : err;
	nbuf = dentry_name_buf(r->nl.len); // before anything changes
	if (!nbuf && dentry_name_needs_buf(r->nl.len))
		return -ENOMEM;
	lock_src_victim(r);
	err = r->odir->iops->rename(r->odir, r->ol.name, r->ol.len, r->src, r->ndir, r->nl.name,
				    r->nl.len, r->victim);
	if (!err) {
		if (r->victim && inode_is_dir(r->victim))
			r->victim->dead = true;
		if (r->victim)
			inode_touch_locked(r->victim, 0);
		inode_touch_locked(r->src, 0);
		inode_touch_locked(r->odir, VFS_ATTR_MTIME);
		inode_touch_locked(r->ndir, VFS_ATTR_MTIME);
	}
	unlock_src_victim(r); // dentry_move may drop the victim's last reference
	if (!err)
		dentry_move(r->oldd, r->np.dentry, r->nl.name, r->nl.len, nbuf);
	else
		kfree(nbuf);
	return err;
}

static int rename_lookup_locked(struct rename_req *r)
{
	int err;

	err = dcache_lookup_locked(r->op.dentry, r->ol.name, r->ol.len, &r->oldd);
	if (err)
		return err;
	err = dcache_lookup_locked(r->np.dentry, r->nl.name, r->nl.len, &r->newd);
	if (err)
		return err;
	return rename_locked(r);
}

static int rename_resolved(struct rename_req *r)
{
	struct super_block *sb = r->op.mnt->sb;
	int err;

	if (!r->ol.len || r->ol.is_dot || !r->nl.len || r->nl.is_dot)
		return -EBUSY;
	if (r->op.mnt != r->np.mnt)
		return -EXDEV;
	r->odir = dentry_inode(r->op.dentry);
	r->ndir = dentry_inode(r->np.dentry);
	mutex_lock(&sb->rename_mutex);
	lock_two_dirs(r);
	err = rename_lookup_locked(r);
	unlock_two_dirs(r);
	mutex_unlock(&sb->rename_mutex);
	return err;
}

int vfs_renameat(const struct vfs_path *ocwd, const char *oldpath, const struct vfs_path *ncwd,
		 const char *newpath, unsigned int flags)
{
	struct rename_req *r;
	int err;

	if (flags & ~VFS_RENAME_NOREPLACE)
		return -EINVAL;
	r = kzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->flags = flags;
	err = vfs_walk_parent(ocwd, oldpath, &r->op, &r->ol);
	if (err)
		goto out_free;
	err = vfs_walk_parent(ncwd, newpath, &r->np, &r->nl);
	if (err)
		goto out_put_old;
	err = rename_resolved(r);
	dentry_put(r->oldd);
	dentry_put(r->newd);
	vfs_path_put(&r->np);
out_put_old:
	vfs_path_put(&r->op);
out_free:
	kfree(r);
	return err;
}

int vfs_rename(const struct vfs_path *cwd, const char *oldpath, const char *newpath)
{
	return vfs_renameat(cwd, oldpath, cwd, newpath, 0);
}

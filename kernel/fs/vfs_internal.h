/*
 * Helpers shared by the VFS operation files (ops.c, open.c, attr.c,
 * rename.c); nothing outside kernel/fs includes this.
 */
#pragma once

#include "fs/dcache.h"
#include "fs/inode.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "include/compiler.h"

/* A directory entry being changed: its parent, locked, and the child. */
struct vfs_nd {
	struct vfs_path parent; // referenced
	struct inode *dir;	// parent's inode, locked
	struct dentry *child;	// referenced; may be negative
	struct walk_last last;
};

/*
 * Resolve @path's parent, lock it and look up the last name. A path whose
 * last component is not a plain name ("/", ".", "..") fails with
 * @dot_err. Returns 0 (undo with nd_unlock) or -errno (nothing held).
 */
int nd_lock_last(const struct vfs_path *cwd, const char *path, int dot_err, struct vfs_nd *nd)
	__must_check;
void nd_unlock(struct vfs_nd *nd);

/* Create @name in the locked nd->dir with @mode (type included), and make
 * nd->child positive. */
int nd_create(struct vfs_nd *nd, uint32_t mode, const char *target, size_t tlen) __must_check;

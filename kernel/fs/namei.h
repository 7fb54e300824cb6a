/*
 * Path resolution: turn a path string into a (mount, dentry) place,
 * relative to a start directory (a working directory) or the root. The
 * lexical part (limits, components, repeated slashes, trailing slashes)
 * is lib/path's; this file gives "." and ".." their meaning, crosses
 * mount points both ways and follows symlinks (VFS_SYMLINK_MAX in all,
 * then -ELOOP).
 *
 * Locking: takes each directory's inode lock only inside dcache_lookup
 * and to read a symlink, one at a time; holds no lock on return.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fs/mount.h"
#include "include/compiler.h"

#define VFS_SYMLINK_MAX 40 // Linux MAXSYMLINKS

enum walk_flags {
	WALK_FOLLOW = 1 << 0,	 // follow a symlink in the last component
	WALK_DIRECTORY = 1 << 1, // the result must be a directory
	WALK_NEGATIVE = 1 << 2,	 // a missing last component is not an error
};

/*
 * Resolve @path from @start (NULL: the root; ignored for absolute paths).
 * On success returns 0 with a referenced place in *@out; with
 * WALK_NEGATIVE the last dentry may be negative. Errors: -ENOENT,
 * -ENOTDIR, -ENAMETOOLONG, -ELOOP, -ENOMEM, or the filesystem's. May
 * sleep.
 */
int vfs_walk(const struct vfs_path *start, const char *path, unsigned int flags,
	     struct vfs_path *out) __must_check;

/* The last component of a path, as vfs_walk_parent found it. */
struct walk_last {
	char name[256]; // NUL-terminated copy (at most PATH_NAME_MAX bytes)
	size_t len;	// 0 when the path names the root ("/")
	bool must_dir;	// a slash followed it
	bool is_dot;	// "." or ".."
};

/*
 * Resolve all but the last component of @path into *@parent (referenced,
 * a directory), and describe the last one in *@last (allocate it: it is
 * 270 bytes). Returns 0, or the errors of vfs_walk and -ENAMETOOLONG for
 * a last name over 255 bytes. May sleep.
 */
int vfs_walk_parent(const struct vfs_path *start, const char *path, struct vfs_path *parent,
		    struct walk_last *last) __must_check;

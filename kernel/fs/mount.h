/*
 * Mounts and filesystem types. A struct mount attaches a superblock's root
 * dentry on a directory (the mount point) of a parent mount; the root
 * mount has no parent. A place in the tree is a struct vfs_path, a (mount,
 * dentry) pair, both referenced. Mounts may nest and stack; the walk
 * crosses a mount point downwards (mount_follow) and ".." at a mounted
 * root upwards (mount_up).
 *
 * Locking: mount_lock (spinlock, LOCK_RANK_SUBSYS + 2) guards the mount
 * list, each mount's children count and each dentry's `mounted` count;
 * a mount's reference count is atomic, and is raised from the table only
 * under mount_lock, so umount's "nobody uses it" check is exact.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "include/atomic.h"
#include "include/compiler.h"
#include "include/list.h"

struct blkdev;
struct dentry;
struct super_block;

struct mount {
	/* Immutable after mount: */
	struct super_block *sb;
	struct dentry *root;	   // sb's root dentry (referenced)
	struct mount *parent;	   // NULL for the root mount (referenced)
	struct dentry *mountpoint; // in parent (referenced)
	char source[32];	   // "none", "vda", ...
	char opts[64];		   // the options as given ("" for none; cut to fit)
	/* Atomic: */
	atomic_t count; // the table's reference, paths, open files
	/* Protected by mount_lock: */
	struct list_head link; // the mount list
	unsigned int nr_children;
};

/* A place in the tree; both fields referenced by whoever holds it. */
struct vfs_path {
	struct mount *mnt;
	struct dentry *dentry;
};

/* A filesystem type. mount() builds a superblock from @source and the
 * comma-separated @opts (may be NULL); returns 0 or -errno. For a type
 * with requires_dev, @source names a block device (blkdev_find) that no
 * other mount uses (the VFS checks), and probe() (optional) says whether
 * @dev holds this type: it reads what it needs with blk_read, decides
 * from magic numbers and sane fields only, and never logs. May sleep. */
struct fs_type {
	const char *name;
	bool requires_dev; // mounts a block device (not "nodev" in /proc/filesystems)
	int (*mount)(const char *source, const char *opts, struct super_block **out);
	bool (*probe)(struct blkdev *dev);
};

/* Boot, once, before the first mount (from vfs_init). */
void mount_init(void);

/* Make @t mountable by name. Boot, before the first mount. */
void fs_type_register(const struct fs_type *t);

/* The registered type called @name, or NULL. */
const struct fs_type *fs_type_find(const char *name);

/* The @i-th registered type in registration order, NULL past the last
 * (for /proc/filesystems). */
const struct fs_type *fs_type_at(unsigned int i);

/* The first registered type whose probe() recognises @dev, or NULL (none
 * does, or the device cannot be read). May sleep. */
const struct fs_type *fs_type_probe(struct blkdev *dev);

/* Is the block device @source mounted (by a type that mounts devices)? */
bool mount_source_busy(const char *source);

/* Take/drop references on both halves of @p. */
void vfs_path_get(const struct vfs_path *p);
void vfs_path_put(struct vfs_path *p);

/* The root of the whole tree, referenced into *@out. */
void vfs_root(struct vfs_path *out);

/* Mount a fresh filesystem of type @type as the root of the tree (boot,
 * once). Returns 0 or -errno. */
int vfs_mount_root(const char *type, const char *opts) __must_check;

/* Make a new @type filesystem from @source (NULL or "auto": probed) the
 * root of the tree, for root=vdX at boot, before anything but the boot
 * mounts exists. The old root and what is mounted on it stay mounted
 * but out of reach. Returns 0 or as vfs_mount_at(). */
int vfs_switch_root(const char *type, const char *source, const char *opts) __must_check;

/*
 * Mount a new @type filesystem from @source on the directory @at (a
 * resolved path the caller keeps). @type NULL (or "auto") detects the
 * type of the block device @source with fs_type_probe(). Returns 0,
 * -ENODEV (no such type), -ENXIO (no such block device), -EINVAL (auto:
 * no type recognises the device), -EBUSY (the device is mounted already),
 * -ENOTDIR, -ENOENT (the directory was removed) or the filesystem's error.
 * May sleep.
 */
int vfs_mount_at(const struct vfs_path *at, const char *type, const char *source, const char *opts)
	__must_check;

/*
 * Unmount the filesystem whose root is @at (which the caller passes in
 * with its references; they are dropped either way). Returns 0, -EINVAL
 * (@at is not a mount's root, or it is the root of the tree) or -EBUSY
 * (open files, working directories or mounts below it). May sleep.
 */
int vfs_umount(struct vfs_path *at) __must_check;

/*
 * The fast path walk's view of the mount table (fs/namei.c), with the
 * dcache's walk lock held (dcache_walk_lock(), a spinlock: no sleeping):
 * the mount list and `mounted` counts only change, and umount only
 * decides, with it held too. mount_walk_root() gives the root of the
 * tree and mount_walk_cross() the topmost place mounted on @p (or @p
 * itself), neither referenced; vfs_path_get_walk() references a place so
 * found.
 */
void mount_walk_root(struct vfs_path *out);
void mount_walk_cross(struct vfs_path *p);
void vfs_path_get_walk(const struct vfs_path *p);

/*
 * Shutdown: unmount every mount that nothing uses, newest first (so a
 * mount's children go before it), each filesystem syncing and marking
 * itself clean as at umount. Busy mounts and the root stay (sync them).
 * Returns how many were unmounted. May sleep.
 */
unsigned int vfs_umount_all(void);

/* If a filesystem is mounted on @p, move @p to the top mount's root (the
 * references move with it). */
void mount_follow(struct vfs_path *p);

/* ".." from @p: climbs out of mounted roots, then to the parent dentry;
 * stays put at @root. */
void mount_up(struct vfs_path *p, const struct vfs_path *root);

/* Call @fn for each mount in mount order (for `mount` listings); stops at
 * the first nonzero return. @fn runs under mount_lock: it must not sleep. */
int mount_for_each(int (*fn)(const struct mount *m, void *arg), void *arg);

/* Iterate over the mounts in mount order, each referenced in turn: the
 * first for @prev NULL, else the one after @prev, whose reference is
 * dropped; NULL after the last. A referenced mount cannot be unmounted,
 * so @prev is still on the list. May be held across sleeping calls. */
struct mount *mount_next(struct mount *prev);

/* Is a filesystem mounted on @d (rmdir and rename refuse with -EBUSY)? */
bool dentry_is_mountpoint(struct dentry *d);

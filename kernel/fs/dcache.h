/*
 * The dentry cache: name -> inode edges under a parent dentry, hashed with
 * lib/namehash on (parent, name). A dentry is positive (it has an inode)
 * or negative (the name is known not to exist); a negative dentry becomes
 * positive when the name is created, and a positive one never becomes
 * negative: unlink, rmdir and a replacing rename unhash it instead, so
 * whoever still holds it keeps a valid inode. Unused hashed dentries stay
 * cached until umount (there is no shrinker yet).
 *
 * Locking: dcache_lock (spinlock, LOCK_RANK_SUBSYS + 4) guards the hash
 * table, every dentry's count, parent, name, children and inode pointer.
 * New names are hashed only with the parent directory's inode lock held,
 * so a lookup that misses can take that lock, look again and ask the
 * filesystem without racing another insert.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"
#include "include/list.h"
#include "lib/namehash.h"

struct inode;
struct super_block;

#define DENTRY_INLINE_NAME 40

struct dentry {
	/* Immutable after allocation: */
	struct super_block *sb;
	/* Protected by dcache_lock: */
	struct namehash_node hnode; // on the table while the name is live
	int64_t count;		    // references (children hold their parent); atomic, see dcache.c
	struct dentry *parent;	    // itself for a filesystem's root
	struct inode *inode;	    // NULL: negative; set once, holds a reference
	char *name;		    // inline_name or kmalloc'd, not NUL-terminated
	size_t len;
	struct list_head children; // child dentries (child_link)
	struct list_head child_link;
	struct list_head sb_link; // every dentry of the superblock
	struct list_head lru;	  // on the unused list while hashed with count 0
	unsigned int mounted;	  // mounts on this dentry (mount_lock)
	char inline_name[DENTRY_INLINE_NAME];
};

/* Set up the hash table. Boot, once, before any mount. */
void dcache_init(void);

/* A root dentry for @root (whose reference it takes over). NULL when memory
 * runs out. */
struct dentry *dentry_alloc_root(struct super_block *sb, struct inode *root);

/* Take another reference to @d (the caller holds one). */
void dentry_get(struct dentry *d);

/* Drop a reference; an unhashed dentry's last one frees it (and drops its
 * parent and inode). NULL is ignored. May sleep. */
void dentry_put(struct dentry *d);

/* The inode of @d, NULL for a negative dentry. A positive dentry never
 * turns negative, so the answer stays valid while @d is held. */
struct inode *dentry_inode(const struct dentry *d);

/*
 * Find @name (@len bytes, not "." or "..") under the directory @dir, asking
 * the filesystem on a cache miss. Returns 0 with a referenced dentry in
 * *@out (possibly negative), -ENOTDIR, -ENOMEM or the filesystem's error.
 * The _locked form is for callers holding @dir's inode lock. May sleep.
 */
int dcache_lookup(struct dentry *dir, const char *name, size_t len, struct dentry **out)
	__must_check;
int dcache_lookup_locked(struct dentry *dir, const char *name, size_t len, struct dentry **out)
	__must_check;

/*
 * The fast path walk's view of the cache (fs/namei.c): between
 * dcache_walk_lock() and dcache_walk_unlock() (a spinlock: no sleeping),
 * dcache_walk_child() gives @dir's cached positive child @name without a
 * reference, or NULL when that needs the slow path (not cached, negative,
 * or on a filesystem that revalidates its names); dentry_get_walk() takes
 * a reference on a dentry so found. The mount table's changes also take
 * it (inside mount_lock), so mount crossings are stable under it too.
 */
void dcache_walk_lock(void);
void dcache_walk_unlock(void);
struct dentry *dcache_walk_child(struct dentry *dir, const char *name, size_t len);
void dentry_get_walk(struct dentry *d);

/* Is @d's name live (hashed)? Stable while its parent's inode lock is
 * held. */
bool dentry_is_hashed(struct dentry *d);

/* Copy @d's name into @buf (PATH_NAME_MAX + 1 bytes), NUL-terminated;
 * returns its length. */
size_t dentry_copy_name(struct dentry *d, char *buf);

/* The parent of @d, referenced (@d itself at a filesystem root). */
struct dentry *dentry_parent(struct dentry *d);

/* Make the negative @d positive with @inode (whose reference it takes).
 * Parent's inode lock held. */
void dentry_instantiate(struct dentry *d, struct inode *inode);

/* Unhash @d (its name is gone) and drop its unused negative children.
 * Parent's inode lock held. */
void dentry_drop(struct dentry *d);

/* A name buffer for dentry_move() of a @len-byte name: NULL when the name
 * fits inline (or when memory ran out: check dentry_name_needs_buf). */
bool dentry_name_needs_buf(size_t len);
char *dentry_name_buf(size_t len);

/* Rename: give @d the parent @np and name @name, unhashing whatever else
 * was cached under that name. @buf is dentry_name_buf(@len)'s (taken
 * over). Rename mutex and both parents' locks held. Cannot fail. */
void dentry_move(struct dentry *d, struct dentry *np, const char *name, size_t len, char *buf);

/* Is @a @d or one of its ancestors (on the same filesystem)? Rename mutex
 * held, so the answer stays true. */
bool dentry_is_ancestor(struct dentry *a, struct dentry *d);

/* Umount: free every dentry of @sb without touching their inodes (the
 * caller evicts those next). Nothing may use @sb any more. */
void dcache_shrink_sb(struct super_block *sb);

/* Unused cached names kept (each a dentry, and often an inode, a few
 * hundred bytes in all); past it the oldest unused ones are freed,
 * DCACHE_SHRINK_BATCH at a time, so lookups of ever new missing names
 * cannot eat the heap. */
#define DCACHE_UNUSED_MAX 32768
#define DCACHE_SHRINK_BATCH 64

/* Number of dentries in memory, and of those the unused cached ones
 * (tests, /proc). */
uint64_t dcache_count(void);
uint64_t dcache_count_unused(void);

/* Free up to @max unused cached dentries, least recently used first
 * (their names are looked up again from the filesystem when next used).
 * Returns how many went. The cache also calls it itself once it holds
 * more than DCACHE_UNUSED_MAX unused names. May sleep. */
size_t dcache_shrink(size_t max);

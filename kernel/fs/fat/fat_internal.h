/*
 * FAT's private objects, shared by super.c (mount, FSInfo, dirty bit),
 * fatio.c (FAT entries, allocation, cluster maps), inode.c (the inode
 * table and short-entry write-back), dir.c (scanning and changing
 * directories), namei.c (create, unlink, rmdir, rename) and file.c
 * (data). Nothing outside fs/fat includes this.
 *
 * Locking: fat_sb.fat_lock (a mutex, taken last, after any inode lock)
 * guards the FAT, the free count and the next-free hint; itable_lock (a
 * spinlock, LOCK_RANK_SUBSYS + 9, a leaf) guards the inode table. A
 * directory's entries belong to its inode's lock; a file's cluster map,
 * size and short entry to the file's inode lock (the short entry lives
 * in its parent directory, but no directory operation touches another
 * entry's 32 bytes, and every block is held exclusively while changed).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/block/bcache.h"
#include "fs/fat/bpb.h"
#include "fs/fat/dirent.h"
#include "fs/fat/fatent.h"
#include "fs/inode.h"
#include "include/list.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"

struct dentry;

#define FAT_ROOT_INO 1
#define FAT_ITABLE_BUCKETS 256
#define FAT_DIRECT_MAX (1u << 20) // the longest run one read request covers
#define FAT_UNIQ_INO (1ull << 40) // numbers for inodes whose slot number is taken

struct fat_sb {
	struct super_block sb;
	/* Immutable after mount: */
	struct blkdev *dev;
	struct bcache *bc;
	struct fat_geom g;
	uint32_t bsize; // buffer-cache block size (divides every region)
	bool ro;
	char name[16]; // the device, for log lines
	/* Long reads' bounce buffer (file.c), protected by bounce_lock: */
	struct mutex bounce_lock;
	uint8_t *bounce; // FAT_DIRECT_MAX bytes, or NULL: reads use the cache
	/* Protected by fat_lock: */
	struct mutex fat_lock;
	uint32_t free_count;
	uint32_t next_free;
	/* Protected by itable_lock: */
	struct spinlock itable_lock;
	struct list_head itable[FAT_ITABLE_BUCKETS]; // fat_inode by slot
	uint64_t next_uniq;
	bool renamed; // some inode's number is no longer its slot
};

/* Per-inode data (inode->fs_private). */
struct fat_inode {
	struct inode *inode;
	/* Protected by the fs's itable_lock: */
	struct list_head hlink;
	uint64_t slot; // device offset / 32 of the short entry; 0: root or unlinked
	/* Protected by the inode's lock (and, for the parent fields, by the
	 * rename mutex and both directory locks when they change): */
	uint64_t dir_off;      // short entry's byte offset in the parent
	uint64_t slots_off;    // the first slot of the name (long or short)
	uint32_t parent_first; // the parent's first cluster (0: FAT12/16 root)
	uint64_t parent_ino;
	uint32_t first;	      // first cluster, 0 for none
	uint32_t nr_clusters; // clusters in the chain (files and directories)
	uint8_t attr;
	uint32_t hint_idx, hint_clus; // the last cluster mapped (0: none)
	uint64_t dir_end;	      // directories: the end marker's offset, if end_known
	bool end_known;
	/* Directories: a counted set of the hashes of every name (long and
	 * short) in it, so a lookup of a missing name needs no scan; built by
	 * one scan, kept by add and remove, dropped on any doubt. */
	uint32_t *nkeys, *ncounts;
	uint32_t ncap, nused;
	bool nvalid;
	char *name; // the current name (revalidate)
	size_t len;
};

static inline struct fat_sb *fat_sb_of(struct super_block *sb)
{
	return container_of(sb, struct fat_sb, sb);
}

static inline struct fat_inode *fat_i(struct inode *inode)
{
	return inode->fs_private;
}

/* Is @fi the fixed FAT12/16 root directory? */
static inline bool fat_is_fixed_root(const struct fat_sb *fs, const struct fat_inode *fi)
{
	return fs->g.type != FAT32 && fi->inode->ino == FAT_ROOT_INO;
}

/* Log a corruption (naming cluster or entry) and return -EUCLEAN. */
int fat_corrupt(struct fat_sb *fs, const char *what, uint64_t where);

/* fatio.c: block access by device byte offset. */
int fat_bread(struct fat_sb *fs, uint64_t byte, struct buf **b, uint32_t *in) __must_check;
uint64_t fat_cluster_byte(const struct fat_sb *fs, uint32_t cl);

/* fatio.c: FAT entries. fat_lock held. */
int fat_get(struct fat_sb *fs, uint32_t cl, uint32_t *val) __must_check;
int fat_set(struct fat_sb *fs, uint32_t cl, uint32_t val) __must_check;
/* Count the free clusters (mount). */
int fat_count_free(struct fat_sb *fs) __must_check;

/* fatio.c: the cluster at index @idx of @fi's chain into *@cl; with
 * @alloc, the chain is extended (new clusters zeroed when @zero).
 * -ENOSPC, -EUCLEAN (a bad chain, logged), -EIO, or -ENOENT (past the
 * end without @alloc). inode locked. */
int fat_map(struct fat_sb *fs, struct fat_inode *fi, uint32_t idx, bool alloc, bool zero,
	    uint32_t *cl) __must_check;
/* Cut @fi's chain to @keep clusters (0 frees all; first becomes 0). */
int fat_truncate_chain(struct fat_sb *fs, struct fat_inode *fi, uint32_t keep) __must_check;
/* Free the chain from @first (eviction of an unlinked inode). */
int fat_free_chain(struct fat_sb *fs, uint32_t first) __must_check;
/* How many clusters from @cl on (at most @max) follow each other on
 * disk in the chain: *@n >= 1; cl..cl+n-1 are linked in order. */
int fat_contig(struct fat_sb *fs, uint32_t cl, uint32_t max, uint32_t *n) __must_check;
/* Walk the chain from @first, counting its clusters into *@n. */
int fat_chain_len(struct fat_sb *fs, uint32_t first, uint32_t *n) __must_check;

/* inode.c */
int fat_iget(struct fat_sb *fs, struct inode *dir, const struct fat_dir_item *it, uint64_t slot,
	     struct inode **out) __must_check;
struct inode *fat_make_root(struct fat_sb *fs);
int fat_write_inode(struct inode *inode) __must_check;
void fat_itable_move(struct fat_sb *fs, struct fat_inode *fi, uint64_t slot);
struct inode *fat_itable_find(struct fat_sb *fs, uint64_t slot);
uint64_t fat_ino_for(struct fat_sb *fs, uint64_t slot);
int fat_set_name(struct fat_inode *fi, const char *name, size_t len) __must_check;
/* Is @fi's current name @name (case folded)? Any context but a spinlock. */
bool fat_name_is(struct fat_inode *fi, const char *name, size_t len);
void fat_evict(struct inode *inode);
void fat_fill_times(struct inode *inode, const struct fat_short *de);
void fat_stamp(struct fat_short *de, struct inode *inode, bool create);

/* dir.c */
struct fat_dir_scan {
	/* Called for each visible entry; nonzero stops the scan and is
	 * returned. @slot is the device slot of the short entry. */
	int (*item)(struct fat_dir_scan *s, const struct fat_dir_item *it, uint64_t slot);
	/* Optional: called for each raw 32-byte entry (free-slot search). */
	void (*raw)(struct fat_dir_scan *s, const uint8_t *ent, uint64_t off);
	struct fat_dir_item *it; // scratch, allocated by the caller
};
/* Scan @dir from byte @from. Returns 0 at the end (marker or chain end),
 * the callback's nonzero value, or -errno. *@end (may be NULL) gets the
 * offset where the scan stopped (the end marker, or the size). */
int fat_dir_scan(struct fat_sb *fs, struct inode *dir, uint64_t from, struct fat_dir_scan *s,
		 uint64_t *end) __must_check;
/* Write the 32-byte @ent at byte @off of @dir (allocated already). */
int fat_dir_put(struct fat_sb *fs, struct inode *dir, uint64_t off, const uint8_t *ent,
		uint64_t *slot) __must_check;
/* Read the 32-byte entry at @off of @dir into @ent. */
int fat_dir_get(struct fat_sb *fs, struct inode *dir, uint64_t off, uint8_t *ent) __must_check;
/* Find @name in @dir: the item and its slot. -ENOENT. */
int fat_dir_find(struct fat_sb *fs, struct inode *dir, const char *name, size_t len,
		 struct fat_dir_item *it, uint64_t *slot) __must_check;
/* Add a name for short entry @de to @dir: generates the short name
 * (filling de->name and de->ntres), writes the slots. Returns the
 * offsets through @slots_off/@dir_off and the device slot. */
int fat_dir_add(struct fat_sb *fs, struct inode *dir, const char *name, size_t len,
		struct fat_short *de, uint64_t *slots_off, uint64_t *dir_off, uint64_t *slot)
	__must_check;
/* Mark the slots [@slots_off, @dir_off] of @dir free. */
int fat_dir_remove(struct fat_sb *fs, struct inode *dir, uint64_t slots_off, uint64_t dir_off)
	__must_check;
/* Is directory @dir empty (only "." and "..")? 1 yes, 0 no, or -errno. */
int fat_dir_is_empty(struct fat_sb *fs, struct inode *dir) __must_check;
/* Make the first cluster of a new directory: "." and "..". */
int fat_dir_init(struct fat_sb *fs, struct inode *dir, uint32_t parent_first,
		 const struct fat_short *self) __must_check;

/* dir.c: the lookup operation (namei.c puts it in fat_dir_iops). */
int fat_lookup_op(struct inode *dir, const char *name, size_t len, struct inode **out);
/* namei.c: the dentry check (super.c puts it in the super_ops). */
bool fat_revalidate(struct dentry *d);

/* nameset.c (directory inode locked) */
void fat_nset_add(struct fat_inode *fi, const char *name, size_t len);
void fat_nset_del(struct fat_inode *fi, const char *name, size_t len);
bool fat_nset_may_have(const struct fat_inode *fi, const char *name, size_t len);
void fat_nset_free(struct fat_inode *fi);

extern const struct inode_ops fat_dir_iops;
extern const struct inode_ops fat_file_iops;
extern const struct file_ops fat_dir_fops;
extern const struct file_ops fat_file_fops;

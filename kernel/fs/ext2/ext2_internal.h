/*
 * ext2's private objects, shared by super.c (mount, statfs, sync),
 * alloc.c (bitmaps and counts), inode.c (inode I/O, the block map,
 * truncation), dir.c (names) and file.c (data). Nothing outside fs/ext2
 * includes this.
 *
 * Locking (doc/locking.md): the VFS inode lock guards an inode's fields
 * and its ext2_inode (block map included); alloc_lock (mutex) guards the
 * bitmaps, group descriptors and the superblock's counts; icache_lock
 * (mutex) the inode-number table. Order: inode locks, then icache_lock
 * or alloc_lock, then buffer locks (an indirect block before a descriptor block,
 * that before its bitmap, that before the superblock's).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "drivers/block/bcache.h"
#include "fs/ext2/ext2_layout.h"
#include "fs/ext2/sbcheck.h"
#include "fs/inode.h"
#include "include/atomic.h"
#include "include/list.h"
#include "sync/mutex.h"

#define EXT2_IHASH 256

struct ext2_sb {
	struct super_block sb;
	/* Immutable after mount: */
	struct blkdev *dev;
	struct bcache *bc;
	struct ext2_geom g;
	bool ro;	   // read-only (unknown ro_compat features, errors, or asked)
	bool was_valid;	   // s_state had EXT2_VALID_FS at mount
	uint32_t sb_block; // block holding the superblock
	uint32_t sb_off;   // its offset in that block
	struct mutex alloc_lock;
	/* Protected by alloc_lock: */
	uint32_t dir_rotor; // where the next directory's group search starts
	struct mutex icache_lock;
	/* Protected by icache_lock: */
	struct list_head ihash[EXT2_IHASH];
	/* Atomic: data written at a generation <= clean_gen is on the disk. */
	atomic_t sync_gen, clean_gen;
};

/* Per-inode data (inode->fs_private); protected by the VFS inode lock. */
struct ext2_inode {
	struct ext2_disk_inode raw; // i_block, flags and the rest as on disk
	uint32_t goal;		    // last block allocated: the next goes after it
	uint64_t dir_hint;	    // directories: the block the last entry went into
	uint64_t dirty_gen;	    // es->sync_gen when data was last written (0: never)
	struct inode *vfs;	    // the inode this belongs to
	struct list_head hlink;	    // on ihash (icache_lock)
	bool hashed;		    // (icache_lock)
};

static inline struct ext2_sb *ext2_sb_of(struct super_block *sb)
{
	return container_of(sb, struct ext2_sb, sb);
}

static inline struct ext2_inode *ext2_i(struct inode *inode)
{
	return inode->fs_private;
}

static inline uint32_t ext2_bs(const struct ext2_sb *es)
{
	return es->g.block_size;
}

/* super.c: the superblock's buffer (held) and its bytes in it. */
int ext2_super_get(struct ext2_sb *es, struct buf **b, struct ext2_super **sup) __must_check;
/* Corruption was found (and logged): mark the filesystem as having
 * errors in s_state, as Linux does, so the next mount is read-only until
 * e2fsck has run. No buffer of this disk may be held. */
void ext2_mark_errors(struct ext2_sb *es);

/* alloc.c. May sleep; take alloc_lock themselves. */
int ext2_alloc_block(struct ext2_sb *es, uint32_t goal, uint32_t *out) __must_check;
void ext2_free_block(struct ext2_sb *es, uint32_t block);
int ext2_alloc_inode(struct ext2_sb *es, uint32_t near_group, bool dir, uint32_t *out) __must_check;
void ext2_free_inode(struct ext2_sb *es, uint32_t ino, bool dir);
/* Group @group's descriptor: its buffer (held) and the entry in it. */
int ext2_gd_get(struct ext2_sb *es, uint32_t group, struct buf **b, struct ext2_group_desc **gd)
	__must_check;
/* Is @block a valid data block number? */
static inline bool ext2_block_ok(const struct ext2_sb *es, uint32_t block)
{
	return block >= es->g.first_data_block && block < es->g.blocks_count;
}

/* inode.c */
/* The inode @ino (referenced); -EUCLEAN for a bad number or a corrupt
 * inode, -EIO, -ENOMEM. */
int ext2_iget(struct ext2_sb *es, uint32_t ino, struct inode **out) __must_check;
/* A new inode of @mode near @dir, on disk and in memory, nlink 0. */
int ext2_inode_new(struct inode *dir, uint32_t mode, struct inode **out) __must_check;
/* Write @inode's fields to its inode-table block (buffer dirtied). */
int ext2_inode_write(struct inode *inode) __must_check;
/* ext2_inode_write() where the caller cannot undo anything: a failure
 * is logged (the buffer cache keeps retrying what it has). */
void ext2_inode_save(struct inode *inode);
/* Physical block of logical @lblock: 0 for a hole; with @create a hole
 * is filled (*@fresh set: the block's contents are undefined). */
int ext2_bmap(struct inode *inode, uint64_t lblock, bool create, uint32_t *pblock, bool *fresh)
	__must_check;
/* The run of blocks mapped contiguously on the disk from logical
 * @lblock, at most @max, within one indirect block: *@count (0 for a
 * hole or a bad pointer) from physical *@pblock. inode locked. */
int ext2_bmap_run(struct inode *inode, uint64_t lblock, uint32_t max, uint32_t *pblock,
		  uint32_t *count) __must_check;
/* Free every block of @inode at logical block >= @first. */
void ext2_truncate_blocks(struct inode *inode, uint64_t first);
/* Write every in-memory inode back (sync). */
void ext2_write_all_inodes(struct ext2_sb *es);
/* Write the cache back for this disk and record that data written
 * before is now on it (file.c's uncached reads rely on that). */
int ext2_sync_cache(struct ext2_sb *es) __must_check;
/* Note that @inode's data was just written through the cache. */
static inline void ext2_data_dirtied(struct inode *inode)
{
	ext2_i(inode)->dirty_gen = (uint64_t)atomic_read(&ext2_sb_of(inode->sb)->sync_gen);
}
void ext2_evict(struct inode *inode);

/* file.c: inode_ops setattr for every type (size changes: files only). */
int ext2_setattr(struct inode *inode, const struct vfs_attr *a) __must_check;

/* Is @inode a fast symlink (target in i_block)? inode locked. */
bool ext2_is_fast_symlink(struct inode *inode);

/* The file type of an inode mode for a directory entry. */
uint8_t ext2_ftype_of_mode(uint32_t mode);

extern const struct inode_ops ext2_dir_iops;
extern const struct inode_ops ext2_file_iops;
extern const struct inode_ops ext2_link_iops;
extern const struct file_ops ext2_dir_fops;
extern const struct file_ops ext2_file_fops;

/*
 * tmpfs's private objects, shared by super.c (mount, accounting,
 * eviction), dir.c (names) and data.c (file pages). Nothing outside
 * fs/tmpfs includes this.
 *
 * Locking: a tmpfs_sb's lock (spinlock, LOCK_RANK_SUBSYS + 8) guards its
 * page count, inode numbers and the name hash table; a directory's entry
 * list and a file's page tables belong to the owning VFS inode's lock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/inode.h"
#include "include/list.h"
#include "lib/namehash.h"
#include "sync/spinlock.h"

#define TMPFS_PAGE 4096
#define TMPFS_FANOUT 512 // slots per page table
#define TMPFS_FANOUT_SHIFT 9
#define TMPFS_MAX_HEIGHT 4
#define TMPFS_BOGO_DIRENT 20 // a directory's st_size per entry, as Linux

struct tmpfs_sb {
	struct super_block sb;
	struct spinlock lock;
	/* Immutable after mount: */
	uint64_t max_pages;
	/* Protected by lock: */
	uint64_t used_pages;
	uint64_t next_ino;
	struct namehash_table names; // every directory entry, by (dir, name)
};

/* A name in a directory. */
struct tmpfs_dirent {
	struct namehash_node hnode; // on names (tmpfs_sb lock)
	/* Protected by the directory inode's lock: */
	struct list_head link; // the directory's entries, by cookie
	struct inode *dir;
	struct inode *inode; // no reference: a link (nlink) keeps it
	uint64_t cookie;     // readdir position, increasing
	size_t len;
	char name[];
};

/* Per-inode data (inode->fs_private). Protected by the inode's lock. */
struct tmpfs_inode {
	/* Directories: */
	struct list_head entries;
	uint64_t next_cookie;
	uint64_t nr_entries;
	struct inode *parent; // for ".."; changes under the rename mutex
	/* Regular files: */
	void *root; // a data page (height 0: a pmm frame's direct-map address,
		    // tmpfs holding one reference) or a kmalloc'd table of TMPFS_FANOUT slots
	int height;
	uint64_t nr_pages; // data pages
	/* Symlinks: */
	char *target;
};

static inline struct tmpfs_sb *tmpfs_sb_of(struct super_block *sb)
{
	return container_of(sb, struct tmpfs_sb, sb);
}

static inline struct tmpfs_inode *tmpfs_i(struct inode *inode)
{
	return inode->fs_private;
}

/* Charge (uncharge) @n pages; charging fails past the size limit. */
bool tmpfs_charge(struct tmpfs_sb *ts, uint64_t n) __must_check;
void tmpfs_uncharge(struct tmpfs_sb *ts, uint64_t n);

/* A new inode with private data; nlink 0. NULL on -ENOMEM. */
struct inode *tmpfs_new_inode(struct tmpfs_sb *ts, uint32_t mode);

extern const struct inode_ops tmpfs_dir_iops;
extern const struct inode_ops tmpfs_file_iops;
extern const struct inode_ops tmpfs_link_iops;
extern const struct file_ops tmpfs_dir_fops;
extern const struct file_ops tmpfs_file_fops;

/* data.c: free every page of a file (eviction). inode locked or unused. */
void tmpfs_data_free(struct inode *inode);
/* dir.c: free every entry of a directory (umount). */
void tmpfs_dir_free(struct inode *inode);

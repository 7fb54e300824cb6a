/*
 * devfs's private objects, shared by super.c (mount, names), chr.c (the
 * memory devices, console and kmsg), random.c (the ChaCha20 generator) and
 * blk.c (disks). Nothing outside fs/devfs includes this.
 *
 * Locking: a devfs_sb and its nodes are immutable after mount; the VFS
 * holds an inode's lock around every file operation; the generator has
 * its own mutex (random.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/block/blkdev.h"
#include "fs/devfs/devfs.h"
#include "fs/inode.h"

#define DEVFS_MAGIC 0x1373 // Linux's old devfs f_type
#define DEVFS_MAX_DISKS 26 // vda..vdz
#define DEVFS_MAX_NODES (8 + DEVFS_MAX_DISKS)
#define DEVFS_ROOT_INO 1

/* Linux's device numbers (Documentation/admin-guide/devices.txt). */
#define DEVFS_MEM_MAJOR 1
#define DEVFS_TTYAUX_MAJOR 5	// 5:1 is /dev/console
#define DEVFS_VIRTBLK_MAJOR 254 // virtblk's dynamic major as Linux usually picks it
#define DEVFS_VIRTBLK_MINORS 16 // minors per disk (partitions), as virtblk

/* st_rdev as glibc's makedev() packs it (Linux's new_encode_dev). */
static inline uint64_t devfs_makedev(uint32_t major, uint32_t minor)
{
	return ((uint64_t)(major & 0xfff) << 8) | (minor & 0xff) |
	       ((uint64_t)(minor & ~0xffu) << 12) | ((uint64_t)(major & ~0xfffu) << 32);
}

/* One device file. */
struct devfs_node {
	/* Immutable after mount: */
	char name[BLK_NAME_MAX];
	uint32_t mode; // S_IFCHR/S_IFBLK | permissions
	uint64_t rdev;
	const struct file_ops *fops;
	struct blkdev *blk;  // disks only
	uint32_t blk_size;   // disks: the buffer-cache block size used
	struct inode *inode; // one link (nlink 1) keeps it
};

struct devfs_sb {
	struct super_block sb;
	/* Immutable after mount: */
	size_t nr_nodes;
	struct devfs_node nodes[DEVFS_MAX_NODES];
};

static inline struct devfs_node *devfs_node_of(struct inode *inode)
{
	return inode->fs_private;
}

extern const struct file_ops devfs_null_fops;
extern const struct file_ops devfs_zero_fops;
extern const struct file_ops devfs_full_fops;
extern const struct file_ops devfs_console_fops;
extern const struct file_ops devfs_tty_fops; // 5:0, the controlling tty
extern const struct file_ops devfs_kmsg_fops;
extern const struct file_ops devfs_random_fops;
extern const struct file_ops devfs_blk_fops;

/* random.c: seed the generator (boot). May sleep. Its output is
 * devfs_random_fill() (fs/devfs/devfs.h). */
void devfs_random_init(void);

/* blk.c: the buffer-cache block size for @dev's device file. */
uint32_t devfs_blk_size_for(const struct blkdev *dev);

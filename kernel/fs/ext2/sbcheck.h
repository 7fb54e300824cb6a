/*
 * ext2 metadata checks: a superblock into the geometry the rest of the
 * driver uses, and the sanity of a group descriptor and an inode read
 * from a disk nobody vouches for. Pure: no I/O, no locks
 * (fs/ext2/sbcheck.c); the fuzz harness feeds it random bytes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "fs/ext2/ext2_layout.h"

/* What a mount needs from the superblock, checked. */
struct ext2_geom {
	uint32_t block_size, log_block_size;
	uint32_t blocks_count, first_data_block, blocks_per_group;
	uint32_t inodes_count, inodes_per_group, inode_size, first_ino;
	uint32_t groups;
	uint32_t gdt_block; // first block of the group descriptor table
	uint32_t gdt_blocks;
	uint32_t itable_blocks; // inode-table blocks per group
	uint32_t ptrs;		// block pointers per indirect block
	uint32_t rev;
	uint32_t incompat_unknown, ro_unknown; // feature bits this driver lacks
	bool filetype, large_file, sparse_super;
	int64_t max_file_size;
};

/*
 * Check the 1024-byte superblock @sb of a device of @dev_bytes bytes and
 * fill @g. Returns 0, -EINVAL (no ext2 magic: not ext2 at all) or
 * -EUCLEAN (ext2 but inconsistent) with a reason in *@why. Feature bits
 * are reported, not judged.
 */
int ext2_super_parse(const struct ext2_super *sb, uint64_t dev_bytes, struct ext2_geom *g,
		     const char **why);

/* Is group @group's descriptor sane: bitmaps and inode table inside the
 * filesystem, counts within the group's size? */
bool ext2_gd_is_sane(const struct ext2_group_desc *gd, uint32_t group, const struct ext2_geom *g);

/* Is the in-use inode @di sane enough to use (known type, block pointers
 * inside the filesystem, a directory's size a whole number of blocks)?
 * Returns 0 or -EUCLEAN with a reason in *@why. */
int ext2_inode_check(const struct ext2_disk_inode *di, const struct ext2_geom *g, const char **why);

/* The 64-bit size of @di (large_file for regular files). */
uint64_t ext2_inode_size(const struct ext2_disk_inode *di);

/* Is @di a fast symlink (the target in i_block, no data block)? */
bool ext2_inode_is_fast_symlink(const struct ext2_disk_inode *di, const struct ext2_geom *g);

/* Does group @group hold a superblock backup (sparse_super: groups 0, 1
 * and powers of 3, 5 and 7; otherwise every group)? */
bool ext2_group_has_super(uint32_t group, bool sparse_super);

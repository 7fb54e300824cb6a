/*
 * ext2 superblock, group descriptor and inode checks (see sbcheck.h).
 * Everything a later computation divides by, multiplies with or indexes
 * with is bounded here, so a corrupt disk cannot make the driver divide
 * by zero, overflow or read outside a block. Pure: host-testable.
 */
#include "fs/ext2/sbcheck.h"

#include "fs/ext2/bmap.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return -EUCLEAN;
}

/* The largest file: what the block map reaches, what i_blocks (32 bits
 * of 512-byte units, data and indirect blocks) can count, and 2 GiB
 * without large_file. */
static int64_t max_file_size(const struct ext2_geom *g)
{
	uint64_t blocks = ext2_bmap_capacity(g->ptrs);
	uint64_t per_block = g->block_size / 512;
	uint64_t iblocks_max = 0xffffffffull / per_block; // data + meta blocks
	uint64_t bytes;

	if (blocks + ext2_bmap_meta_blocks(blocks, g->ptrs) > iblocks_max)
		blocks = iblocks_max - ext2_bmap_meta_blocks(iblocks_max, g->ptrs) - 1;
	bytes = blocks * g->block_size;
	if (!g->large_file && bytes > 0x7fffffffull)
		bytes = 0x7fffffffull;
	return (int64_t)bytes;
}

static int parse_layout(const struct ext2_super *sb, uint64_t dev_bytes, struct ext2_geom *g,
			const char **why)
{
	uint64_t groups;

	if (sb->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return bad(why, "block size not 1, 2 or 4 KiB");
	g->log_block_size = EXT2_MIN_BLOCK_LOG + sb->s_log_block_size;
	g->block_size = 1u << g->log_block_size;
	g->ptrs = g->block_size / 4;
	g->blocks_count = sb->s_blocks_count;
	g->first_data_block = sb->s_first_data_block;
	g->blocks_per_group = sb->s_blocks_per_group;
	g->inodes_count = sb->s_inodes_count;
	g->inodes_per_group = sb->s_inodes_per_group;
	if (g->first_data_block != (g->block_size == 1024 ? 1u : 0u))
		return bad(why, "s_first_data_block does not match the block size");
	if (!g->blocks_per_group || g->blocks_per_group > 8 * g->block_size)
		return bad(why, "s_blocks_per_group out of range");
	if (!g->inodes_per_group || g->inodes_per_group > 8 * g->block_size)
		return bad(why, "s_inodes_per_group out of range");
	if (g->blocks_count <= g->first_data_block)
		return bad(why, "s_blocks_count too small");
	if ((uint64_t)g->blocks_count * g->block_size > dev_bytes)
		return bad(why, "filesystem larger than the device");
	groups = (g->blocks_count - g->first_data_block + g->blocks_per_group - 1) /
		 g->blocks_per_group;
	if ((uint64_t)groups * g->inodes_per_group != g->inodes_count)
		return bad(why, "s_inodes_count is not groups * s_inodes_per_group");
	g->groups = (uint32_t)groups;
	g->gdt_block = g->first_data_block + 1;
	g->gdt_blocks = (uint32_t)((groups * sizeof(struct ext2_group_desc) + g->block_size - 1) /
				   g->block_size);
	if (g->gdt_block + g->gdt_blocks > g->blocks_count)
		return bad(why, "group descriptors past the end");
	return 0;
}

static int parse_rev(const struct ext2_super *sb, struct ext2_geom *g, const char **why)
{
	g->rev = sb->s_rev_level;
	if (g->rev == EXT2_GOOD_OLD_REV) {
		g->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		g->first_ino = EXT2_GOOD_OLD_FIRST_INO;
		return 0;
	}
	if (g->rev != EXT2_DYNAMIC_REV)
		return bad(why, "unknown revision level");
	g->inode_size = sb->s_inode_size;
	g->first_ino = sb->s_first_ino;
	if (g->inode_size < EXT2_GOOD_OLD_INODE_SIZE || g->inode_size > g->block_size ||
	    (g->inode_size & (g->inode_size - 1)))
		return bad(why, "s_inode_size out of range");
	if (g->first_ino <= EXT2_ROOT_INO || g->first_ino > g->inodes_count)
		return bad(why, "s_first_ino out of range");
	g->incompat_unknown = sb->s_feature_incompat & ~(uint32_t)EXT2_INCOMPAT_SUPP;
	g->ro_unknown = sb->s_feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_SUPP;
	g->filetype = sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
	g->large_file = sb->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	g->sparse_super = sb->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER;
	return 0;
}

int ext2_super_parse(const struct ext2_super *sb, uint64_t dev_bytes, struct ext2_geom *g,
		     const char **why)
{
	int err;

	*g = (struct ext2_geom){ 0 };
	*why = "";
	if (sb->s_magic != EXT2_SUPER_MAGIC) {
		*why = "no ext2 magic";
		return -EINVAL;
	}
	err = parse_layout(sb, dev_bytes, g, why);
	if (!err)
		err = parse_rev(sb, g, why);
	if (err)
		return err;
	if (g->inodes_count < g->first_ino)
		return bad(why, "fewer inodes than the reserved ones");
	g->itable_blocks =
		(uint32_t)(((uint64_t)g->inodes_per_group * g->inode_size + g->block_size - 1) /
			   g->block_size);
	if (g->itable_blocks >= g->blocks_per_group)
		return bad(why, "inode table larger than a group");
	g->max_file_size = max_file_size(g);
	return 0;
}

bool ext2_gd_is_sane(const struct ext2_group_desc *gd, uint32_t group, const struct ext2_geom *g)
{
	uint32_t lo = g->first_data_block, hi = g->blocks_count;

	(void)group;
	if (gd->bg_block_bitmap < lo || gd->bg_block_bitmap >= hi)
		return false;
	if (gd->bg_inode_bitmap < lo || gd->bg_inode_bitmap >= hi)
		return false;
	if (gd->bg_inode_table < lo || gd->bg_inode_table >= hi ||
	    hi - gd->bg_inode_table < g->itable_blocks)
		return false;
	if (gd->bg_free_blocks_count > g->blocks_per_group ||
	    gd->bg_free_inodes_count > g->inodes_per_group ||
	    gd->bg_used_dirs_count > g->inodes_per_group)
		return false;
	return true;
}

uint64_t ext2_inode_size(const struct ext2_disk_inode *di)
{
	uint64_t size = di->i_size;

	if (S_ISREG(di->i_mode))
		size |= (uint64_t)di->i_size_high << 32;
	return size;
}

bool ext2_inode_is_fast_symlink(const struct ext2_disk_inode *di, const struct ext2_geom *g)
{
	uint32_t ea_blocks = di->i_file_acl ? g->block_size / 512 : 0;

	return S_ISLNK(di->i_mode) && di->i_blocks == ea_blocks &&
	       di->i_size < EXT2_FAST_SYMLINK_MAX;
}

int ext2_inode_check(const struct ext2_disk_inode *di, const struct ext2_geom *g, const char **why)
{
	uint32_t type = di->i_mode & S_IFMT;
	uint64_t size = ext2_inode_size(di);

	*why = "";
	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK && type != S_IFCHR &&
	    type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
		return bad(why, "unknown file type");
	if (di->i_flags & EXT4_EXTENTS_FL)
		return bad(why, "extent-mapped (ext4) inode");
	if (type == S_IFDIR && (size % g->block_size || size > 0xffffffffull))
		return bad(why, "directory size not a whole number of blocks");
	if (type == S_IFREG && size > (uint64_t)g->max_file_size)
		return bad(why, "size beyond the largest file");
	if (type == S_IFLNK && (size == 0 || size >= g->block_size))
		return bad(why, "symlink length out of range");
	if (ext2_inode_is_fast_symlink(di, g))
		return 0;
	if (type == S_IFCHR || type == S_IFBLK || type == S_IFIFO || type == S_IFSOCK)
		return 0;
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		if (di->i_block[i] &&
		    (di->i_block[i] < g->first_data_block || di->i_block[i] >= g->blocks_count))
			return bad(why, "block pointer outside the filesystem");
	return 0;
}

bool ext2_group_has_super(uint32_t group, bool sparse_super)
{
	static const uint32_t bases[] = { 3, 5, 7 };

	if (!sparse_super || group <= 1)
		return true;
	for (int i = 0; i < 3; i++) {
		uint64_t p = bases[i];

		while (p < group)
			p *= bases[i];
		if (p == group)
			return true;
	}
	return false;
}

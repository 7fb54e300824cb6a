/*
 * Host tests of fs/ext2/sbcheck.c on a superblock built the way mke2fs
 * lays out a 64 MiB filesystem: accepted with the right geometry, each
 * inconsistency refused, sparse_super's backup groups, and inode checks.
 */
#include <string.h>

#include "fs/ext2/sbcheck.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "unit.h"

static void sample(struct ext2_super *sb, uint32_t log)
{
	uint32_t bs = 1024u << log;

	memset(sb, 0, sizeof(*sb));
	sb->s_magic = EXT2_SUPER_MAGIC;
	sb->s_log_block_size = log;
	sb->s_blocks_count = (64u << 20) / bs;
	sb->s_first_data_block = bs == 1024;
	sb->s_blocks_per_group = 8 * bs;
	sb->s_inodes_per_group = 2048;
	sb->s_inodes_count =
		2048 * ((sb->s_blocks_count - sb->s_first_data_block + sb->s_blocks_per_group - 1) /
			sb->s_blocks_per_group);
	sb->s_rev_level = 1;
	sb->s_inode_size = 256;
	sb->s_first_ino = 11;
	sb->s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE;
	sb->s_feature_ro_compat = 3;
}

TEST(accepts_mke2fs_layouts)
{
	struct ext2_super sb;
	struct ext2_geom g;
	const char *why;

	for (uint32_t log = 0; log <= 2; log++) {
		sample(&sb, log);
		CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), 0);
		CHECK_EQ(g.block_size, 1024u << log);
		CHECK_EQ(g.gdt_block, log == 0 ? 2 : 1);
		CHECK(g.filetype && g.large_file && g.sparse_super);
		CHECK_EQ(g.incompat_unknown, 0);
		CHECK(g.max_file_size > (4ll << 30));
	}
	sb.s_feature_incompat |= 0x40;
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), 0);
	CHECK_EQ(g.incompat_unknown, 0x40);
}

TEST(refuses_inconsistent)
{
	struct ext2_super sb;
	struct ext2_geom g;
	const char *why;

	sample(&sb, 0);
	sb.s_magic = 0;
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), -EINVAL);
	sample(&sb, 0);
	CHECK_EQ(ext2_super_parse(&sb, 32u << 20, &g, &why), -EUCLEAN); // device too small
	sample(&sb, 3);
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), -EUCLEAN);
	sample(&sb, 0);
	sb.s_blocks_per_group = 0;
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), -EUCLEAN);
	sample(&sb, 0);
	sb.s_inodes_count++;
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), -EUCLEAN);
	sample(&sb, 0);
	sb.s_inode_size = 100;
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), -EUCLEAN);
	sample(&sb, 0);
	sb.s_rev_level = 0; // good old revision: fixed inode size and first inode
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), 0);
	CHECK_EQ(g.inode_size, 128);
	CHECK(!g.filetype);
}

TEST(backup_groups)
{
	static const uint32_t with[] = { 0, 1, 3, 5, 7, 9, 25, 27, 49, 125, 343 };
	static const uint32_t without[] = { 2, 4, 6, 8, 10, 15, 21, 26, 50 };

	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		CHECK(ext2_group_has_super(with[i], true));
	for (size_t i = 0; i < sizeof(without) / sizeof(without[0]); i++)
		CHECK(!ext2_group_has_super(without[i], true));
	CHECK(ext2_group_has_super(2, false));
}

TEST(inode_checks)
{
	struct ext2_super sb;
	struct ext2_geom g;
	struct ext2_disk_inode di;
	const char *why;

	sample(&sb, 0);
	CHECK_EQ(ext2_super_parse(&sb, 64u << 20, &g, &why), 0);
	memset(&di, 0, sizeof(di));
	di.i_mode = S_IFREG | 0644;
	di.i_links_count = 1;
	di.i_size = 5000;
	di.i_block[0] = 100;
	CHECK_EQ(ext2_inode_check(&di, &g, &why), 0);
	di.i_block[3] = 1u << 30;
	CHECK_EQ(ext2_inode_check(&di, &g, &why), -EUCLEAN);
	di.i_block[3] = 0;
	di.i_size_high = 1;
	CHECK_EQ(ext2_inode_size(&di), (1ull << 32) + 5000);
	di.i_mode = S_IFDIR | 0755; // a directory's size must be whole blocks
	di.i_size_high = 0;
	CHECK_EQ(ext2_inode_check(&di, &g, &why), -EUCLEAN);
	di.i_size = 2048;
	CHECK_EQ(ext2_inode_check(&di, &g, &why), 0);
	di.i_mode = 0170000;
	CHECK_EQ(ext2_inode_check(&di, &g, &why), -EUCLEAN);
	di.i_mode = S_IFLNK | 0777; // fast: text in i_block, not pointers
	di.i_size = 10;
	memcpy(di.i_block, "0123456789", 10);
	CHECK(ext2_inode_is_fast_symlink(&di, &g));
	CHECK_EQ(ext2_inode_check(&di, &g, &why), 0);
}

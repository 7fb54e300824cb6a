/*
 * Fuzz the ext2 inode check (kernel/fs/ext2/sbcheck.c): an inode the
 * check accepts must have a size the block map can reach, a directory
 * size in whole blocks, and (unless it is a fast symlink or a device)
 * only block pointers inside the filesystem. The geometry is a fixed
 * 64 MiB filesystem whose block size the first byte picks; the inode is
 * the next 128 bytes. Seeds: inode-table blocks of mke2fs images.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "fs/ext2/bmap.h"
#include "fs/ext2/sbcheck.h"
#include "include/uapi/stat.h"

static void geometry(struct ext2_geom *g, uint8_t pick)
{
	struct ext2_super sb;
	const char *why;
	uint32_t log = pick % 3, bs = 1024u << log;

	memset(&sb, 0, sizeof(sb));
	sb.s_magic = EXT2_SUPER_MAGIC;
	sb.s_log_block_size = log;
	sb.s_blocks_count = (64u << 20) / bs;
	sb.s_first_data_block = bs == 1024;
	sb.s_blocks_per_group = 8 * bs;
	sb.s_inodes_per_group = 1024;
	sb.s_inodes_count =
		1024 * ((sb.s_blocks_count - sb.s_first_data_block + sb.s_blocks_per_group - 1) /
			sb.s_blocks_per_group);
	sb.s_rev_level = 1;
	sb.s_inode_size = 256;
	sb.s_first_ino = 11;
	sb.s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE;
	sb.s_feature_ro_compat = (pick & 0x80) ? 1 : 3;
	assert(ext2_super_parse(&sb, 64u << 20, g, &why) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ext2_disk_inode di;
	struct ext2_geom g;
	const char *why;
	uint32_t path[4];
	uint64_t isize;

	if (size < 1)
		return 0;
	geometry(&g, data[0]);
	memset(&di, 0, sizeof(di));
	memcpy(&di, data + 1, size - 1 < sizeof(di) ? size - 1 : sizeof(di));
	if (ext2_inode_check(&di, &g, &why))
		return 0;
	isize = ext2_inode_size(&di);
	if (S_ISREG(di.i_mode) && isize)
		assert(ext2_bmap_path((isize - 1) / g.block_size, g.ptrs, path) >= 0);
	if (S_ISDIR(di.i_mode))
		assert(isize % g.block_size == 0);
	if (S_ISREG(di.i_mode) || S_ISDIR(di.i_mode))
		for (int i = 0; i < EXT2_N_BLOCKS; i++)
			assert(!di.i_block[i] || (di.i_block[i] >= g.first_data_block &&
						  di.i_block[i] < g.blocks_count));
	return 0;
}

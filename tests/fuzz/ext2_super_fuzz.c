/*
 * Fuzz the ext2 superblock and group-descriptor checks
 * (kernel/fs/ext2/sbcheck.c) as a mount uses them: the first 1024 bytes
 * are the superblock (zero-padded), the rest group descriptors. Whatever
 * the checks accept must give a geometry the driver can compute with
 * (no zero divisor, tables inside the disk, the block map's arithmetic
 * defined at the largest file size). Seeds: superblocks of mke2fs images
 * (tests/fuzz/ext2_seeds.sh).
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "fs/ext2/bmap.h"
#include "fs/ext2/sbcheck.h"

#define DEV_BYTES (64ull << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ext2_super sb;
	struct ext2_geom g;
	const char *why;
	uint32_t path[4];

	memset(&sb, 0, sizeof(sb));
	memcpy(&sb, data, size < sizeof(sb) ? size : sizeof(sb));
	if (ext2_super_parse(&sb, DEV_BYTES, &g, &why))
		return 0;
	assert(g.block_size >= 1024 && g.block_size <= 4096);
	assert(g.blocks_per_group && g.inodes_per_group && g.groups);
	assert((uint64_t)g.groups * g.inodes_per_group == g.inodes_count);
	assert((uint64_t)g.blocks_count * g.block_size <= DEV_BYTES);
	assert(g.inode_size >= 128 && g.inode_size <= g.block_size);
	assert(g.max_file_size > 0);
	assert(ext2_bmap_path((uint64_t)(g.max_file_size - 1) / g.block_size, g.ptrs, path) >= 0);
	for (size_t off = sizeof(sb); off + sizeof(struct ext2_group_desc) <= size;
	     off += sizeof(struct ext2_group_desc)) {
		struct ext2_group_desc gd;
		uint32_t grp = (uint32_t)((off - sizeof(sb)) / sizeof(gd));

		memcpy(&gd, data + off, sizeof(gd));
		if (grp < g.groups && ext2_gd_is_sane(&gd, grp, &g)) {
			assert(gd.bg_inode_table + g.itable_blocks <= g.blocks_count);
			assert(gd.bg_block_bitmap < g.blocks_count);
		}
		(void)ext2_group_has_super(grp, g.sparse_super);
	}
	return 0;
}

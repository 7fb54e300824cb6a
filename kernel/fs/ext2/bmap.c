/*
 * ext2 block-map arithmetic (see bmap.h). The map is i_block[0..11]
 * direct, i_block[12] single, [13] double and [14] triple indirect
 * (ext2-doc "Inode Table", i_block). Pure: host-testable.
 */
#include "fs/ext2/bmap.h"

#include "fs/ext2/ext2_layout.h"
#include "include/uapi/errno.h"

uint64_t ext2_bmap_span(uint32_t ptrs, int level)
{
	uint64_t s = 1;

	for (int i = 0; i < level; i++)
		s *= ptrs;
	return s;
}

int ext2_bmap_slot_level(int slot)
{
	return slot < EXT2_NDIR_BLOCKS ? 0 : slot - EXT2_NDIR_BLOCKS + 1;
}

uint64_t ext2_bmap_slot_base(uint32_t ptrs, int slot)
{
	uint64_t base;

	if (slot < EXT2_NDIR_BLOCKS)
		return (uint64_t)slot;
	base = EXT2_NDIR_BLOCKS;
	for (int l = 1; l < ext2_bmap_slot_level(slot); l++)
		base += ext2_bmap_span(ptrs, l);
	return base;
}

uint64_t ext2_bmap_capacity(uint32_t ptrs)
{
	return ext2_bmap_slot_base(ptrs, EXT2_TIND_BLOCK) + ext2_bmap_span(ptrs, 3);
}

int ext2_bmap_path(uint64_t lblock, uint32_t ptrs, uint32_t path[4])
{
	if (lblock < EXT2_NDIR_BLOCKS) {
		path[0] = (uint32_t)lblock;
		return 0;
	}
	for (int slot = EXT2_IND_BLOCK; slot <= EXT2_TIND_BLOCK; slot++) {
		int level = ext2_bmap_slot_level(slot);
		uint64_t base = ext2_bmap_slot_base(ptrs, slot);
		uint64_t rel;

		if (lblock >= base + ext2_bmap_span(ptrs, level))
			continue;
		rel = lblock - base;
		path[0] = (uint32_t)slot;
		for (int l = 1; l <= level; l++) {
			uint64_t below = ext2_bmap_span(ptrs, level - l);

			path[l] = (uint32_t)(rel / below);
			rel %= below;
		}
		return level;
	}
	return -EFBIG;
}

uint64_t ext2_bmap_meta_blocks(uint64_t nblocks, uint32_t ptrs)
{
	uint64_t meta = 0;

	for (int slot = EXT2_IND_BLOCK; slot <= EXT2_TIND_BLOCK; slot++) {
		int level = ext2_bmap_slot_level(slot);
		uint64_t base = ext2_bmap_slot_base(ptrs, slot);

		if (nblocks <= base)
			break;
		/* Indirect blocks at each level below the slot's own. */
		for (int l = level; l >= 1; l--) {
			uint64_t span = ext2_bmap_span(ptrs, l - 1);
			uint64_t n = nblocks - base;
			uint64_t cap = ext2_bmap_span(ptrs, level);

			if (n > cap)
				n = cap;
			/* blocks at level l cover span*ptrs data blocks each */
			meta += (n + span * ptrs - 1) / (span * ptrs);
		}
	}
	return meta;
}

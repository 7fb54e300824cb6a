/*
 * ext2 block-map arithmetic: which slot of i_block[] and of each indirect
 * block holds logical block N, for direct, single, double and triple
 * indirection. Pure: no I/O, no locks (fs/ext2/bmap.c).
 */
#pragma once

#include <stdint.h>

/*
 * The path to logical block @lblock in a file whose indirect blocks hold
 * @ptrs (block size / 4) pointers: path[0] is the i_block[] slot (0..14),
 * path[1..depth] the slot in each indirect block on the way. Returns the
 * depth (0 direct, 1..3 indirect) or -EFBIG past triple indirection.
 */
int ext2_bmap_path(uint64_t lblock, uint32_t ptrs, uint32_t path[4]);

/* Logical blocks a whole subtree at @level covers (0: one data block,
 * 1: one indirect block's worth, ...). */
uint64_t ext2_bmap_span(uint32_t ptrs, int level);

/* The number of logical blocks the map can address (12 + p + p^2 + p^3). */
uint64_t ext2_bmap_capacity(uint32_t ptrs);

/* First logical block under i_block[@slot] (0..14). */
uint64_t ext2_bmap_slot_base(uint32_t ptrs, int slot);

/* Indirection level of i_block[@slot]: 0 for 0..11, 1, 2, 3 for 12..14. */
int ext2_bmap_slot_level(int slot);

/* Indirect blocks a file of @nblocks logical blocks (all mapped, none a
 * hole) needs: for i_blocks and space checks. */
uint64_t ext2_bmap_meta_blocks(uint64_t nblocks, uint32_t ptrs);

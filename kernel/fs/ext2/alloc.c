/*
 * ext2 block and inode allocation through the bitmaps (bitmap.c does the
 * search), keeping each group descriptor's and the superblock's free
 * counts in step with its bitmap. A block goes at or after the goal (the
 * file's previous block, so files stay contiguous where the disk allows)
 * in the goal's group first; a file's inode goes in its directory's
 * group, a directory's in the next group (from a rotor) with free inodes
 * and blocks, spreading the tree. Write order within one allocation: the
 * bitmap, then the descriptor, then the superblock (doc/ext2.md).
 * Locking: alloc_lock (mutex) around each whole operation.
 */
#include "core/log.h"
#include "fs/ext2/bitmap.h"
#include "fs/ext2/ext2_internal.h"
#include "include/uapi/errno.h"
#include "lib/printf.h"

#define LOG_PREFIX "ext2: "

int ext2_gd_get(struct ext2_sb *es, uint32_t group, struct buf **b, struct ext2_group_desc **gd)
{
	uint32_t per = ext2_bs(es) / sizeof(struct ext2_group_desc);
	int err = bread(es->bc, es->dev, es->g.gdt_block + group / per, ext2_bs(es), b);

	if (err)
		return err;
	*gd = (struct ext2_group_desc *)(*b)->data + group % per;
	return 0;
}

/* Blocks in group @group (the last one may be short). */
static uint32_t group_blocks(const struct ext2_sb *es, uint32_t group)
{
	uint32_t first = es->g.first_data_block + group * es->g.blocks_per_group;
	uint32_t left = es->g.blocks_count - first;

	return left < es->g.blocks_per_group ? left : es->g.blocks_per_group;
}

/* Adjust the superblock's free counts by @dblocks and @dinodes. */
static void super_count(struct ext2_sb *es, int dblocks, int dinodes)
{
	struct ext2_super *sup;
	struct buf *b;

	if (ext2_super_get(es, &b, &sup))
		return;
	sup->s_free_blocks_count += (uint32_t)dblocks;
	sup->s_free_inodes_count += (uint32_t)dinodes;
	bdirty_phase(b, BWB_LAST);
	brelse(b);
}

/* Is @block one of group @group's own bitmaps or inode-table blocks (a
 * corrupt bitmap calling metadata free)? */
static bool is_group_meta(const struct ext2_group_desc *gd, const struct ext2_sb *es,
			  uint32_t block)
{
	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table && block < gd->bg_inode_table + es->g.itable_blocks) ||
	       block < es->g.gdt_block + es->g.gdt_blocks;
}

/* Take a block in @group at or after bit @goal. 0 and *@out, or -ENOSPC
 * (the group is full), or an I/O error. alloc_lock held. */
static int alloc_in_group(struct ext2_sb *es, uint32_t group, uint32_t goal, uint32_t *out)
{
	struct ext2_group_desc *gd;
	struct buf *gb, *bb;
	uint32_t nbits = group_blocks(es, group);
	int64_t bit;
	int err = ext2_gd_get(es, group, &gb, &gd);

	if (err)
		return err;
	if (!gd->bg_free_blocks_count) {
		brelse(gb);
		return -ENOSPC;
	}
	err = bread(es->bc, es->dev, gd->bg_block_bitmap, ext2_bs(es), &bb);
	if (err) {
		brelse(gb);
		return err;
	}
	for (;;) {
		bit = ext2_bitmap_find_zero(bb->data, nbits, goal);
		if (bit < 0)
			break;
		*out = es->g.first_data_block + group * es->g.blocks_per_group + (uint32_t)bit;
		ext2_bitmap_set(bb->data, (uint32_t)bit);
		if (!is_group_meta(gd, es, *out))
			break;
		log_err("%s: group %u: block bitmap calls metadata block %u free\n", es->dev->name,
			group, *out);
	}
	if (bit < 0) {
		log_err("%s: group %u: free block count %u but a full bitmap\n", es->dev->name,
			group, gd->bg_free_blocks_count);
		gd->bg_free_blocks_count = 0;
		bdirty_phase(gb, BWB_META);
		brelse(bb);
		brelse(gb);
		return -ENOSPC;
	}
	bdirty_phase(bb, BWB_META);
	gd->bg_free_blocks_count--;
	bdirty_phase(gb, BWB_META);
	brelse(bb);
	brelse(gb);
	super_count(es, -1, 0);
	return 0;
}

int ext2_alloc_block(struct ext2_sb *es, uint32_t goal, uint32_t *out)
{
	uint32_t group = 0, bit = 0;
	int err = -ENOSPC;

	if (es->ro)
		return -EROFS;
	if (ext2_block_ok(es, goal)) {
		group = (goal - es->g.first_data_block) / es->g.blocks_per_group;
		bit = (goal - es->g.first_data_block) % es->g.blocks_per_group;
	}
	mutex_lock(&es->alloc_lock);
	for (uint32_t i = 0; i < es->g.groups; i++) {
		err = alloc_in_group(es, (group + i) % es->g.groups, i ? 0 : bit, out);
		if (err != -ENOSPC)
			break;
	}
	mutex_unlock(&es->alloc_lock);
	return err;
}

void ext2_free_block(struct ext2_sb *es, uint32_t block)
{
	struct ext2_group_desc *gd;
	struct buf *gb, *bb;
	uint32_t group, bit;

	if (!ext2_block_ok(es, block)) {
		log_err("%s: freeing block %u outside the filesystem\n", es->dev->name, block);
		return;
	}
	group = (block - es->g.first_data_block) / es->g.blocks_per_group;
	bit = (block - es->g.first_data_block) % es->g.blocks_per_group;
	mutex_lock(&es->alloc_lock);
	if (ext2_gd_get(es, group, &gb, &gd))
		goto out_unlock;
	if (bread(es->bc, es->dev, gd->bg_block_bitmap, ext2_bs(es), &bb))
		goto out_gd;
	if (!ext2_bitmap_test(bb->data, bit)) {
		log_err("%s: block %u freed twice\n", es->dev->name, block);
	} else {
		ext2_bitmap_clear(bb->data, bit);
		bdirty_phase(bb, BWB_META);
		gd->bg_free_blocks_count++;
		bdirty_phase(gb, BWB_META);
		super_count(es, 1, 0);
	}
	brelse(bb);
out_gd:
	brelse(gb);
out_unlock:
	mutex_unlock(&es->alloc_lock);
}

/* Take an inode in @group: 0 and *@out, -ENOSPC, or an I/O error.
 * alloc_lock held. */
static int ialloc_in_group(struct ext2_sb *es, uint32_t group, bool dir, uint32_t *out)
{
	struct ext2_group_desc *gd;
	struct buf *gb, *bb;
	uint32_t goal = group ? 0 : es->g.first_ino - 1;
	int64_t bit;
	int err = ext2_gd_get(es, group, &gb, &gd);

	if (err)
		return err;
	if (!gd->bg_free_inodes_count || (dir && !gd->bg_free_blocks_count)) {
		brelse(gb);
		return -ENOSPC;
	}
	err = bread(es->bc, es->dev, gd->bg_inode_bitmap, ext2_bs(es), &bb);
	if (err) {
		brelse(gb);
		return err;
	}
	bit = ext2_bitmap_find_zero(bb->data, es->g.inodes_per_group, goal);
	if (bit < 0 || (group == 0 && bit < goal)) {
		log_err("%s: group %u: free inode count %u but no usable free inode\n",
			es->dev->name, group, gd->bg_free_inodes_count);
		brelse(bb);
		brelse(gb);
		return -ENOSPC;
	}
	ext2_bitmap_set(bb->data, (uint32_t)bit);
	bdirty_phase(bb, BWB_META);
	gd->bg_free_inodes_count--;
	if (dir)
		gd->bg_used_dirs_count++;
	bdirty_phase(gb, BWB_META);
	brelse(bb);
	brelse(gb);
	super_count(es, 0, -1);
	*out = group * es->g.inodes_per_group + (uint32_t)bit + 1;
	return 0;
}

int ext2_alloc_inode(struct ext2_sb *es, uint32_t near_group, bool dir, uint32_t *out)
{
	uint32_t start = near_group % es->g.groups;
	int err = -ENOSPC;

	if (es->ro)
		return -EROFS;
	mutex_lock(&es->alloc_lock);
	if (dir)
		start = es->dir_rotor++ % es->g.groups;
	for (uint32_t i = 0; i < es->g.groups && err == -ENOSPC; i++)
		err = ialloc_in_group(es, (start + i) % es->g.groups, dir, out);
	if (err == -ENOSPC && dir) // no group has both: any free inode will do
		for (uint32_t i = 0; i < es->g.groups && err == -ENOSPC; i++)
			err = ialloc_in_group(es, (start + i) % es->g.groups, false, out);
	mutex_unlock(&es->alloc_lock);
	return err;
}

void ext2_free_inode(struct ext2_sb *es, uint32_t ino, bool dir)
{
	struct ext2_group_desc *gd;
	struct buf *gb, *bb;
	uint32_t group = (ino - 1) / es->g.inodes_per_group;
	uint32_t bit = (ino - 1) % es->g.inodes_per_group;

	mutex_lock(&es->alloc_lock);
	if (ext2_gd_get(es, group, &gb, &gd))
		goto out_unlock;
	if (bread(es->bc, es->dev, gd->bg_inode_bitmap, ext2_bs(es), &bb))
		goto out_gd;
	if (!ext2_bitmap_test(bb->data, bit)) {
		log_err("%s: inode %u freed twice\n", es->dev->name, ino);
	} else {
		ext2_bitmap_clear(bb->data, bit);
		bdirty_phase(bb, BWB_META);
		gd->bg_free_inodes_count++;
		if (dir && gd->bg_used_dirs_count)
			gd->bg_used_dirs_count--;
		bdirty_phase(gb, BWB_META);
		super_count(es, 0, 1);
	}
	brelse(bb);
out_gd:
	brelse(gb);
out_unlock:
	mutex_unlock(&es->alloc_lock);
}

/*
 * ext2 inodes: reading one from its group's inode table (checked by
 * sbcheck.c, so a corrupt inode is -EUCLEAN and a log line naming it),
 * the table of in-memory inodes by number (hard links share one), writing
 * an inode back, the block map with allocation (bmap.c has the
 * arithmetic) and truncation, and eviction: an inode with no links left
 * loses its blocks, gets its deletion time and then its bitmap bit, in
 * that order, so a crash leaves at worst leaked blocks (doc/ext2.md).
 * Locking: the VFS inode lock for the inode's fields; icache_lock for
 * the table (ext2_internal.h has the order).
 */
#include "core/log.h"
#include "fs/ext2/bmap.h"
#include "fs/ext2/ext2_internal.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "ext2: "
#define NS 1000000000ll
#define EA_MAGIC 0xEA020000u

static struct list_head *ihash_of(struct ext2_sb *es, uint32_t ino)
{
	return &es->ihash[ino % EXT2_IHASH];
}

/* A reference to @inode from the table, unless it is on its way out (no
 * references and no links: inode_put() may be evicting it). */
static bool icache_grab(struct inode *inode)
{
	struct super_block *sb = inode->sb;
	bool ok;

	spin_lock(&sb->inodes_lock);
	ok = atomic_read(&inode->count) > 0 || READ_ONCE(inode->nlink) > 0;
	if (ok)
		atomic_inc(&inode->count);
	spin_unlock(&sb->inodes_lock);
	return ok;
}

/* The table block of inode @ino (held) and the inode in it. */
static int inode_loc(struct ext2_sb *es, uint32_t ino, struct buf **b, uint8_t **raw)
{
	uint32_t group = (ino - 1) / es->g.inodes_per_group;
	uint64_t off = (uint64_t)((ino - 1) % es->g.inodes_per_group) * es->g.inode_size;
	struct ext2_group_desc *gd;
	struct buf *gb;
	uint32_t table;
	int err = ext2_gd_get(es, group, &gb, &gd);

	if (err)
		return err;
	table = gd->bg_inode_table;
	brelse(gb);
	err = bread(es->bc, es->dev, table + off / ext2_bs(es), ext2_bs(es), b);
	if (!err)
		*raw = (*b)->data + off % ext2_bs(es);
	return err;
}

static void ops_for(uint32_t mode, const struct inode_ops **iops, const struct file_ops **fops)
{
	*fops = S_ISDIR(mode) ? &ext2_dir_fops : &ext2_file_fops;
	if (S_ISDIR(mode))
		*iops = &ext2_dir_iops;
	else
		*iops = S_ISLNK(mode) ? &ext2_link_iops : &ext2_file_iops;
}

/* A VFS inode for @ei (raw filled), hashed. icache_lock held. */
static struct inode *inode_make(struct ext2_sb *es, uint32_t ino, struct ext2_inode *ei)
{
	const struct ext2_disk_inode *di = &ei->raw;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	struct inode *inode;

	ops_for(di->i_mode, &iops, &fops);
	inode = inode_alloc(&es->sb, ino, di->i_mode, iops, fops);
	if (!inode)
		return NULL;
	inode->fs_private = ei;
	ei->vfs = inode;
	inode->uid = di->i_uid | (uint32_t)di->l_i_uid_high << 16;
	inode->gid = di->i_gid | (uint32_t)di->l_i_gid_high << 16;
	inode->nlink = di->i_links_count;
	inode->size = (int64_t)ext2_inode_size(di);
	inode->blocks = di->i_blocks;
	inode->atime_ns = di->i_atime * NS;
	inode->mtime_ns = di->i_mtime * NS;
	inode->ctime_ns = di->i_ctime * NS;
	list_add(&ei->hlink, ihash_of(es, ino));
	ei->hashed = true;
	return inode;
}

/* Read inode @ino from the disk and check it. */
static int inode_read(struct ext2_sb *es, uint32_t ino, struct ext2_inode *ei)
{
	const char *why;
	struct buf *b;
	uint8_t *raw;
	int err = inode_loc(es, ino, &b, &raw);

	if (err)
		return err;
	memcpy(&ei->raw, raw, sizeof(ei->raw));
	brelse(b);
	if (!ei->raw.i_links_count || !ei->raw.i_mode) {
		log_err("%s: inode %u: in use by a directory entry but free\n", es->dev->name, ino);
		ext2_mark_errors(es);
		return -EUCLEAN;
	}
	if (ext2_inode_check(&ei->raw, &es->g, &why)) {
		log_err("%s: inode %u: corrupt: %s\n", es->dev->name, ino, why);
		ext2_mark_errors(es);
		return -EUCLEAN;
	}
	return 0;
}

int ext2_iget(struct ext2_sb *es, uint32_t ino, struct inode **out)
{
	struct ext2_inode *ei;
	struct inode *inode = NULL;
	int err;

	if (ino < 1 || ino > es->g.inodes_count ||
	    (ino < es->g.first_ino && ino != EXT2_ROOT_INO)) {
		log_err("%s: bad inode number %u in a directory entry\n", es->dev->name, ino);
		return -EUCLEAN;
	}
	mutex_lock(&es->icache_lock);
	list_for_each_entry (ei, ihash_of(es, ino), hlink) {
		if (ei->vfs->ino != ino)
			continue;
		err = icache_grab(ei->vfs) ? 0 : -EUCLEAN;
		if (!err)
			*out = ei->vfs;
		goto out_unlock;
	}
	err = -ENOMEM;
	ei = kzalloc(sizeof(*ei));
	if (!ei)
		goto out_unlock;
	err = inode_read(es, ino, ei);
	if (!err && !(inode = inode_make(es, ino, ei)))
		err = -ENOMEM;
	if (err)
		kfree(ei);
	else
		*out = inode;
out_unlock:
	mutex_unlock(&es->icache_lock);
	return err;
}

int ext2_inode_write(struct inode *inode)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	struct ext2_disk_inode *di = &ext2_i(inode)->raw;
	uint64_t size = (uint64_t)inode->size;
	struct buf *b;
	uint8_t *raw;
	int err;

	if (es->ro)
		return 0;
	di->i_mode = (uint16_t)inode->mode;
	di->i_uid = (uint16_t)inode->uid;
	di->l_i_uid_high = (uint16_t)(inode->uid >> 16);
	di->i_gid = (uint16_t)inode->gid;
	di->l_i_gid_high = (uint16_t)(inode->gid >> 16);
	di->i_links_count = (uint16_t)inode->nlink;
	di->i_size = (uint32_t)size;
	if (S_ISREG(inode->mode))
		di->i_size_high = (uint32_t)(size >> 32);
	di->i_blocks = (uint32_t)inode->blocks;
	di->i_atime = (uint32_t)(inode->atime_ns / NS);
	di->i_mtime = (uint32_t)(inode->mtime_ns / NS);
	di->i_ctime = (uint32_t)(inode->ctime_ns / NS);
	err = inode_loc(es, (uint32_t)inode->ino, &b, &raw);
	if (err)
		return err;
	if (memcmp(raw, di, sizeof(*di))) {
		memcpy(raw, di, sizeof(*di));
		bdirty_phase(b, BWB_META);
	}
	brelse(b);
	return 0;
}

void ext2_inode_save(struct inode *inode)
{
	if (ext2_inode_write(inode))
		log_err("%s: inode %lu: not written\n", ext2_sb_of(inode->sb)->dev->name,
			(unsigned long)inode->ino);
}

int ext2_inode_new(struct inode *dir, uint32_t mode, struct inode **out)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	uint32_t group = ((uint32_t)dir->ino - 1) / es->g.inodes_per_group;
	struct ext2_inode *ei = kzalloc(sizeof(*ei));
	struct inode *inode = NULL;
	struct buf *b;
	uint8_t *raw;
	uint32_t ino;
	int err;

	if (!ei)
		return -ENOMEM;
	err = ext2_alloc_inode(es, group, S_ISDIR(mode), &ino);
	if (err)
		goto err_free;
	err = inode_loc(es, ino, &b, &raw);
	if (err)
		goto err_ifree;
	memset(raw, 0, es->g.inode_size); // what a fresh inode table holds
	bdirty_phase(b, BWB_META);
	brelse(b);
	ei->raw.i_mode = (uint16_t)mode;
	ei->raw.i_links_count = 1; // for inode_make; the caller sets nlink
	ei->raw.i_generation = (uint32_t)vfs_now_ns() ^ ino;
	mutex_lock(&es->icache_lock);
	inode = inode_make(es, ino, ei);
	mutex_unlock(&es->icache_lock);
	err = -ENOMEM;
	if (!inode)
		goto err_ifree;
	inode->nlink = 0;
	inode->atime_ns = inode->mtime_ns = inode->ctime_ns = vfs_now_ns();
	ei->goal = es->g.first_data_block +
		   (ino - 1) / es->g.inodes_per_group * es->g.blocks_per_group;
	*out = inode;
	return 0;
err_ifree:
	ext2_free_inode(es, ino, S_ISDIR(mode));
err_free:
	kfree(ei);
	return err;
}

bool ext2_is_fast_symlink(struct inode *inode)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	struct ext2_disk_inode *di = &ext2_i(inode)->raw;
	int64_t ea = di->i_file_acl ? ext2_bs(es) / 512 : 0;

	return S_ISLNK(inode->mode) && inode->blocks == ea;
}

/* A new block for @inode after its goal into *@out; a metadata block is
 * zeroed first, so a pointer to it never reaches a block of garbage (if
 * the zeroing cannot be done the block goes back and *@out is untouched). */
static int bmap_alloc(struct inode *inode, bool zero, uint32_t *out)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	struct ext2_inode *ei = ext2_i(inode);
	struct buf *b;
	uint32_t blk;
	int err = ext2_alloc_block(es, ei->goal ? ei->goal + 1 : 0, &blk);

	if (err)
		return err;
	if (zero) {
		err = bget(es->bc, es->dev, blk, ext2_bs(es), &b);
		if (err) {
			ext2_free_block(es, blk);
			return err;
		}
		memset(b->data, 0, ext2_bs(es));
		bdirty_phase(b, BWB_META);
		brelse(b);
	}
	ei->goal = blk;
	inode->blocks += ext2_bs(es) / 512;
	*out = blk;
	return 0;
}

int ext2_bmap(struct inode *inode, uint64_t lblock, bool create, uint32_t *pblock, bool *fresh)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t *slot, path[4], blk;
	int depth = ext2_bmap_path(lblock, es->g.ptrs, path);
	int err;

	*fresh = false;
	*pblock = 0;
	if (depth < 0)
		return depth;
	slot = &ext2_i(inode)->raw.i_block[path[0]];
	if (!*slot) {
		if (!create)
			return 0;
		err = bmap_alloc(inode, depth > 0, slot);
		if (err)
			return err;
		*fresh = depth == 0;
	}
	blk = *slot;
	for (int l = 1; l <= depth; l++) {
		struct buf *b;
		uint32_t *p;

		err = bread(es->bc, es->dev, blk, ext2_bs(es), &b);
		if (err)
			return err;
		p = (uint32_t *)b->data + path[l];
		if (!*p && create) {
			err = bmap_alloc(inode, l < depth, p);
			if (!err)
				bdirty_phase(b, BWB_META);
			*fresh = !err && l == depth;
		}
		blk = *p;
		brelse(b);
		if (err || !blk)
			return err;
		if (!ext2_block_ok(es, blk)) {
			log_err("%s: inode %lu: indirect block holds bad pointer %u\n",
				es->dev->name, (unsigned long)inode->ino, blk);
			ext2_mark_errors(es);
			return -EUCLEAN;
		}
	}
	*pblock = blk;
	return 0;
}

/* The run of pointers arr[idx..] (of @n) that name consecutive blocks,
 * at most @max long; 0 if arr[idx] is a hole or out of range. */
static uint32_t count_run(struct ext2_sb *es, const uint32_t *arr, uint32_t idx, uint32_t n,
			  uint32_t max, uint32_t *p0)
{
	uint32_t k = 1;

	*p0 = arr[idx];
	if (!*p0 || !ext2_block_ok(es, *p0))
		return 0;
	while (idx + k < n && k < max && arr[idx + k] == *p0 + k && ext2_block_ok(es, *p0 + k))
		k++;
	return k;
}

int ext2_bmap_run(struct inode *inode, uint64_t lblock, uint32_t max, uint32_t *pblock,
		  uint32_t *count)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t path[4], blk;
	int depth = ext2_bmap_path(lblock, es->g.ptrs, path);
	struct buf *b;
	int err;

	*count = 0;
	if (depth <= 0) {
		if (!depth)
			*count = count_run(es, ext2_i(inode)->raw.i_block, path[0],
					   EXT2_NDIR_BLOCKS, max, pblock);
		return depth < 0 ? depth : 0;
	}
	blk = ext2_i(inode)->raw.i_block[path[0]];
	for (int l = 1; l <= depth; l++) {
		if (!blk || !ext2_block_ok(es, blk))
			return 0; // a hole, or ext2_bmap() reports the bad pointer
		err = bread(es->bc, es->dev, blk, ext2_bs(es), &b);
		if (err)
			return err;
		if (l == depth)
			*count = count_run(es, (uint32_t *)b->data, path[l], es->g.ptrs, max,
					   pblock);
		else
			blk = ((uint32_t *)b->data)[path[l]];
		brelse(b);
	}
	return 0;
}

static void free_one(struct inode *inode, uint32_t blk)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);

	ext2_free_block(es, blk);
	inode->blocks -= ext2_bs(es) / 512;
	if (inode->blocks < 0)
		inode->blocks = 0;
}

/* Free the blocks at logical >= @first under the pointer *@ptr, a
 * subtree at @level whose first logical block is @base. */
static void free_tree(struct inode *inode, uint32_t *ptr, int level, uint64_t base, uint64_t first)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint64_t cspan = ext2_bmap_span(es->g.ptrs, level - 1);
	struct buf *b;

	if (!*ptr)
		return;
	if (!ext2_block_ok(es, *ptr)) {
		log_err("%s: inode %lu: bad block pointer %u dropped\n", es->dev->name,
			(unsigned long)inode->ino, *ptr);
		*ptr = 0;
		return;
	}
	if (level > 0 && !bread(es->bc, es->dev, *ptr, ext2_bs(es), &b)) {
		uint32_t *p = (uint32_t *)b->data;

		for (uint32_t i = 0; i < es->g.ptrs; i++) {
			uint64_t cb = base + i * cspan;

			if (cb + cspan <= first || !p[i])
				continue;
			free_tree(inode, &p[i], level - 1, cb, first);
			bdirty_phase(b, BWB_META);
		}
		brelse(b);
	}
	if (base >= first) {
		free_one(inode, *ptr);
		*ptr = 0;
	}
}

void ext2_truncate_blocks(struct inode *inode, uint64_t first)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	uint32_t *blocks = ext2_i(inode)->raw.i_block;

	if (ext2_is_fast_symlink(inode))
		return;
	for (int slot = 0; slot < EXT2_N_BLOCKS; slot++) {
		int level = ext2_bmap_slot_level(slot);
		uint64_t base = ext2_bmap_slot_base(es->g.ptrs, slot);

		if (base + ext2_bmap_span(es->g.ptrs, level) > first)
			free_tree(inode, &blocks[slot], level, base, first);
	}
}

/* Drop this inode's share of its extended-attribute block. */
static void free_xattr(struct inode *inode)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	struct ext2_disk_inode *di = &ext2_i(inode)->raw;
	struct buf *b;
	uint32_t *h;

	if (!di->i_file_acl || !ext2_block_ok(es, di->i_file_acl) ||
	    bread(es->bc, es->dev, di->i_file_acl, ext2_bs(es), &b))
		return;
	h = (uint32_t *)b->data; // h[0] magic, h[1] reference count
	if (h[0] == EA_MAGIC && h[1] > 1) {
		h[1]--;
		bdirty_phase(b, BWB_META);
		inode->blocks -= ext2_bs(es) / 512;
	} else if (h[0] == EA_MAGIC) {
		free_one(inode, di->i_file_acl);
	}
	brelse(b);
	di->i_file_acl = 0;
}

/* The inode has no links and no references: free it on disk. */
static void inode_delete(struct inode *inode)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);

	ext2_truncate_blocks(inode, 0);
	free_xattr(inode);
	inode->size = 0;
	ext2_i(inode)->raw.i_dtime = (uint32_t)(vfs_now_ns() / NS);
	if (ext2_inode_write(inode))
		log_err("%s: inode %lu: not written at deletion\n", es->dev->name,
			(unsigned long)inode->ino);
	ext2_free_inode(es, (uint32_t)inode->ino, inode_is_dir(inode));
}

void ext2_evict(struct inode *inode)
{
	struct ext2_sb *es = ext2_sb_of(inode->sb);
	struct ext2_inode *ei = ext2_i(inode);

	if (!ei)
		return;
	mutex_lock(&es->icache_lock);
	if (ei->hashed)
		list_del(&ei->hlink);
	ei->hashed = false;
	mutex_unlock(&es->icache_lock);
	if (!es->ro && inode->nlink == 0)
		inode_delete(inode);
	else if (!es->ro && ext2_inode_write(inode))
		log_err("%s: inode %lu: not written back\n", es->dev->name,
			(unsigned long)inode->ino);
	kfree(ei);
	inode->fs_private = NULL;
}

void ext2_write_all_inodes(struct ext2_sb *es)
{
	struct inode **v;
	size_t n = 0, max;
	struct ext2_inode *ei;

	spin_lock(&es->sb.inodes_lock);
	max = es->sb.nr_inodes + 16;
	spin_unlock(&es->sb.inodes_lock);
	v = kmalloc(max * sizeof(*v));
	if (!v)
		return;
	mutex_lock(&es->icache_lock);
	for (int i = 0; i < EXT2_IHASH; i++)
		list_for_each_entry (ei, &es->ihash[i], hlink)
			if (n < max && icache_grab(ei->vfs))
				v[n++] = ei->vfs;
	mutex_unlock(&es->icache_lock);
	for (size_t i = 0; i < n; i++) {
		mutex_lock(&v[i]->lock);
		if (ext2_inode_write(v[i]))
			log_err("%s: inode %lu: not written back\n", es->dev->name,
				(unsigned long)v[i]->ino);
		mutex_unlock(&v[i]->lock);
		inode_put(v[i]);
	}
	kfree(v);
}

uint8_t ext2_ftype_of_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	default:
		return EXT2_FT_UNKNOWN;
	}
}

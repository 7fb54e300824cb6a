/*
 * ext2 directories: lookup, readdir, create (files, directories,
 * symlinks), link, unlink, rmdir and rename over the linked entries of
 * dirblock.c, block by block through the buffer cache. Every block is
 * checked before use; a bad one is -EUCLEAN and a log line naming the
 * directory's inode and block. An htree (dir_index) directory is read as
 * a linear one, and any change clears its index flag, as Linux's ext2
 * does. Write order: a new inode is written before the entry naming it;
 * a rename adds the new name before removing the old one.
 * Locking: the VFS holds the directories' (and victims') inode locks.
 */
#include "core/log.h"
#include "fs/ext2/dirblock.h"
#include "fs/ext2/ext2_internal.h"
#include "fs/file.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/dirent.h"
#include "lib/string.h"

#define LOG_PREFIX "ext2: "

/* Called per checked block; returns 0 to go on, > 0 to stop, < 0 error. */
typedef int (*dir_block_fn)(struct inode *dir, struct buf *b, uint64_t lblock, void *arg);

/* Blocks [@from, @to) of @dir (@to clipped to its size). */
static int dir_blocks_range(struct inode *dir, uint64_t from, uint64_t to, dir_block_fn fn,
			    void *arg)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	uint64_t nblocks = (uint64_t)dir->size / ext2_bs(es);

	if (to > nblocks)
		to = nblocks;
	for (uint64_t lb = from; lb < to; lb++) {
		uint32_t pblock, bad;
		struct buf *b;
		bool fresh;
		int r = ext2_bmap(dir, lb, false, &pblock, &fresh);

		if (r)
			return r;
		if (!pblock)
			continue; // a hole: no entries
		r = bread(es->bc, es->dev, pblock, ext2_bs(es), &b);
		if (r)
			return r;
		if (ext2_dirblock_check(b->data, ext2_bs(es), es->g.filetype, &bad)) {
			log_err("%s: inode %lu: directory block %u: bad entry at offset %u\n",
				es->dev->name, (unsigned long)dir->ino, pblock, bad);
			brelse(b);
			ext2_mark_errors(es);
			return -EUCLEAN;
		}
		r = fn(dir, b, lb, arg);
		brelse(b);
		if (r)
			return r;
	}
	return 0;
}

static int dir_for_each_block(struct inode *dir, dir_block_fn fn, void *arg)
{
	return dir_blocks_range(dir, 0, UINT64_MAX, fn, arg);
}

struct dir_name {
	const char *name;
	size_t len;
	uint32_t ino; // found (lookup), wanted (remove: 0 = any), or new
	uint8_t type; // for insertion and retargeting
	uint64_t lb;  // insertion: the block it went into
};

static int find_fn(struct inode *dir, struct buf *b, uint64_t lb, void *arg)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	struct dir_name *dn = arg;
	struct ext2_de de;

	(void)lb;
	if (ext2_dirblock_find(b->data, ext2_bs(es), es->g.filetype, dn->name, dn->len, &de))
		return 0;
	dn->ino = de.inode;
	return 1;
}

static int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct dir_name dn = { .name = name, .len = len, .ino = 0, .type = 0 };
	int r;

	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	r = dir_for_each_block(dir, find_fn, &dn);
	if (r < 0)
		return r;
	if (!r)
		return -ENOENT;
	return ext2_iget(ext2_sb_of(dir->sb), dn.ino, out);
}

/* The directory changed: as Linux's ext2, it is no longer indexed. The
 * times are set here as the VFS will set them, so that the inode is
 * written once, complete (shutdown writes the cache, not the inodes). */
static int dir_changed(struct inode *dir)
{
	ext2_i(dir)->raw.i_flags &= ~(uint32_t)EXT2_INDEX_FL;
	inode_touch_locked(dir, VFS_ATTR_MTIME);
	return ext2_inode_write(dir);
}

static int insert_fn(struct inode *dir, struct buf *b, uint64_t lb, void *arg)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	struct dir_name *dn = arg;
	int64_t off = ext2_dirblock_find_space(b->data, ext2_bs(es), (uint32_t)dn->len);

	if (off < 0)
		return 0;
	ext2_dirblock_insert(b->data, (uint32_t)off, dn->ino, dn->name, dn->len, dn->type,
			     es->g.filetype);
	bdirty_phase(b, BWB_META);
	dn->lb = lb;
	return 1;
}

/* Add the entry @dn to @dir, in a new block at the end if none has room.
 * The search starts where the last insertion went (a growing directory
 * fills its last block), then wraps. */
static int dir_add(struct inode *dir, struct dir_name *dn)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	struct ext2_inode *ei = ext2_i(dir);
	uint64_t lb = (uint64_t)dir->size / ext2_bs(es);
	uint32_t pblock;
	struct buf *b;
	bool fresh;
	int r = dir_blocks_range(dir, ei->dir_hint, UINT64_MAX, insert_fn, dn);

	if (r == 0 && ei->dir_hint)
		r = dir_blocks_range(dir, 0, ei->dir_hint, insert_fn, dn);
	if (r > 0)
		ei->dir_hint = dn->lb;

	if (r < 0)
		return r;
	if (r == 0) {
		if (dir->size + ext2_bs(es) > 0xffffffffll)
			return -ENOSPC;
		r = ext2_bmap(dir, lb, true, &pblock, &fresh);
		if (!r)
			r = bget(es->bc, es->dev, pblock, ext2_bs(es), &b);
		if (r) {
			ext2_inode_save(dir); // blocks may have been mapped
			return r;
		}
		ext2_dirblock_init_empty(b->data, ext2_bs(es));
		ext2_dirblock_insert(b->data, 0, dn->ino, dn->name, dn->len, dn->type,
				     es->g.filetype);
		bdirty_phase(b, BWB_META);
		brelse(b);
		dir->size += ext2_bs(es);
		ei->dir_hint = lb;
	}
	return dir_changed(dir);
}

static int remove_fn(struct inode *dir, struct buf *b, uint64_t lb, void *arg)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	struct dir_name *dn = arg;
	struct ext2_de de;

	(void)lb;
	if (ext2_dirblock_find(b->data, ext2_bs(es), es->g.filetype, dn->name, dn->len, &de))
		return 0;
	if (dn->ino && de.inode != dn->ino)
		return -ENOENT;
	ext2_dirblock_remove(b->data, ext2_bs(es), de.off);
	bdirty_phase(b, BWB_META);
	return 1;
}

static int retarget_fn(struct inode *dir, struct buf *b, uint64_t lb, void *arg)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	struct dir_name *dn = arg;
	struct ext2_de de;

	(void)lb;
	if (ext2_dirblock_find(b->data, ext2_bs(es), es->g.filetype, dn->name, dn->len, &de))
		return 0;
	ext2_dirblock_retarget(b->data, de.off, dn->ino, dn->type, es->g.filetype);
	bdirty_phase(b, BWB_META);
	return 1;
}

/* Run @fn (remove or retarget) on @dir's entry @dn. */
static int dir_change(struct inode *dir, dir_block_fn fn, struct dir_name *dn)
{
	int r = dir_for_each_block(dir, fn, dn);

	if (r < 0)
		return r;
	if (!r)
		return -ENOENT;
	return dir_changed(dir);
}

static int names_fn(struct inode *dir, struct buf *b, uint64_t lb, void *arg)
{
	(void)lb;
	(void)arg;
	return ext2_dirblock_has_names(b->data, ext2_bs(ext2_sb_of(dir->sb)),
				       ext2_sb_of(dir->sb)->g.filetype);
}

/* 0 if @dir is empty, -ENOTEMPTY, or an error. */
static int dir_check_empty(struct inode *dir)
{
	int r = dir_for_each_block(dir, names_fn, NULL);

	return r > 0 ? -ENOTEMPTY : r;
}

/* Type-specific contents of the new @inode in @dir. */
static int init_new(struct inode *dir, struct inode *inode, const char *target, size_t tlen)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	uint32_t pblock;
	struct buf *b;
	bool fresh;
	int err;

	inode->nlink = S_ISDIR(inode->mode) ? 2 : 1;
	if (S_ISLNK(inode->mode) && tlen < EXT2_FAST_SYMLINK_MAX) {
		memcpy(ext2_i(inode)->raw.i_block, target, tlen);
		inode->size = (int64_t)tlen;
		return 0;
	}
	if (!S_ISDIR(inode->mode) && !S_ISLNK(inode->mode))
		return 0;
	err = ext2_bmap(inode, 0, true, &pblock, &fresh);
	if (!err)
		err = bget(es->bc, es->dev, pblock, ext2_bs(es), &b);
	if (err)
		return err;
	if (S_ISDIR(inode->mode)) {
		ext2_dirblock_init_dots(b->data, ext2_bs(es), (uint32_t)inode->ino,
					(uint32_t)dir->ino, es->g.filetype);
		inode->size = ext2_bs(es);
	} else {
		memset(b->data, 0, ext2_bs(es));
		memcpy(b->data, target, tlen);
		inode->size = (int64_t)tlen;
	}
	bdirty_phase(b, BWB_META);
	brelse(b);
	return 0;
}

static int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
		       const char *target, size_t tlen, struct inode **out)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	struct dir_name dn = {
		.name = name, .len = len, .ino = 0, .type = ext2_ftype_of_mode(mode)
	};
	struct inode *inode;
	int err;

	if (es->ro)
		return -EROFS;
	if (len > EXT2_NAME_LEN || (S_ISLNK(mode) && tlen >= ext2_bs(es)))
		return -ENAMETOOLONG;
	if (S_ISDIR(mode) && dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_inode_new(dir, mode, &inode);
	if (err)
		return err;
	err = init_new(dir, inode, target, tlen);
	if (!err)
		err = ext2_inode_write(inode);
	dn.ino = (uint32_t)inode->ino;
	if (!err)
		err = dir_add(dir, &dn);
	if (err) {
		inode->nlink = 0; // the eviction frees what it got
		inode_put(inode);
		return err;
	}
	if (S_ISDIR(mode)) {
		dir->nlink++;
		err = ext2_inode_write(dir);
	}
	*out = inode;
	return err;
}

static int ext2_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	struct dir_name dn = { .name = name,
			       .len = len,
			       .ino = (uint32_t)old->ino,
			       .type = ext2_ftype_of_mode(old->mode) };
	int err;

	if (ext2_sb_of(dir->sb)->ro)
		return -EROFS;
	if (old->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	old->nlink++; // the count first: a crash leaves it high, not low
	inode_touch_locked(old, 0);
	err = ext2_inode_write(old);
	if (!err)
		err = dir_add(dir, &dn);
	if (err) {
		old->nlink--;
		ext2_inode_save(old);
	}
	return err;
}

static int ext2_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct dir_name dn = { .name = name, .len = len, .ino = (uint32_t)victim->ino, .type = 0 };
	int err;

	if (ext2_sb_of(dir->sb)->ro)
		return -EROFS;
	err = dir_change(dir, remove_fn, &dn);
	if (err)
		return err;
	victim->nlink--;
	inode_touch_locked(victim, 0);
	return ext2_inode_write(victim);
}

static int ext2_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct dir_name dn = { .name = name, .len = len, .ino = (uint32_t)victim->ino, .type = 0 };
	int err;

	if (ext2_sb_of(dir->sb)->ro)
		return -EROFS;
	err = dir_check_empty(victim);
	if (!err)
		err = dir_change(dir, remove_fn, &dn);
	if (err)
		return err;
	victim->nlink = 0;
	dir->nlink--;
	ext2_inode_save(victim);
	return ext2_inode_write(dir);
}

/* Point the moved directory @src's ".." at @ndir. */
static int set_dotdot(struct inode *src, struct inode *ndir)
{
	struct dir_name dn = {
		.name = "..", .len = 2, .ino = (uint32_t)ndir->ino, .type = EXT2_FT_DIR
	};

	return dir_change(src, retarget_fn, &dn);
}

/* Drop @victim's last name in @ndir's rename: its link counts. */
static void rename_drop_victim(struct inode *ndir, struct inode *victim)
{
	if (S_ISDIR(victim->mode)) {
		victim->nlink = 0;
		ndir->nlink--;
	} else {
		victim->nlink--;
	}
	inode_touch_locked(victim, 0);
	ext2_inode_save(victim);
}

static int ext2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *src,
		       struct inode *ndir, const char *nname, size_t nlen, struct inode *victim)
{
	struct dir_name nd = { .name = nname,
			       .len = nlen,
			       .ino = (uint32_t)src->ino,
			       .type = ext2_ftype_of_mode(src->mode) };
	struct dir_name od = { .name = oname, .len = olen, .ino = (uint32_t)src->ino, .type = 0 };
	int err;

	if (ext2_sb_of(odir->sb)->ro)
		return -EROFS;
	if (nlen > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (victim && S_ISDIR(victim->mode) && (err = dir_check_empty(victim)))
		return err;
	err = victim ? dir_change(ndir, retarget_fn, &nd) : dir_add(ndir, &nd);
	if (err)
		return err;
	if (victim)
		rename_drop_victim(ndir, victim);
	err = dir_change(odir, remove_fn, &od);
	if (err)
		return err;
	if (S_ISDIR(src->mode) && odir != ndir) {
		err = set_dotdot(src, ndir);
		odir->nlink--;
		ndir->nlink++;
	}
	inode_touch_locked(src, 0);
	ext2_inode_save(src);
	ext2_inode_save(odir);
	ext2_inode_save(ndir);
	return err;
}

static uint8_t dtype_of(uint8_t ft)
{
	static const uint8_t map[EXT2_FT_MAX] = { DT_UNKNOWN, DT_REG,  DT_DIR,	DT_CHR,
						  DT_BLK,     DT_FIFO, DT_SOCK, DT_LNK };

	return ft < EXT2_FT_MAX ? map[ft] : DT_UNKNOWN;
}

struct readdir_arg {
	struct dirent_sink *sink;
	int64_t *pos;
	bool full;
};

static int readdir_fn(struct inode *dir, struct buf *b, uint64_t lb, void *arg)
{
	struct ext2_sb *es = ext2_sb_of(dir->sb);
	struct readdir_arg *ra = arg;
	int64_t base = (int64_t)(lb * ext2_bs(es));
	struct ext2_de de;

	if (base + ext2_bs(es) <= *ra->pos)
		return 0;
	for (uint32_t off = 0; off < ext2_bs(es);) {
		uint32_t next = ext2_dirblock_get(b->data, off, es->g.filetype, &de);

		off = next;
		if (base + de.off < *ra->pos || !de.inode)
			continue;
		if (!dirent_sink_add(ra->sink, de.inode, base + next, dtype_of(de.type), de.name,
				     de.name_len)) {
			ra->full = true;
			return 1;
		}
		*ra->pos = base + next;
	}
	*ra->pos = base + ext2_bs(es);
	return 0;
}

static int ext2_readdir(struct file *f, struct dirent_sink *sink, int64_t *pos)
{
	struct readdir_arg ra = { sink, pos, false };
	uint64_t from = *pos > 0 ? (uint64_t)*pos / ext2_bs(ext2_sb_of(f->inode->sb)) : 0;
	int r = dir_blocks_range(f->inode, from, UINT64_MAX, readdir_fn, &ra);

	return r < 0 ? r : 0;
}

const struct inode_ops ext2_dir_iops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};

static int ext2_dir_fsync(struct file *f)
{
	struct ext2_sb *es = ext2_sb_of(f->inode->sb);

	return ext2_sync_cache(es);
}

const struct file_ops ext2_dir_fops = {
	.readdir = ext2_readdir,
	.fsync = ext2_dir_fsync,
};

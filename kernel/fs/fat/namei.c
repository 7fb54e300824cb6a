/*
 * FAT names: create (files and directories; FAT has no symlinks, so
 * -EPERM as Linux's vfat), unlink, rmdir and rename, plus the dentry
 * check that keeps the case-sensitive dcache honest on a case-insensitive
 * filesystem. Each operation works from the victim's or source's own
 * entry offsets (fat_inode), not the name the VFS passed, so "FOO"
 * removes "foo". Write order: a new name is written before the old one
 * is removed, so a crash in between leaves two names, never none.
 * Locking: the VFS holds the directory and inode locks (and the rename
 * mutex for rename).
 */
#include "fs/fat/fat_internal.h"

#include "core/log.h"
#include "fs/dcache.h"
#include "fs/fat/lfn.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "fat: "

bool fat_revalidate(struct dentry *d)
{
	struct inode *inode = dentry_inode(d);
	struct fat_inode *fi;

	if (!inode)
		return false; // "foo" may have been made since "FOO" was missed
	fi = fat_i(inode);
	if (!fi || inode->ino == FAT_ROOT_INO)
		return true;
	if (!inode->nlink || !d->parent || !dentry_inode(d->parent) ||
	    dentry_inode(d->parent)->ino != fi->parent_ino)
		return false;
	return fat_name_is(fi, d->name, d->len);
}

/* The first cluster of @dir as its children's ".." records it. */
static uint32_t dotdot_cluster(struct fat_sb *fs, struct inode *dir)
{
	(void)fs;
	return dir->ino == FAT_ROOT_INO ? 0 : fat_i(dir)->first;
}

/* A new directory's first cluster with "." and "..". */
static int make_dir_cluster(struct fat_sb *fs, struct inode *dir, struct fat_short *de)
{
	struct fat_inode tmp = { 0 };
	struct inode tmpi = { .sb = &fs->sb, .ino = 0, .fs_private = &tmp };
	uint32_t cl;
	int err;

	tmp.inode = &tmpi;
	err = fat_map(fs, &tmp, 0, true, true, &cl);
	if (err)
		return err;
	de->cluster = cl;
	err = fat_dir_init(fs, &tmpi, dotdot_cluster(fs, dir), de);
	if (err && fat_free_chain(fs, cl))
		log_warn("%s: cluster %u lost\n", fs->name, cl);
	return err;
}

static int fat_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
		      const char *target, size_t tlen, struct inode **out)
{
	struct fat_sb *fs = fat_sb_of(dir->sb);
	struct fat_dir_item *it;
	struct fat_short de = { 0 };
	uint64_t slot;
	int err;

	(void)target, (void)tlen;
	if (!S_ISREG(mode) && !S_ISDIR(mode))
		return -EPERM;
	if (fs->ro)
		return -EROFS;
	err = fat_name_check(name, len);
	if (err)
		return err;
	it = kzalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	de.attr = S_ISDIR(mode) ? FAT_ATTR_DIRECTORY : FAT_ATTR_ARCHIVE;
	dir->mtime_ns = dir->atime_ns = vfs_now_ns();
	fat_stamp(&de, dir, true);
	if (S_ISDIR(mode) && (err = make_dir_cluster(fs, dir, &de)))
		goto out;
	err = fat_dir_add(fs, dir, name, len, &de, &it->slot_pos, &it->short_pos, &slot);
	if (err) {
		if (de.cluster && fat_free_chain(fs, de.cluster))
			log_warn("%s: cluster %u lost\n", fs->name, de.cluster);
		goto out;
	}
	it->de = de;
	memcpy(it->name, name, len);
	it->len = len;
	err = fat_iget(fs, dir, it, slot, out);
	if (!err)
		err = fat_write_inode(dir);
out:
	kfree(it);
	return err;
}

/* Take @victim's name out of @dir. */
static int drop_name(struct fat_sb *fs, struct inode *dir, struct inode *victim)
{
	struct fat_inode *fi = fat_i(victim);
	int err;

	if (fs->ro)
		return -EROFS;
	err = fat_dir_remove(fs, dir, fi->slots_off, fi->dir_off);
	if (err)
		return err;
	fat_itable_move(fs, fi, 0);
	victim->nlink = 0; // the clusters go with the last reference (fat_evict)
	return 0;
}

static int fat_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	(void)name, (void)len;
	return drop_name(fat_sb_of(dir->sb), dir, victim);
}

static int fat_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct fat_sb *fs = fat_sb_of(dir->sb);
	int r = fat_dir_is_empty(fs, victim);

	(void)name, (void)len;
	if (r < 0)
		return r;
	return r ? drop_name(fs, dir, victim) : -ENOTEMPTY;
}

/* Point a moved directory's ".." at its new parent. */
static int fix_dotdot(struct fat_sb *fs, struct inode *src, struct inode *ndir)
{
	uint8_t ent[FAT_DIRENT_SIZE];
	struct fat_short de;
	int err = fat_dir_get(fs, src, FAT_DIRENT_SIZE, ent);

	if (err)
		return err;
	fat_short_decode(ent, &de);
	if (!fat_short_is_dot(de.name))
		return fat_corrupt(fs, "directory without '..', cluster", fat_i(src)->first);
	de.cluster = dotdot_cluster(fs, ndir);
	fat_short_encode(ent, &de);
	return fat_dir_put(fs, src, FAT_DIRENT_SIZE, ent, NULL);
}

static int fat_rename(struct inode *odir, const char *oname, size_t olen, struct inode *src,
		      struct inode *ndir, const char *nname, size_t nlen, struct inode *victim)
{
	struct fat_sb *fs = fat_sb_of(odir->sb);
	struct fat_inode *fi = fat_i(src);
	uint8_t ent[FAT_DIRENT_SIZE];
	uint64_t slots_off, dir_off, slot, old_slots = fi->slots_off, old_dir = fi->dir_off;
	struct fat_short de;
	int err;

	(void)oname, (void)olen;
	if (fs->ro)
		return -EROFS;
	err = fat_name_check(nname, nlen);
	if (err)
		return err;
	if (victim && S_ISDIR(victim->mode) && (err = fat_dir_is_empty(fs, victim)) <= 0)
		return err < 0 ? err : -ENOTEMPTY;
	err = fat_dir_get(fs, odir, fi->dir_off, ent);
	if (err)
		return err;
	fat_short_decode(ent, &de);
	err = fat_dir_add(fs, ndir, nname, nlen, &de, &slots_off, &dir_off, &slot);
	if (!err && victim)
		err = drop_name(fs, ndir, victim);
	if (!err)
		err = fat_dir_remove(fs, odir, old_slots, old_dir);
	if (err)
		return err;
	fi->slots_off = slots_off;
	fi->dir_off = dir_off;
	fi->parent_first = fat_i(ndir)->first;
	fi->parent_ino = ndir->ino;
	fat_itable_move(fs, fi, slot);
	err = fat_set_name(fi, nname, nlen);
	if (!err && S_ISDIR(src->mode) && odir != ndir)
		err = fix_dotdot(fs, src, ndir);
	return err;
}

const struct inode_ops fat_dir_iops = {
	.lookup = fat_lookup_op,
	.create = fat_create,
	.unlink = fat_unlink,
	.rmdir = fat_rmdir,
	.rename = fat_rename,
};

/*
 * tmpfs directories and names: entries on a per-directory list in cookie
 * order (the readdir position) and on the superblock's hash table for
 * lookup; create, link, unlink, rmdir, rename and readdir, with the link
 * counts Linux keeps (a directory has 2 + its subdirectories). The VFS
 * has checked every rule that is not about space or emptiness.
 * Locking: the VFS holds the directory inodes' locks; the hash table is
 * under tmpfs_sb.lock.
 */
#include "fs/tmpfs/tmpfs_internal.h"

#include "fs/file.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/dirent.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

struct tmpfs_key {
	const struct inode *dir;
	const char *name;
	size_t len;
};

static bool tmpfs_match(const struct namehash_node *n, const void *key)
{
	const struct tmpfs_dirent *de = container_of(n, struct tmpfs_dirent, hnode);
	const struct tmpfs_key *k = key;

	return de->dir == k->dir && de->len == k->len && !memcmp(de->name, k->name, k->len);
}

/* The entry @name in the locked @dir, or NULL. */
static struct tmpfs_dirent *tmpfs_find(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(dir->sb);
	struct tmpfs_key k = { dir, name, len };
	uint64_t h = namehash_of(&ts->names, (uintptr_t)dir, name, len);
	struct namehash_node *n;

	spin_lock(&ts->lock);
	n = namehash_find(&ts->names, h, tmpfs_match, &k);
	spin_unlock(&ts->lock);
	return n ? container_of(n, struct tmpfs_dirent, hnode) : NULL;
}

static struct tmpfs_dirent *tmpfs_dirent_alloc(const char *name, size_t len)
{
	struct tmpfs_dirent *de = kmalloc(sizeof(*de) + len);

	if (!de)
		return NULL;
	memcpy(de->name, name, len);
	de->len = len;
	namehash_node_init(&de->hnode);
	return de;
}

/* Put @de for @inode into the locked @dir. */
static void tmpfs_dirent_add(struct inode *dir, struct tmpfs_dirent *de, struct inode *inode)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(dir->sb);
	struct tmpfs_inode *td = tmpfs_i(dir);
	uint64_t h = namehash_of(&ts->names, (uintptr_t)dir, de->name, de->len);

	de->dir = dir;
	de->inode = inode;
	de->cookie = td->next_cookie++;
	list_add_tail(&de->link, &td->entries);
	td->nr_entries++;
	dir->size += TMPFS_BOGO_DIRENT;
	spin_lock(&ts->lock);
	namehash_insert(&ts->names, &de->hnode, h);
	spin_unlock(&ts->lock);
}

/* Take @de out of its locked directory (the caller frees it). */
static void tmpfs_dirent_remove(struct tmpfs_dirent *de)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(de->dir->sb);

	spin_lock(&ts->lock);
	namehash_remove(&de->hnode);
	spin_unlock(&ts->lock);
	list_del(&de->link);
	tmpfs_i(de->dir)->nr_entries--;
	de->dir->size -= TMPFS_BOGO_DIRENT;
}

static int tmpfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct tmpfs_dirent *de = tmpfs_find(dir, name, len);

	if (!de)
		return -ENOENT;
	inode_get_linked(de->inode);
	*out = de->inode;
	return 0;
}

/* Type-specific set-up of a new inode. */
static int tmpfs_init_inode(struct inode *dir, struct inode *inode, const char *target, size_t tlen)
{
	struct tmpfs_inode *ti = tmpfs_i(inode);

	if (S_ISDIR(inode->mode)) {
		inode->nlink = 2;
		inode->size = 2 * TMPFS_BOGO_DIRENT;
		ti->parent = dir;
	} else {
		inode->nlink = 1;
	}
	if (S_ISLNK(inode->mode)) {
		ti->target = kmalloc(tlen);
		if (!ti->target)
			return -ENOMEM;
		memcpy(ti->target, target, tlen);
		inode->size = (int64_t)tlen;
	}
	return 0;
}

static int tmpfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
			const char *target, size_t tlen, struct inode **out)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(dir->sb);
	struct tmpfs_dirent *de = tmpfs_dirent_alloc(name, len);
	struct inode *inode = de ? tmpfs_new_inode(ts, mode) : NULL;

	if (!inode || tmpfs_init_inode(dir, inode, target, tlen)) {
		kfree(de);
		if (inode) {
			inode->nlink = 0;
			inode_put(inode);
		}
		return -ENOMEM;
	}
	if (S_ISDIR(mode))
		dir->nlink++;
	tmpfs_dirent_add(dir, de, inode);
	*out = inode;
	return 0;
}

static int tmpfs_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de = tmpfs_dirent_alloc(name, len);

	if (!de)
		return -ENOMEM;
	old->nlink++;
	tmpfs_dirent_add(dir, de, old);
	return 0;
}

static int tmpfs_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct tmpfs_dirent *de = tmpfs_find(dir, name, len);

	if (!de || de->inode != victim)
		return -ENOENT;
	tmpfs_dirent_remove(de);
	kfree(de);
	victim->nlink--;
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct tmpfs_dirent *de = tmpfs_find(dir, name, len);

	if (!de || de->inode != victim)
		return -ENOENT;
	if (tmpfs_i(victim)->nr_entries)
		return -ENOTEMPTY;
	tmpfs_dirent_remove(de);
	kfree(de);
	victim->nlink = 0;
	dir->nlink--;
	return 0;
}

/* Drop the name of @victim in @ndir during a rename. */
static int tmpfs_rename_victim(struct inode *ndir, struct tmpfs_dirent *vde, struct inode *victim)
{
	if (S_ISDIR(victim->mode)) {
		if (tmpfs_i(victim)->nr_entries)
			return -ENOTEMPTY;
		victim->nlink = 0;
		ndir->nlink--;
	} else {
		victim->nlink--;
	}
	tmpfs_dirent_remove(vde);
	kfree(vde);
	return 0;
}

static int tmpfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *src,
			struct inode *ndir, const char *nname, size_t nlen, struct inode *victim)
{
	struct tmpfs_dirent *ode = tmpfs_find(odir, oname, olen);
	struct tmpfs_dirent *vde = victim ? tmpfs_find(ndir, nname, nlen) : NULL;
	struct tmpfs_dirent *nde;
	int err;

	if (!ode || ode->inode != src || (victim && (!vde || vde->inode != victim)))
		return -ENOENT;
	if (victim && S_ISDIR(victim->mode) && tmpfs_i(victim)->nr_entries)
		return -ENOTEMPTY;
	nde = tmpfs_dirent_alloc(nname, nlen);
	if (!nde)
		return -ENOMEM;
	if (victim) {
		err = tmpfs_rename_victim(ndir, vde, victim);
		if (err) {
			kfree(nde);
			return err;
		}
	}
	tmpfs_dirent_remove(ode);
	kfree(ode);
	tmpfs_dirent_add(ndir, nde, src);
	if (S_ISDIR(src->mode) && odir != ndir) {
		odir->nlink--;
		ndir->nlink++;
		tmpfs_i(src)->parent = ndir;
	}
	return 0;
}

static int tmpfs_readdir(struct file *f, struct dirent_sink *sink, int64_t *pos)
{
	struct inode *dir = f->inode;
	struct tmpfs_inode *td = tmpfs_i(dir);
	struct tmpfs_dirent *de;

	if (*pos == 0) {
		if (!dirent_sink_add(sink, dir->ino, 1, DT_DIR, ".", 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (!dirent_sink_add(sink, td->parent->ino, 2, DT_DIR, "..", 2))
			return 0;
		*pos = 2;
	}
	list_for_each_entry (de, &td->entries, link) {
		if ((int64_t)de->cookie < *pos)
			continue;
		if (!dirent_sink_add(sink, de->inode->ino, (int64_t)de->cookie + 1,
				     dirent_type_of_mode(de->inode->mode), de->name, de->len))
			return 0;
		*pos = (int64_t)de->cookie + 1;
	}
	return 0;
}

void tmpfs_dir_free(struct inode *inode)
{
	struct tmpfs_inode *td = tmpfs_i(inode);

	while (!list_empty(&td->entries)) {
		struct tmpfs_dirent *de = list_first_entry(&td->entries, struct tmpfs_dirent, link);

		tmpfs_dirent_remove(de);
		kfree(de);
	}
}

static ssize_t tmpfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = (size_t)inode->size;

	if (n > size)
		n = size;
	memcpy(buf, tmpfs_i(inode)->target, n);
	return (ssize_t)n;
}

const struct inode_ops tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
};

const struct inode_ops tmpfs_link_iops = {
	.readlink = tmpfs_readlink,
};

const struct file_ops tmpfs_dir_fops = {
	.readdir = tmpfs_readdir,
};

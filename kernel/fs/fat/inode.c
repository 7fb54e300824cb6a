/*
 * FAT inodes. FAT has no inode numbers: an inode is its short directory
 * entry, and its number is that entry's place on the device (byte offset
 * / 32, never 0 or 1 since sector 0 is the boot sector); the root is 1.
 * The number is fixed when the inode is first loaded. A rename moves the
 * entry but not the in-memory inode: the table below is keyed by the
 * entry's current place (fat_inode.slot), so an open file follows its
 * entry, and an inode whose number equals a taken place gets one from
 * FAT_UNIQ_INO up. The in-memory inode is the truth while it lives; its
 * short entry is rewritten (fat_write_inode) after each change.
 * Locking: itable_lock guards the table; the rest is the inode's lock.
 */
#include "fs/fat/fat_internal.h"

#include "core/log.h"
#include "fs/fat/lfn.h"
#include "fs/fat/shortname.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "fat: "
#define NS 1000000000ll

static struct list_head *bucket(struct fat_sb *fs, uint64_t slot)
{
	return &fs->itable[(slot * 0x9E3779B97F4A7C15ull) >> 56 & (FAT_ITABLE_BUCKETS - 1)];
}

struct inode *fat_itable_find(struct fat_sb *fs, uint64_t slot)
{
	struct fat_inode *fi;
	struct inode *found = NULL;

	spin_lock(&fs->itable_lock);
	list_for_each_entry (fi, bucket(fs, slot), hlink)
		if (fi->slot == slot) {
			found = fi->inode;
			break;
		}
	spin_unlock(&fs->itable_lock);
	return found;
}

void fat_itable_move(struct fat_sb *fs, struct fat_inode *fi, uint64_t slot)
{
	spin_lock(&fs->itable_lock);
	if (fi->slot)
		list_del(&fi->hlink);
	fi->slot = slot;
	if (slot)
		list_add(&fi->hlink, bucket(fs, slot));
	if (slot && slot != fi->inode->ino)
		fs->renamed = true;
	spin_unlock(&fs->itable_lock);
}

/* Is @ino the number of a live inode (only possible after renames)? */
static bool ino_taken(struct fat_sb *fs, uint64_t ino)
{
	struct fat_inode *fi;
	bool taken = false;

	spin_lock(&fs->itable_lock);
	for (int i = 0; i < FAT_ITABLE_BUCKETS && fs->renamed && !taken; i++)
		list_for_each_entry (fi, &fs->itable[i], hlink)
			if (fi->inode->ino == ino) {
				taken = true;
				break;
			}
	spin_unlock(&fs->itable_lock);
	return taken;
}

uint64_t fat_ino_for(struct fat_sb *fs, uint64_t slot)
{
	struct inode *inode = fat_itable_find(fs, slot);

	return inode ? inode->ino : slot;
}

int fat_set_name(struct fat_inode *fi, const char *name, size_t len)
{
	struct fat_sb *fs = fat_sb_of(fi->inode->sb);
	char *n = kmalloc(len + 1), *old;

	if (!n)
		return -ENOMEM;
	memcpy(n, name, len);
	n[len] = '\0';
	spin_lock(&fs->itable_lock); // fat_revalidate reads it without the inode lock
	old = fi->name;
	fi->name = n;
	fi->len = len;
	spin_unlock(&fs->itable_lock);
	kfree(old);
	return 0;
}

bool fat_name_is(struct fat_inode *fi, const char *name, size_t len)
{
	struct fat_sb *fs = fat_sb_of(fi->inode->sb);
	bool same;

	spin_lock(&fs->itable_lock);
	same = fi->name && fat_name_eq(name, len, fi->name, fi->len);
	spin_unlock(&fs->itable_lock);
	return same;
}

void fat_fill_times(struct inode *inode, const struct fat_short *de)
{
	inode->mtime_ns = fat_time_to_unix(de->mdate, de->mtime) * NS;
	inode->atime_ns = fat_time_to_unix(de->adate, 0) * NS;
	inode->ctime_ns = inode->mtime_ns; // FAT keeps no change time
}

void fat_stamp(struct fat_short *de, struct inode *inode, bool create)
{
	uint16_t t;

	fat_time_from_unix(inode->mtime_ns / NS, &de->mdate, &de->mtime);
	fat_time_from_unix(inode->atime_ns / NS, &de->adate, &t);
	if (create) {
		int64_t now = vfs_now_ns();

		fat_time_from_unix(now / NS, &de->cdate, &de->ctime);
		de->ctime_tenth = (uint8_t)((now / NS % 2) * 100 + now % NS / 10000000);
	}
}

static uint32_t mode_of(const struct fat_short *de)
{
	uint32_t perm = de->attr & FAT_ATTR_DIRECTORY ? 0755 : 0644;

	if (de->attr & FAT_ATTR_READ_ONLY)
		perm &= ~0222u;
	return (de->attr & FAT_ATTR_DIRECTORY ? S_IFDIR : S_IFREG) | perm;
}

static struct inode *new_inode(struct fat_sb *fs, uint64_t ino, uint32_t mode)
{
	struct fat_inode *fi = kzalloc(sizeof(*fi));
	struct inode *inode;

	if (!fi)
		return NULL;
	inode = inode_alloc(&fs->sb, ino, mode, S_ISDIR(mode) ? &fat_dir_iops : &fat_file_iops,
			    S_ISDIR(mode) ? &fat_dir_fops : &fat_file_fops);
	if (!inode) {
		kfree(fi);
		return NULL;
	}
	fi->inode = inode;
	list_init(&fi->hlink);
	inode->fs_private = fi;
	return inode;
}

/* Check @it's chain against its size; fill the cluster count. */
static int check_chain(struct fat_sb *fs, const struct fat_dir_item *it, uint32_t first,
		       uint32_t *n)
{
	bool dir = it->de.attr & FAT_ATTR_DIRECTORY;
	int err = fat_chain_len(fs, first, n);

	if (err)
		return err;
	if (dir && !first)
		return fat_corrupt(fs, "directory without clusters at entry", it->short_pos);
	if (!dir && (uint64_t)*n * fs->g.cluster_size < it->de.size)
		return fat_corrupt(fs, "file shorter than its size, first cluster", first);
	if (!dir && !first && it->de.size)
		return fat_corrupt(fs, "file with a size and no clusters at entry", it->short_pos);
	return 0;
}

int fat_iget(struct fat_sb *fs, struct inode *dir, const struct fat_dir_item *it, uint64_t slot,
	     struct inode **out)
{
	struct inode *inode = fat_itable_find(fs, slot);
	struct fat_inode *fi;
	uint32_t first = it->de.cluster, n;
	int err;

	if (inode) {
		inode_get_linked(inode);
		*out = inode;
		return 0;
	}
	if (fs->g.type != FAT32)
		first &= 0xFFFF;
	err = check_chain(fs, it, first, &n);
	if (err)
		return err;
	inode = new_inode(fs, ino_taken(fs, slot) ? fs->next_uniq++ : slot, mode_of(&it->de));
	if (!inode)
		return -ENOMEM;
	fi = fat_i(inode);
	fi->first = first;
	fi->nr_clusters = n;
	fi->attr = it->de.attr;
	fi->dir_off = it->short_pos;
	fi->slots_off = it->slot_pos;
	fi->parent_first = fat_i(dir)->first;
	fi->parent_ino = dir->ino;
	if (fat_set_name(fi, it->name, it->len)) {
		fi->first = 0; // not ours to free
		inode_put(inode);
		return -ENOMEM;
	}
	inode->nlink = S_ISDIR(inode->mode) ? 2 : 1;
	inode->size = S_ISDIR(inode->mode) ? (int64_t)n * fs->g.cluster_size : it->de.size;
	inode->blocks = (int64_t)n * (fs->g.cluster_size / 512);
	fat_fill_times(inode, &it->de);
	fat_itable_move(fs, fi, slot);
	*out = inode;
	return 0;
}

struct inode *fat_make_root(struct fat_sb *fs)
{
	struct inode *root = new_inode(fs, FAT_ROOT_INO, S_IFDIR | 0755);
	struct fat_inode *fi;
	uint32_t n = 0;

	if (!root)
		return NULL;
	fi = fat_i(root);
	root->nlink = 2;
	if (fs->g.type == FAT32) {
		fi->first = fs->g.root_cluster;
		if (fat_chain_len(fs, fi->first, &n)) {
			root->nlink = 0;
			inode_put(root);
			return NULL;
		}
		fi->nr_clusters = n;
		root->size = (int64_t)n * fs->g.cluster_size;
	} else {
		root->size = (int64_t)fs->g.root_entries * FAT_DIRENT_SIZE;
	}
	root->blocks = root->size / 512;
	fi->parent_ino = FAT_ROOT_INO;
	fi->attr = FAT_ATTR_DIRECTORY;
	root->mtime_ns = root->atime_ns = root->ctime_ns = 315532800ll * NS;
	return root;
}

int fat_write_inode(struct inode *inode)
{
	struct fat_sb *fs = fat_sb_of(inode->sb);
	struct fat_inode *fi = fat_i(inode);
	struct fat_short de;
	struct buf *b;
	uint32_t in;
	int err;

	if (!fi->slot || fs->ro)
		return 0; // the root and unlinked inodes have no entry
	err = fat_bread(fs, fi->slot * FAT_DIRENT_SIZE, &b, &in);
	if (err)
		return err;
	fat_short_decode(b->data + in, &de);
	de.attr = fi->attr;
	de.cluster = fi->first;
	de.size = S_ISDIR(inode->mode) ? 0 : (uint32_t)inode->size;
	fat_stamp(&de, inode, false);
	fat_short_encode(b->data + in, &de);
	bdirty(b);
	brelse(b);
	return 0;
}

void fat_evict(struct inode *inode)
{
	struct fat_sb *fs = fat_sb_of(inode->sb);
	struct fat_inode *fi = fat_i(inode);

	if (!fi)
		return;
	fat_itable_move(fs, fi, 0);
	if (!inode->nlink && fi->first && inode->ino != FAT_ROOT_INO && !fs->ro &&
	    fat_free_chain(fs, fi->first))
		log_warn("%s: clusters of a removed file from %u may be lost\n", fs->name,
			 fi->first);
	fat_nset_free(fi);
	kfree(fi->name);
	kfree(fi);
	inode->fs_private = NULL;
}

/*
 * Inode and superblock life cycle: allocation, reference counting, the
 * per-superblock inode list that umount empties, time stamps and stat.
 * An inode lives while it has references or links; the last reference to
 * an unlinked inode evicts it (the filesystem frees its data) and frees it.
 * Locking: inode->lock (mutex) for attributes, sb->inodes_lock (spinlock,
 * rank LOCK_RANK_SUBSYS + 6) for the list and for a count's last drop
 * against inode_get_linked(); the count is atomic.
 */
#include "fs/inode.h"

#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "time/rtc.h"

#define LOG_PREFIX "vfs: "

#define STAT_BLKSIZE 4096

void super_init(struct super_block *sb, const struct super_ops *ops, const char *type_name)
{
	sb->ops = ops;
	sb->type_name = type_name;
	mutex_init(&sb->rename_mutex, "rename");
	spin_init(&sb->inodes_lock, "sb_inodes", LOCK_RANK_SUBSYS + 6);
	list_init(&sb->inodes);
	list_init(&sb->dentries);
	sb->nr_inodes = 0;
}

int64_t vfs_now_ns(void)
{
	int64_t now = rtc_unix_now_ns();

	return now < 0 ? 0 : now;
}

struct inode *inode_alloc(struct super_block *sb, uint64_t ino, uint32_t mode,
			  const struct inode_ops *iops, const struct file_ops *fops)
{
	struct inode *inode = kzalloc(sizeof(*inode));
	int64_t now = vfs_now_ns();

	if (!inode)
		return NULL;
	inode->sb = sb;
	inode->ino = ino;
	inode->iops = iops;
	inode->fops = fops;
	atomic_set(&inode->count, 1);
	mutex_init(&inode->lock, "inode");
	inode->mode = mode;
	inode->atime_ns = inode->mtime_ns = inode->ctime_ns = now;
	spin_lock(&sb->inodes_lock);
	list_add_tail(&inode->sb_link, &sb->inodes);
	sb->nr_inodes++;
	spin_unlock(&sb->inodes_lock);
	return inode;
}

void inode_get(struct inode *inode)
{
	atomic_inc(&inode->count);
}

/* The filesystem frees @inode's data, then the inode goes. Off the list. */
static void inode_destroy(struct inode *inode)
{
	if (inode->sb->ops->evict_inode)
		inode->sb->ops->evict_inode(inode);
	kfree(inode);
}

void inode_get_linked(struct inode *inode)
{
	struct super_block *sb = inode->sb;

	spin_lock(&sb->inodes_lock);
	atomic_inc(&inode->count);
	spin_unlock(&sb->inodes_lock);
}

/* Drop a reference unless it is the last one. */
static bool inode_put_unless_last(struct inode *inode)
{
	int64_t c = atomic_read(&inode->count);

	while (c > 1) {
		if (atomic_cmpxchg(&inode->count, c, c - 1))
			return true;
		c = atomic_read(&inode->count);
	}
	return false;
}

void inode_put(struct inode *inode)
{
	struct super_block *sb;
	bool dead = false;

	if (!inode || inode_put_unless_last(inode))
		return;
	/*
	 * Maybe the last reference. Going to zero and inode_get_linked() (a
	 * filesystem finding the inode through a name) are serialised by
	 * inodes_lock, and only a holder of a reference changes nlink, so an
	 * inode with no references and no links can be found by nobody.
	 */
	sb = inode->sb;
	spin_lock(&sb->inodes_lock);
	if (atomic_dec_and_test(&inode->count) && READ_ONCE(inode->nlink) == 0) {
		list_del(&inode->sb_link);
		sb->nr_inodes--;
		dead = true;
	}
	spin_unlock(&sb->inodes_lock);
	if (dead)
		inode_destroy(inode);
}

void inode_evict_all(struct super_block *sb)
{
	for (;;) {
		struct inode *inode = NULL;

		spin_lock(&sb->inodes_lock);
		if (!list_empty(&sb->inodes)) {
			inode = list_entry(sb->inodes.next, struct inode, sb_link);
			list_del(&inode->sb_link);
			sb->nr_inodes--;
		}
		spin_unlock(&sb->inodes_lock);
		if (!inode)
			break;
		inode_destroy(inode);
	}
}

void inode_touch_locked(struct inode *inode, unsigned int which)
{
	int64_t now = vfs_now_ns();

	if (which & VFS_ATTR_ATIME)
		inode->atime_ns = now;
	if (which & VFS_ATTR_MTIME)
		inode->mtime_ns = now;
	inode->ctime_ns = now;
}

static void ns_split(int64_t ns, uint64_t *sec, uint64_t *nsec)
{
	*sec = (uint64_t)(ns / (int64_t)1000000000);
	*nsec = (uint64_t)(ns % (int64_t)1000000000);
}

void inode_fill_stat(struct inode *inode, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	mutex_lock(&inode->lock);
	st->st_dev = inode->sb->dev;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = inode->size;
	st->st_blksize = STAT_BLKSIZE;
	st->st_blocks = inode->blocks;
	ns_split(inode->atime_ns, &st->st_atime_sec, &st->st_atime_nsec);
	ns_split(inode->mtime_ns, &st->st_mtime_sec, &st->st_mtime_nsec);
	ns_split(inode->ctime_ns, &st->st_ctime_sec, &st->st_ctime_nsec);
	mutex_unlock(&inode->lock);
}

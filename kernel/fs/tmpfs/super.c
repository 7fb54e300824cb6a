/*
 * tmpfs mounting and accounting: the superblock, the "size=" option, the
 * page budget every data and table page is charged to, inode numbers,
 * statfs, and freeing inodes (eviction) and the superblock (umount).
 * Locking: tmpfs_sb.lock, a spinlock (LOCK_RANK_SUBSYS + 8), for the
 * counters and the name table; nothing is allocated or freed under it.
 */
#include "fs/tmpfs/tmpfs.h"

#include "fs/mount.h"
#include "fs/pipe.h"
#include "fs/tmpfs/tmpfs_internal.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "time/ktime.h"

#define LOG_PREFIX "tmpfs: "

#define TMPFS_NAME_BUCKETS 4096
#define TMPFS_ROOT_INO 1

bool tmpfs_charge(struct tmpfs_sb *ts, uint64_t n)
{
	bool ok;

	spin_lock(&ts->lock);
	ok = ts->used_pages + n <= ts->max_pages;
	if (ok)
		ts->used_pages += n;
	spin_unlock(&ts->lock);
	return ok;
}

void tmpfs_uncharge(struct tmpfs_sb *ts, uint64_t n)
{
	spin_lock(&ts->lock);
	ts->used_pages -= n;
	spin_unlock(&ts->lock);
}

uint64_t tmpfs_used_pages(struct super_block *sb)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(sb);
	uint64_t n;

	spin_lock(&ts->lock);
	n = ts->used_pages;
	spin_unlock(&ts->lock);
	return n;
}

static const struct inode_ops *tmpfs_iops_for(uint32_t mode)
{
	if (S_ISDIR(mode))
		return &tmpfs_dir_iops;
	return S_ISLNK(mode) ? &tmpfs_link_iops : &tmpfs_file_iops;
}

struct inode *tmpfs_new_inode(struct tmpfs_sb *ts, uint32_t mode)
{
	struct tmpfs_inode *ti = kzalloc(sizeof(*ti));
	struct inode *inode;
	uint64_t ino;

	if (!ti)
		return NULL;
	list_init(&ti->entries);
	ti->next_cookie = 2; // 0 and 1 are "." and ".."
	spin_lock(&ts->lock);
	ino = ts->next_ino++;
	spin_unlock(&ts->lock);
	inode = inode_alloc(&ts->sb, ino, mode, tmpfs_iops_for(mode),
			    S_ISDIR(mode)    ? &tmpfs_dir_fops
			    : S_ISFIFO(mode) ? &pipe_fifo_fops // mknod S_IFIFO (fs/pipe.h)
					     : &tmpfs_file_fops);
	if (!inode) {
		kfree(ti);
		return NULL;
	}
	inode->fs_private = ti;
	return inode;
}

static int tmpfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(sb);

	st->f_type = TMPFS_MAGIC;
	st->f_bsize = TMPFS_PAGE;
	st->f_frsize = TMPFS_PAGE;
	spin_lock(&ts->lock);
	st->f_blocks = ts->max_pages;
	st->f_bfree = ts->max_pages - ts->used_pages;
	spin_unlock(&ts->lock);
	st->f_bavail = st->f_bfree;
	spin_lock(&sb->inodes_lock);
	st->f_files = sb->nr_inodes + st->f_bfree; // no inode limit: any free page could be one
	st->f_ffree = st->f_bfree;
	spin_unlock(&sb->inodes_lock);
	return 0;
}

static void tmpfs_evict(struct inode *inode)
{
	struct tmpfs_inode *ti = tmpfs_i(inode);

	if (!ti)
		return;
	if (S_ISREG(inode->mode))
		tmpfs_data_free(inode);
	if (S_ISDIR(inode->mode))
		tmpfs_dir_free(inode);
	kfree(ti->target);
	kfree(ti);
	inode->fs_private = NULL;
}

static void tmpfs_put_super(struct super_block *sb)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(sb);

	kfree(ts->names.buckets);
	kfree(ts);
}

static const struct super_ops tmpfs_super_ops = {
	.statfs = tmpfs_statfs,
	.evict_inode = tmpfs_evict,
	.put_super = tmpfs_put_super,
};

/* "size=N[kmg]" into bytes; other options are refused with -EINVAL. */
static int tmpfs_parse_size(const char *opt, uint64_t *bytes)
{
	char num[24];
	size_t len = strlen(opt);
	unsigned long long v;
	unsigned int shift = 0;

	if (len < 1 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, opt, len + 1);
	switch (num[len - 1]) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift)
		num[len - 1] = '\0';
	if (kstrtoull(num, 10, &v) || v > (~0ull >> (shift + 1)))
		return -EINVAL;
	*bytes = v << shift;
	return 0;
}

/* Parse the comma-separated @opts into @ts. */
static int tmpfs_parse_opts(struct tmpfs_sb *ts, const char *opts)
{
	char opt[40];

	while (opts && *opts) {
		size_t n = 0;
		uint64_t bytes;

		while (opts[n] && opts[n] != ',')
			n++;
		if (n >= sizeof(opt) || n < 5 || memcmp(opts, "size=", 5))
			return -EINVAL;
		memcpy(opt, opts + 5, n - 5);
		opt[n - 5] = '\0';
		if (tmpfs_parse_size(opt, &bytes))
			return -EINVAL;
		ts->max_pages = (bytes + TMPFS_PAGE - 1) / TMPFS_PAGE;
		opts += n + (opts[n] == ',');
	}
	return 0;
}

static uint64_t tmpfs_default_pages(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.total_pages / 2;
}

/* The root directory of a new tmpfs. */
static int tmpfs_make_root(struct tmpfs_sb *ts)
{
	struct inode *root = tmpfs_new_inode(ts, S_IFDIR | 01777);

	if (!root)
		return -ENOMEM;
	root->nlink = 2;
	root->size = 2 * TMPFS_BOGO_DIRENT;
	tmpfs_i(root)->parent = root;
	ts->sb.root = root;
	return 0;
}

static int tmpfs_mount(const char *source, const char *opts, struct super_block **out)
{
	struct tmpfs_sb *ts = kzalloc(sizeof(*ts));
	struct list_head *buckets = kmalloc(TMPFS_NAME_BUCKETS * sizeof(*buckets));
	int err = -ENOMEM;

	(void)source;
	if (!ts || !buckets)
		goto err_free;
	super_init(&ts->sb, &tmpfs_super_ops, "tmpfs");
	ts->sb.max_file_size = TMPFS_MAX_FILE_SIZE;
	ts->sb.fs_private = ts;
	spin_init(&ts->lock, "tmpfs", LOCK_RANK_SUBSYS + 8);
	ts->next_ino = TMPFS_ROOT_INO;
	ts->max_pages = tmpfs_default_pages();
	namehash_init(&ts->names, buckets, TMPFS_NAME_BUCKETS, ktime_ns() ^ (uintptr_t)ts);
	err = tmpfs_parse_opts(ts, opts);
	if (!err)
		err = tmpfs_make_root(ts);
	if (err)
		goto err_free;
	*out = &ts->sb;
	return 0;
err_free:
	kfree(buckets);
	kfree(ts);
	return err;
}

static const struct fs_type tmpfs_type = { .name = "tmpfs", .mount = tmpfs_mount };

void tmpfs_register(void)
{
	fs_type_register(&tmpfs_type);
}

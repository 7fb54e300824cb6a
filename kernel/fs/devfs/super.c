/*
 * devfs mounting and names: the superblock, its fixed table of device
 * files (built at mount from the memory devices and the blkdev registry),
 * the root directory's lookup and readdir, and the refusals of every
 * name change (-EPERM). Also devfs_init(), which puts it at /dev.
 * Locking: nothing of its own; the table is immutable after mount and the
 * VFS holds the directory's lock around lookup and readdir.
 */
#include "fs/devfs/devfs.h"

#include "core/log.h"
#include "drivers/block/bcache.h"
#include "fs/devfs/devfs_internal.h"
#include "fs/file.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/dirent.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "devfs: "

#define MODE_RW_ALL 0666
#define MODE_RW_OWNER 0600
#define MODE_DISK 0660

struct devfs_chr {
	const char *name;
	uint32_t perm;
	uint32_t major, minor;
	const struct file_ops *fops;
};

static const struct devfs_chr devfs_chrs[] = {
	{ "null", MODE_RW_ALL, DEVFS_MEM_MAJOR, 3, &devfs_null_fops },
	{ "zero", MODE_RW_ALL, DEVFS_MEM_MAJOR, 5, &devfs_zero_fops },
	{ "full", MODE_RW_ALL, DEVFS_MEM_MAJOR, 7, &devfs_full_fops },
	{ "random", MODE_RW_ALL, DEVFS_MEM_MAJOR, 8, &devfs_random_fops },
	{ "urandom", MODE_RW_ALL, DEVFS_MEM_MAJOR, 9, &devfs_random_fops },
	{ "kmsg", MODE_RW_OWNER, DEVFS_MEM_MAJOR, 11, &devfs_kmsg_fops },
	{ "console", MODE_RW_OWNER, DEVFS_TTYAUX_MAJOR, 1, &devfs_console_fops },
	{ "tty", MODE_RW_ALL, DEVFS_TTYAUX_MAJOR, 0, &devfs_tty_fops },
};

static int devfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct devfs_sb *ds = dir->sb->fs_private;

	for (size_t i = 0; i < ds->nr_nodes; i++) {
		struct devfs_node *n = &ds->nodes[i];

		if (strlen(n->name) == len && !memcmp(n->name, name, len)) {
			inode_get_linked(n->inode);
			*out = n->inode;
			return 0;
		}
	}
	return -ENOENT;
}

static int devfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
			const char *target, size_t tlen, struct inode **out)
{
	return -EPERM; // the set of devices is the kernel's
}

static int devfs_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	return -EPERM;
}

static int devfs_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	return -EPERM;
}

static int devfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *src,
			struct inode *ndir, const char *nname, size_t nlen, struct inode *victim)
{
	return -EPERM;
}

/* "." and ".." at positions 0 and 1, then node i at position 2 + i. */
static int devfs_readdir(struct file *f, struct dirent_sink *sink, int64_t *pos)
{
	static const char *const dots[] = { ".", ".." };
	struct inode *dir = f->inode;
	struct devfs_sb *ds = dir->sb->fs_private;

	for (; *pos < 2; (*pos)++)
		if (!dirent_sink_add(sink, DEVFS_ROOT_INO, *pos + 1, DT_DIR, dots[*pos],
				     strlen(dots[*pos])))
			return 0;
	for (; *pos - 2 < (int64_t)ds->nr_nodes; (*pos)++) {
		struct devfs_node *n = &ds->nodes[*pos - 2];

		if (!dirent_sink_add(sink, n->inode->ino, *pos + 1, dirent_type_of_mode(n->mode),
				     n->name, strlen(n->name)))
			return 0;
	}
	return 0;
}

static const struct inode_ops devfs_dir_iops = {
	.lookup = devfs_lookup,
	.create = devfs_create,
	.link = devfs_link,
	.unlink = devfs_unlink,
	.rmdir = devfs_unlink,
	.rename = devfs_rename,
};

static const struct file_ops devfs_dir_fops = {
	.readdir = devfs_readdir,
};

static const struct inode_ops devfs_dev_iops = { 0 };

static int devfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct devfs_sb *ds = sb->fs_private;

	st->f_type = DEVFS_MAGIC;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_files = ds->nr_nodes + 1;
	return 0;
}

/* Write back the disks' cached blocks (sync(2) reaches this). */
static int devfs_sync(struct super_block *sb)
{
	struct devfs_sb *ds = sb->fs_private;
	int err = 0;

	for (size_t i = 0; i < ds->nr_nodes; i++) {
		int e = ds->nodes[i].blk ? bcache_sync(bcache_default(), ds->nodes[i].blk) : 0;

		if (!err)
			err = e;
	}
	return err;
}

static void devfs_evict(struct inode *inode)
{
	inode->fs_private = NULL; // the node belongs to the superblock
}

static void devfs_put_super(struct super_block *sb)
{
	kfree(sb->fs_private);
}

static const struct super_ops devfs_super_ops = {
	.statfs = devfs_statfs,
	.sync = devfs_sync,
	.evict_inode = devfs_evict,
	.put_super = devfs_put_super,
};

static void devfs_add_disk(struct blkdev *dev, void *arg)
{
	struct devfs_sb *ds = arg;
	struct devfs_node *n;
	size_t disk = ds->nr_nodes - ARRAY_SIZE(devfs_chrs);

	if (disk >= DEVFS_MAX_DISKS)
		return;
	n = &ds->nodes[ds->nr_nodes++];
	strlcpy(n->name, dev->name, sizeof(n->name));
	n->mode = S_IFBLK | MODE_DISK;
	n->rdev = devfs_makedev(DEVFS_VIRTBLK_MAJOR, (uint32_t)disk * DEVFS_VIRTBLK_MINORS);
	n->fops = &devfs_blk_fops;
	n->blk = dev;
	n->blk_size = devfs_blk_size_for(dev);
}

/* An inode for every node, and the root. */
static int devfs_make_inodes(struct devfs_sb *ds)
{
	struct inode *root = inode_alloc(&ds->sb, DEVFS_ROOT_INO, S_IFDIR | 0755, &devfs_dir_iops,
					 &devfs_dir_fops);

	if (!root)
		return -ENOMEM;
	root->nlink = 2;
	ds->sb.root = root;
	for (size_t i = 0; i < ds->nr_nodes; i++) {
		struct devfs_node *n = &ds->nodes[i];
		struct inode *inode = inode_alloc(&ds->sb, DEVFS_ROOT_INO + 1 + i, n->mode,
						  &devfs_dev_iops, n->fops);

		if (!inode)
			return -ENOMEM; // the VFS frees what was made with the superblock
		inode->nlink = 1;
		inode->rdev = n->rdev;
		inode->fs_private = n;
		if (n->blk)
			inode->size = (int64_t)(n->blk->nr_sectors * BLK_SECTOR_SIZE);
		n->inode = inode;
		inode_put(inode); // the link keeps it
	}
	return 0;
}

static int devfs_mount(const char *source, const char *opts, struct super_block **out)
{
	struct devfs_sb *ds;
	int err;

	if (opts && *opts)
		return -EINVAL;
	ds = kzalloc(sizeof(*ds));
	if (!ds)
		return -ENOMEM;
	super_init(&ds->sb, &devfs_super_ops, "devfs");
	ds->sb.max_file_size = INT64_MAX; // disks bound their own writes
	ds->sb.fs_private = ds;
	for (size_t i = 0; i < ARRAY_SIZE(devfs_chrs); i++) {
		struct devfs_node *n = &ds->nodes[ds->nr_nodes++];

		strlcpy(n->name, devfs_chrs[i].name, sizeof(n->name));
		n->mode = S_IFCHR | devfs_chrs[i].perm;
		n->rdev = devfs_makedev(devfs_chrs[i].major, devfs_chrs[i].minor);
		n->fops = devfs_chrs[i].fops;
	}
	blkdev_for_each(devfs_add_disk, ds);
	err = devfs_make_inodes(ds);
	if (err) {
		inode_evict_all(&ds->sb);
		kfree(ds);
		return err;
	}
	*out = &ds->sb;
	return 0;
}

static const struct fs_type devfs_type = { .name = "devfs", .mount = devfs_mount };

void devfs_register(void)
{
	devfs_random_init();
	fs_type_register(&devfs_type);
}

void devfs_init(void)
{
	struct vfs_path at;
	int err = vfs_mkdir(NULL, "/dev", 0755);

	if (err && err != -EEXIST)
		goto out_log;
	err = vfs_walk(NULL, "/dev", WALK_FOLLOW | WALK_DIRECTORY, &at);
	if (err)
		goto out_log;
	err = vfs_mount_at(&at, "devfs", "none", NULL);
	vfs_path_put(&at);
	if (err)
		goto out_log;
	log_info("mounted at /dev\n");
	return;
out_log:
	log_err("cannot mount /dev (%d)\n", err);
}

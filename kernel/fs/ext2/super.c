/*
 * ext2 mounting: the superblock read and checked (sbcheck.c), feature
 * bits judged (unknown INCOMPAT refuses, unknown RO_COMPAT or a
 * filesystem marked with errors mounts read-only), every group
 * descriptor checked, the root inode read; the superblock's state, mount
 * count and times kept as Linux keeps them (VALID cleared while mounted
 * read-write, set again at umount). Also statfs, sync and umount.
 * Locking: see ext2_internal.h; the superblock's buffer lock guards its
 * bytes.
 */
#include "fs/ext2/ext2.h"

#include "core/log.h"
#include "fs/ext2/ext2_internal.h"
#include "fs/mount.h"
#include "include/uapi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "ext2: "
#define EXT2_STATFS_MAGIC 0xEF53

int ext2_super_get(struct ext2_sb *es, struct buf **b, struct ext2_super **sup)
{
	int err = bread(es->bc, es->dev, es->sb_block, ext2_bs(es), b);

	if (err)
		return err;
	*sup = (struct ext2_super *)((*b)->data + es->sb_off);
	return 0;
}

void ext2_mark_errors(struct ext2_sb *es)
{
	struct ext2_super *sup;
	struct buf *b;

	if (es->ro || ext2_super_get(es, &b, &sup))
		return;
	if (!(sup->s_state & EXT2_ERROR_FS)) {
		log_warn("%s: marked as having errors: run e2fsck\n", es->dev->name);
		sup->s_state |= EXT2_ERROR_FS;
		bdirty_phase(b, BWB_LAST);
	}
	brelse(b);
}

static const char *const incompat_names[] = {
	"compression",
	"filetype",
	"needs_recovery",
	"journal_dev",
	"meta_bg",
	"(bit 5)",
	"extent",
	"64bit",
	"mmp",
	"flex_bg",
	"ea_inode",
	"(bit 11)",
	"dirdata",
	"metadata_csum_seed",
	"large_dir",
	"inline_data",
	"encrypt",
	"casefold",
};

static const char *const ro_names[] = {
	"sparse_super", "large_file", "btree_dir", "huge_file", "gdt_csum",	 "dir_nlink",
	"extra_isize",	"(bit 7)",    "quota",	   "bigalloc",	"metadata_csum", "(bit 11)",
	"readonly",	"project",    "(bit 14)",  "verity",
};

/* Names of the set bits of @bits into @out. */
static void feature_names(uint32_t bits, const char *const *names, size_t n, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (uint32_t i = 0; i < 32; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (i < n)
			used += ksnprintf(out + used, size - used, "%s%s", used ? " " : "",
					  names[i]);
		else
			used += ksnprintf(out + used, size - used, "%s(bit %u)", used ? " " : "",
					  i);
		if (used >= size)
			break;
	}
}

/* Read the superblock straight from the device (before the block size
 * is known) and check it. */
static int read_super(struct blkdev *dev, struct ext2_geom *g, bool quiet)
{
	struct ext2_super *sup = kmalloc(EXT2_SUPER_SIZE);
	const char *why;
	int err;

	if (!sup)
		return -ENOMEM;
	err = blk_read(dev, EXT2_SUPER_OFFSET / BLK_SECTOR_SIZE, EXT2_SUPER_SIZE / BLK_SECTOR_SIZE,
		       sup);
	if (!err)
		err = ext2_super_parse(sup, dev->nr_sectors * BLK_SECTOR_SIZE, g, &why);
	if (err && !quiet)
		log_err("%s: bad superblock: %s\n", dev->name, why);
	if (!err && g->block_size < dev->block_size)
		err = -EINVAL;
	kfree(sup);
	return err;
}

static bool ext2_probe(struct blkdev *dev)
{
	struct ext2_geom g;

	return read_super(dev, &g, true) == 0;
}

/* Judge the feature bits: 0, -EINVAL (refuse), or es->ro set. */
static int check_features(struct ext2_sb *es)
{
	char names[160];

	if (es->g.incompat_unknown) {
		feature_names(es->g.incompat_unknown, incompat_names,
			      sizeof(incompat_names) / sizeof(incompat_names[0]), names,
			      sizeof(names));
		log_err("%s: unsupported INCOMPAT features: %s; not mounted\n", es->dev->name,
			names);
		return -EINVAL;
	}
	if (es->g.ro_unknown) {
		feature_names(es->g.ro_unknown, ro_names, sizeof(ro_names) / sizeof(ro_names[0]),
			      names, sizeof(names));
		log_warn("%s: unsupported RO_COMPAT features: %s; mounting read-only\n",
			 es->dev->name, names);
		es->ro = true;
	}
	return 0;
}

/* Check every group descriptor. */
static int check_groups(struct ext2_sb *es)
{
	for (uint32_t grp = 0; grp < es->g.groups; grp++) {
		struct ext2_group_desc *gd;
		struct buf *b;
		bool sane;
		int err = ext2_gd_get(es, grp, &b, &gd);

		if (err)
			return err;
		sane = ext2_gd_is_sane(gd, grp, &es->g);
		brelse(b);
		if (!sane) {
			log_err("%s: group %u: corrupt group descriptor\n", es->dev->name, grp);
			return -EUCLEAN;
		}
	}
	return 0;
}

/* Mount-time superblock update: state, mount count, mount time. */
static int mark_mounted(struct ext2_sb *es)
{
	struct ext2_super *sup;
	struct buf *b;
	int err = ext2_super_get(es, &b, &sup);

	if (err)
		return err;
	es->was_valid = sup->s_state & EXT2_VALID_FS;
	if (sup->s_state & EXT2_ERROR_FS) {
		log_warn("%s: filesystem has errors (run e2fsck); mounting read-only\n",
			 es->dev->name);
		es->ro = true;
	} else if (!es->was_valid) {
		log_warn("%s: mounting a filesystem that was not cleanly unmounted\n",
			 es->dev->name);
	}
	if (!es->ro) {
		sup->s_state &= (uint16_t)~EXT2_VALID_FS;
		sup->s_mnt_count++;
		sup->s_mtime = (uint32_t)(vfs_now_ns() / 1000000000);
		bdirty_phase(b, BWB_LAST);
		err = bwrite(b);
	}
	brelse(b);
	return err;
}

static struct ext2_sb *ext2_sb_alloc(struct blkdev *dev)
{
	struct ext2_sb *es = kzalloc(sizeof(*es));

	if (!es)
		return NULL;
	es->dev = dev;
	es->bc = bcache_default();
	mutex_init(&es->alloc_lock, "ext2_alloc");
	mutex_init(&es->icache_lock, "ext2_icache");
	atomic_set(&es->sync_gen, 1);
	for (int i = 0; i < EXT2_IHASH; i++)
		list_init(&es->ihash[i]);
	return es;
}

static bool opts_say_ro(const char *opts)
{
	size_t n;

	while (opts && *opts) {
		n = 0;
		while (opts[n] && opts[n] != ',')
			n++;
		if (n == 2 && !memcmp(opts, "ro", 2))
			return true;
		opts += n + (opts[n] == ',');
	}
	return false;
}

static const struct super_ops ext2_super_ops;

static int ext2_fill(struct ext2_sb *es, const char *opts)
{
	struct inode *root;
	int err;

	es->ro = opts_say_ro(opts) || es->dev->read_only;
	es->sb_block = EXT2_SUPER_OFFSET / ext2_bs(es);
	es->sb_off = EXT2_SUPER_OFFSET % ext2_bs(es);
	err = check_features(es);
	if (!err)
		err = check_groups(es);
	if (err)
		return err;
	super_init(&es->sb, &ext2_super_ops, "ext2");
	es->sb.fs_private = es;
	es->sb.max_file_size = es->g.max_file_size;
	err = ext2_iget(es, EXT2_ROOT_INO, &root);
	if (err)
		return err;
	if (!inode_is_dir(root)) {
		log_err("%s: inode 2 (the root) is not a directory\n", es->dev->name);
		inode_evict_all(&es->sb);
		return -EUCLEAN;
	}
	es->sb.root = root;
	err = mark_mounted(es);
	if (err)
		inode_evict_all(&es->sb);
	return err;
}

static int ext2_mount(const char *source, const char *opts, struct super_block **out)
{
	struct blkdev *dev = source ? blkdev_find(source) : NULL;
	struct ext2_sb *es;
	int err;

	if (!dev)
		return -ENXIO;
	es = ext2_sb_alloc(dev);
	if (!es)
		return -ENOMEM;
	err = read_super(dev, &es->g, false);
	if (!err)
		err = ext2_fill(es, opts);
	if (err) {
		bcache_invalidate(es->bc, dev);
		kfree(es);
		return err;
	}
	log_info("%s: %u KiB blocks, %u groups, %u inodes%s\n", dev->name, ext2_bs(es) / 1024,
		 es->g.groups, es->g.inodes_count, es->ro ? ", read-only" : "");
	*out = &es->sb;
	return 0;
}

static int ext2_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct ext2_sb *es = ext2_sb_of(sb);
	struct ext2_super *sup;
	struct buf *b;
	int err = ext2_super_get(es, &b, &sup);

	if (err)
		return err;
	st->f_type = EXT2_STATFS_MAGIC;
	st->f_bsize = ext2_bs(es);
	st->f_frsize = ext2_bs(es);
	st->f_blocks = sup->s_blocks_count;
	st->f_bfree = sup->s_free_blocks_count;
	st->f_bavail = sup->s_free_blocks_count > sup->s_r_blocks_count
			       ? sup->s_free_blocks_count - sup->s_r_blocks_count
			       : 0;
	st->f_files = sup->s_inodes_count;
	st->f_ffree = sup->s_free_inodes_count;
	st->f_namelen = EXT2_NAME_LEN;
	brelse(b);
	return 0;
}

int ext2_sync_cache(struct ext2_sb *es)
{
	/* Buffers dirtied before the bump are written by this sync. */
	int64_t gen = atomic_add_return(&es->sync_gen, 1) - 1;
	int err = bcache_sync(es->bc, es->dev);
	int64_t c = atomic_read(&es->clean_gen);

	while (!err && c < gen && !atomic_cmpxchg(&es->clean_gen, c, gen))
		c = atomic_read(&es->clean_gen);
	return err;
}

/* Write the superblock's write time and the inodes, then the cache. */
static int ext2_sync(struct super_block *sb)
{
	struct ext2_sb *es = ext2_sb_of(sb);
	struct ext2_super *sup;
	struct buf *b;

	if (es->ro)
		return 0;
	ext2_write_all_inodes(es);
	if (!ext2_super_get(es, &b, &sup)) {
		sup->s_wtime = (uint32_t)(vfs_now_ns() / 1000000000);
		bdirty_phase(b, BWB_LAST);
		brelse(b);
	}
	return ext2_sync_cache(es);
}

/* Umount (every inode already evicted and written): the superblock is
 * marked clean last, after everything else reached the disk. */
static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb *es = ext2_sb_of(sb);
	struct ext2_super *sup;
	struct buf *b;

	if (!es->ro && !bcache_sync(es->bc, es->dev) && !ext2_super_get(es, &b, &sup)) {
		if (es->was_valid && !(sup->s_state & EXT2_ERROR_FS))
			sup->s_state |= EXT2_VALID_FS;
		sup->s_wtime = (uint32_t)(vfs_now_ns() / 1000000000);
		bdirty_phase(b, BWB_LAST);
		brelse(b);
		if (bcache_sync(es->bc, es->dev))
			log_err("%s: superblock not written at umount\n", es->dev->name);
	}
	bcache_invalidate(es->bc, es->dev);
	kfree(es);
}

static const struct super_ops ext2_super_ops = {
	.statfs = ext2_statfs,
	.sync = ext2_sync,
	.evict_inode = ext2_evict,
	.put_super = ext2_put_super,
};

static const struct fs_type ext2_type = {
	.name = "ext2",
	.requires_dev = true,
	.mount = ext2_mount,
	.probe = ext2_probe,
};

void ext2_register(void)
{
	fs_type_register(&ext2_type);
}

/*
 * FAT mounting: the type "vfat", probe() for `mount` without -t and the
 * boot automount, the boot sector and FSInfo (fatgen103 §3, §5), the
 * dirty marks (FAT[1]'s clean-shutdown bit on FAT16/32, §4, and the boot
 * sector's state byte, as Linux and dosfstools use it) set while mounted
 * read-write and cleared on a clean unmount, statfs, sync and umount.
 * The free count is always counted from the FAT at mount (FSInfo's is a
 * hint, §5) and written back to FSInfo on sync and umount.
 * Locking: fat_lock around the free count and FSInfo.
 */
#include "fs/fat/fat.h"

#include "core/log.h"
#include "drivers/block/blkdev.h"
#include "fs/fat/fat_internal.h"
#include "fs/mount.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "fat: "
#define MSDOS_SUPER_MAGIC 0x4d44 // statfs f_type (include/uapi/linux/magic.h)
#define FAT_BUFS 0		 // the kernel's cache (so `sync` and shutdown reach us)

/* Read the first 512 bytes of @dev into @bs (a 4096-byte kmalloc). */
static int read_boot(struct blkdev *dev, uint8_t *bs)
{
	uint32_t count = dev->block_size > 512 ? dev->block_size / 512 : 1;

	if (dev->nr_sectors < count || count > 8)
		return -EINVAL;
	return blk_read(dev, 0, count, bs);
}

bool fat_probe(struct blkdev *dev)
{
	uint8_t *bs = kmalloc(4096);
	struct fat_geom g;
	const char *why;
	bool ok;

	if (!bs)
		return false;
	ok = !read_boot(dev, bs) &&
	     !fat_bpb_parse(bs, 4096, dev->nr_sectors * BLK_SECTOR_SIZE, &g, &why);
	kfree(bs);
	return ok;
}

/* The largest block size (<= 4096) every region boundary is a multiple of. */
static uint32_t pick_bsize(const struct fat_geom *g)
{
	uint64_t ss = g->sector_size;
	uint64_t mix = g->reserved * ss | g->fat_sectors * ss | g->root_start * ss |
		       g->data_start * ss | g->cluster_size;
	uint32_t b = 4096;

	while (b > g->sector_size && (mix % b))
		b /= 2;
	return b;
}

/* FAT[1]'s clean-shutdown bit (FAT16/32; fatgen103 §4). */
static int set_clean_bit(struct fat_sb *fs, bool clean)
{
	uint32_t bit = fs->g.type == FAT32 ? 0x08000000u : 0x8000u, v;
	int err;

	if (fs->g.type == FAT12)
		return 0;
	mutex_lock(&fs->fat_lock);
	err = fat_get(fs, 1, &v);
	if (!err && !clean && !(v & bit))
		log_warn("%s: not cleanly unmounted last time; run fsck.fat\n", fs->name);
	if (!err)
		err = fat_set(fs, 1, clean ? v | bit : v & ~bit);
	mutex_unlock(&fs->fat_lock);
	return err;
}

/* The boot sector's state byte. */
static int set_state(struct fat_sb *fs, bool dirty)
{
	unsigned int at = fs->g.type == FAT32 ? BS32_RESERVED1 : BS16_RESERVED1;
	struct buf *b;
	uint32_t in;
	int err = fat_bread(fs, 0, &b, &in);

	if (err)
		return err;
	if (b->data[at + 1] != 0x29) { // no extended boot record: the byte is boot code
		brelse(b);
		return 0;
	}
	if (dirty)
		b->data[at] |= FAT_STATE_DIRTY;
	else
		b->data[at] &= (uint8_t)~FAT_STATE_DIRTY;
	bdirty(b);
	err = bwrite(b);
	brelse(b);
	return err;
}

/* Read (@write false) or write FSInfo's free count and next-free hint. */
static int fsinfo_io(struct fat_sb *fs, bool write)
{
	uint64_t at = (uint64_t)fs->g.fsinfo_sector * fs->g.sector_size;
	struct buf *b;
	uint32_t in, next;
	int err;

	if (fs->g.type != FAT32 || !fs->g.fsinfo_sector)
		return 0;
	err = fat_bread(fs, at, &b, &in);
	if (err)
		return err;
	if (fat_le32(b->data + in + FSI_LEAD_SIG) != FSI_LEAD_MAGIC ||
	    fat_le32(b->data + in + FSI_STRUC_SIG) != FSI_STRUC_MAGIC) {
		brelse(b);
		return 0; // no valid FSInfo: nothing to keep up to date
	}
	if (write) {
		mutex_lock(&fs->fat_lock);
		fat_put32(b->data + in + FSI_FREE_COUNT, fs->free_count);
		fat_put32(b->data + in + FSI_NXT_FREE, fs->next_free);
		mutex_unlock(&fs->fat_lock);
		bdirty(b);
	} else {
		next = fat_le32(b->data + in + FSI_NXT_FREE);
		if (fat_cluster_valid(&fs->g, next))
			fs->next_free = next;
	}
	brelse(b);
	return 0;
}

static int fat_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct fat_sb *fs = fat_sb_of(sb);

	st->f_type = MSDOS_SUPER_MAGIC;
	st->f_bsize = fs->g.cluster_size;
	st->f_frsize = fs->g.cluster_size;
	st->f_blocks = fs->g.nr_clusters;
	mutex_lock(&fs->fat_lock);
	st->f_bfree = fs->free_count;
	mutex_unlock(&fs->fat_lock);
	st->f_bavail = st->f_bfree;
	st->f_files = 0;
	st->f_ffree = 0;
	st->f_namelen = 255;
	return 0;
}

static int fat_sync(struct super_block *sb)
{
	struct fat_sb *fs = fat_sb_of(sb);
	int err = fs->ro ? 0 : fsinfo_io(fs, true);

	return err ? err : bcache_sync(fs->bc, fs->dev);
}

static void fat_put_super(struct super_block *sb)
{
	struct fat_sb *fs = fat_sb_of(sb);
	int err = 0;

	if (!fs->ro) {
		err = fsinfo_io(fs, true);
		if (!err)
			err = set_clean_bit(fs, true);
		if (!err)
			err = set_state(fs, false);
		if (!err)
			err = bcache_sync(fs->bc, fs->dev);
		if (err)
			log_warn("%s: unmount could not write everything back (%d)\n", fs->name,
				 err);
	}
	kfree(fs->bounce);
	kfree(fs);
}

static const struct super_ops fat_super_ops = {
	.statfs = fat_statfs,
	.sync = fat_sync,
	.evict_inode = fat_evict,
	.put_super = fat_put_super,
	.revalidate = fat_revalidate,
};

static int parse_opts(struct fat_sb *fs, const char *opts)
{
	while (opts && *opts) {
		size_t n = 0;

		while (opts[n] && opts[n] != ',')
			n++;
		if (n == 2 && !memcmp(opts, "ro", 2))
			fs->ro = true;
		else if (!(n == 2 && !memcmp(opts, "rw", 2)))
			return -EINVAL;
		opts += n + (opts[n] == ',');
	}
	return 0;
}

/* Read the boot sector and set up @fs's geometry. */
static int fat_load(struct fat_sb *fs, struct blkdev *dev)
{
	uint8_t *bs = kmalloc(4096);
	const char *why = "";
	int err;

	if (!bs)
		return -ENOMEM;
	err = read_boot(dev, bs);
	if (!err)
		err = fat_bpb_parse(bs, 4096, dev->nr_sectors * BLK_SECTOR_SIZE, &fs->g, &why);
	kfree(bs);
	if (err) {
		log_warn("%s: not a FAT volume: %s\n", dev->name,
			 err == -EINVAL ? why : "I/O error");
		if (err != -EINVAL)
			return -EIO;
		/* A boot sector that says FAT but has absurd fields is damaged. */
		return strcmp(why, "no boot sector signature") && strcmp(why, "no jump instruction")
			       ? -EUCLEAN
			       : -EINVAL;
	}
	fs->bsize = pick_bsize(&fs->g);
	if (fs->bsize < dev->block_size) {
		log_warn("%s: FAT sectors of %u bytes on a disk of %u-byte blocks\n", dev->name,
			 fs->g.sector_size, dev->block_size);
		return -EINVAL;
	}
	return 0;
}

/* Count free clusters, read FSInfo, mark the volume in use. */
static int fat_start(struct fat_sb *fs)
{
	int err;

	mutex_lock(&fs->fat_lock);
	fs->next_free = 2;
	err = fat_count_free(fs);
	mutex_unlock(&fs->fat_lock);
	if (!err)
		err = fsinfo_io(fs, false);
	if (!err && !fs->ro)
		err = set_clean_bit(fs, false);
	if (!err && !fs->ro)
		err = set_state(fs, true);
	return err;
}

static int fat_mount(const char *source, const char *opts, struct super_block **out)
{
	struct blkdev *dev = blkdev_find(source);
	struct fat_sb *fs;
	int err;

	if (!dev)
		return -ENXIO;
	fs = kzalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	super_init(&fs->sb, &fat_super_ops, "vfat");
	fs->sb.max_file_size = 0xFFFFFFFFll; // DIR_FileSize is 32 bits
	fs->sb.fs_private = fs;
	fs->dev = dev;
	fs->bc = bcache_default();
	strlcpy(fs->name, dev->name, sizeof(fs->name));
	mutex_init(&fs->fat_lock, "fat");
	mutex_init(&fs->bounce_lock, "fat_bounce");
	fs->bounce = kmalloc(FAT_DIRECT_MAX); // NULL: long reads use the cache
	spin_init(&fs->itable_lock, "fat_itable", LOCK_RANK_SUBSYS + 9);
	for (int i = 0; i < FAT_ITABLE_BUCKETS; i++)
		list_init(&fs->itable[i]);
	fs->next_uniq = FAT_UNIQ_INO;
	err = parse_opts(fs, opts);
	if (!err && dev->read_only)
		fs->ro = true;
	if (!err)
		err = fat_load(fs, dev);
	if (!err)
		err = fat_start(fs);
	if (!err && !(fs->sb.root = fat_make_root(fs)))
		err = -EUCLEAN;
	if (err) {
		if (!fs->ro && fs->g.type)
			(void)set_state(fs, false);
		kfree(fs->bounce);
		kfree(fs);
		return err;
	}
	log_info("%s: FAT%d, %u clusters of %u bytes (%u free), %u FAT%s%s\n", fs->name, fs->g.type,
		 fs->g.nr_clusters, fs->g.cluster_size, fs->free_count, fs->g.nr_fats,
		 fs->g.nr_fats == 1 ? "" : "s", fs->ro ? ", read-only" : "");
	*out = &fs->sb;
	return 0;
}

static const struct fs_type fat_type = {
	.name = "vfat",
	.requires_dev = true,
	.mount = fat_mount,
	.probe = fat_probe,
};

void fat_register(void)
{
	fs_type_register(&fat_type);
}

/*
 * FAT in the kernel: the VFS conformance suite on FAT16 and FAT32 (the
 * skips FAT needs are the conf_fs skip bits below: no symlinks, no hard
 * links, no directory link counts, no holes), filling a volume to -ENOSPC
 * and recovering, and the fixture's non-ASCII names.
 *
 * The factory: tests/qemu/test_fat.py attaches blank volumes made by
 * mkfs.fat with the label CORVIDCONF (one FAT16, one FAT32). Before the
 * first mount the metadata (boot sector to the end of the root directory
 * or FAT32's root cluster) is read into memory; before every mount
 * (conf_fs.fresh_source) it is written back, which makes the volume blank again (data clusters
 * need no wiping: new directory clusters are zeroed when allocated).
 * Without those disks the tests are skipped with a log line.
 */
#include "core/log.h"
#include "drivers/block/bcache.h"
#include "drivers/block/blkdev.h"
#include "fs/fat/bpb.h"
#include "fs/namei.h"
#include "fs/vfs_conformance.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/crc32.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "fat_ktest: "
#define CONF_LABEL "CORVIDCONF "

struct fat_scratch {
	char name[BLK_NAME_MAX];
	struct blkdev *dev;
	uint8_t *meta; // the blank metadata
	uint32_t sectors;
};

static struct fat_scratch scratch16, scratch32;

static void find_one(struct blkdev *dev, void *arg)
{
	uint8_t *bs = arg;
	struct fat_geom g;
	const char *why;
	struct fat_scratch *s;

	if (dev->block_size != 512 || blk_read(dev, 0, 1, bs) ||
	    fat_bpb_parse(bs, 512, dev->nr_sectors * 512, &g, &why))
		return;
	if (memcmp(bs + (g.type == FAT32 ? BS32_VOL_LAB : BS16_VOL_LAB), CONF_LABEL, 11))
		return;
	s = g.type == FAT32 ? &scratch32 : g.type == FAT16 ? &scratch16 : NULL;
	if (!s || s->dev)
		return;
	s->dev = dev;
	strlcpy(s->name, dev->name, sizeof(s->name));
	s->sectors = (uint32_t)(g.data_start * g.sector_size / 512);
	if (g.type == FAT32)
		s->sectors += (g.root_cluster - 1) * g.cluster_size / 512;
}

/* The scratch volume of @type, its blank metadata saved; NULL if none. */
static struct fat_scratch *scratch_get(enum fat_type type)
{
	static bool scanned;
	struct fat_scratch *s = type == FAT32 ? &scratch32 : &scratch16;

	if (!scanned) {
		uint8_t *bs = kmalloc(512);

		KASSERT(bs);
		blkdev_for_each(find_one, bs);
		kfree(bs);
		scanned = true;
	}
	if (s->dev && !s->meta) {
		s->meta = kmalloc((size_t)s->sectors * 512);
		KASSERT(s->meta);
		KASSERT_EQ(blk_read(s->dev, 0, s->sectors, s->meta), 0);
	}
	return s->dev ? s : NULL;
}

static void scratch_restore(struct fat_scratch *s)
{
	bcache_invalidate(bcache_default(), s->dev); // unmounted: all clean
	KASSERT_EQ(blk_write(s->dev, 0, s->sectors, s->meta), 0);
}

/* conf_fs.fresh_source: a blank volume again, and its device. */
static const char *fresh_source(const struct conf_fs *fs)
{
	struct fat_scratch *s = fs->priv;

	scratch_restore(s);
	return s->name;
}

#define FAT_SKIPS \
	(CONF_NO_SYMLINK | CONF_NO_HARDLINK | CONF_NO_NLINK | CONF_NO_HOLES | CONF_NO_SPARSE)

static const struct conf_fs conf_fat16 = {
	.type = "vfat", .skip = FAT_SKIPS, .fresh_source = fresh_source, .priv = &scratch16
};
static const struct conf_fs conf_fat32 = {
	.type = "vfat", .skip = FAT_SKIPS, .fresh_source = fresh_source, .priv = &scratch32
};

static bool have(enum fat_type type, const char *test)
{
	if (scratch_get(type))
		return true;
	log_info("%s skipped: no blank FAT%d disk labelled CORVIDCONF\n", test, type);
	return false;
}

KTEST(vfs_conformance_vfat16_io)
{
	if (have(FAT16, "vfs_conformance_vfat16_io"))
		conf_run(&conf_fat16, conf_cases_io);
}

KTEST(vfs_conformance_vfat16_ns)
{
	if (have(FAT16, "vfs_conformance_vfat16_ns"))
		conf_run(&conf_fat16, conf_cases_ns);
}

KTEST(vfs_conformance_vfat16_smp)
{
	if (have(FAT16, "vfs_conformance_vfat16_smp"))
		conf_run(&conf_fat16, conf_cases_smp);
}

KTEST(vfs_conformance_vfat32_io)
{
	if (have(FAT32, "vfs_conformance_vfat32_io"))
		conf_run(&conf_fat32, conf_cases_io);
}

KTEST(vfs_conformance_vfat32_ns)
{
	if (have(FAT32, "vfs_conformance_vfat32_ns"))
		conf_run(&conf_fat32, conf_cases_ns);
}

KTEST(vfs_conformance_vfat32_smp)
{
	if (have(FAT32, "vfs_conformance_vfat32_smp"))
		conf_run(&conf_fat32, conf_cases_smp);
}

/* Fill the volume, check nothing written is lost, free it, fill again. */
static void enospc_case(struct conf_ctx *c)
{
	uint8_t *buf = kmalloc(CONF_FILL_CHUNK), *want = kmalloc(CONF_FILL_CHUNK);
	struct linux_statfs sfs;
	struct file *f;
	int64_t a, b, a2;

	KASSERT(buf && want);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	a = conf_fill_file(c, "d/a", buf, 1);
	KASSERT(a > 1 << 20);
	KASSERT_EQ(vfs_statfs(&c->cwd, ".", &sfs), 0);
	KASSERT_EQ(sfs.f_bfree, 0);
	KASSERT_EQ(vfs_open(&c->cwd, "d/new", O_CREAT | O_WRONLY, 0644, &f), 0);
	KASSERT_EQ(vfs_write(f, "x", 1), -ENOSPC); // no cluster for it
	file_put(f);
	KASSERT_EQ(vfs_unlink(&c->cwd, "d/new"), 0);
	conf_check_filled(c, "d/a", buf, want, a, 1);
	KASSERT_EQ(vfs_truncate(&c->cwd, "d/a", a / 2), 0);
	b = conf_fill_file(c, "b", buf, 2);
	KASSERT(b >= a / 2 - 65536);
	conf_check_filled(c, "d/a", buf, want, a / 2, 1);
	conf_check_filled(c, "b", buf, want, b, 2);
	KASSERT_EQ(vfs_unlink(&c->cwd, "b"), 0);
	KASSERT_EQ(vfs_unlink(&c->cwd, "d/a"), 0);
	a2 = conf_fill_file(c, "d/a", buf, 3);
	KASSERT_EQ(a2, a); // every cluster came back
	KASSERT_EQ(vfs_unlink(&c->cwd, "d/a"), 0);
	kfree(buf);
	kfree(want);
}

/* On the (small) FAT16 volume: filling the FAT32 one takes minutes under
 * TCG; FAT32's free count is checked by fsck.fat in test_fat.py. */
KTEST(fat_enospc_and_recover)
{
	struct conf_ctx c;

	if (!have(FAT16, "fat_enospc_and_recover"))
		return;
	conf_mount(&c, &conf_fat16);
	enospc_case(&c);
	conf_umount(&c);
}

/* The fixture's non-ASCII names (tools/mkfatimg.py), which the shell's
 * line editor cannot type: found in a listing, opened, and their bytes
 * checked by CRC-32 against the host's (test_fat.py checks the same
 * constants against the fixture). */
static const struct {
	const char *name;
	uint32_t crc, size;
} fixture_names[] = {
	{ "Gr\xc3\xbc\xc3\x9f"
	  "e, \xe6\x97\xa5\xe6\x9c\xac.txt",
	  0xd48b5806, 19 },
	{ "\xc3\xa9t\xc3\xa9 \xe2\x80\x93 caf\xc3\xa9.bin", 0xcc6a5018, 1000 },
};

static int listed;

static void note_fixture(const char *name, uint8_t type, void *arg)
{
	(void)type, (void)arg;
	for (size_t i = 0; i < sizeof(fixture_names) / sizeof(fixture_names[0]); i++)
		listed += !strcmp(name, fixture_names[i].name);
}

KTEST(fat_fixture_unicode_names)
{
	struct conf_ctx c = { 0 };
	uint8_t *buf = kmalloc(1024);
	char path[80];
	struct linux_stat st;

	KASSERT(buf);
	if (vfs_walk(NULL, "/mnt", WALK_FOLLOW, &c.cwd)) {
		log_info("fat_fixture_unicode_names skipped: no /mnt\n");
		kfree(buf);
		return;
	}
	ksnprintf(path, sizeof(path), "vdb/%s", fixture_names[0].name);
	if (vfs_stat(&c.cwd, path, &st)) {
		log_info("fat_fixture_unicode_names skipped: no fixture image on /mnt/vdb\n");
		goto out;
	}
	listed = 0;
	KASSERT(conf_count_entries(&c, "vdb", note_fixture, NULL) > 2);
	KASSERT_EQ(listed, 2);
	for (size_t i = 0; i < sizeof(fixture_names) / sizeof(fixture_names[0]); i++) {
		ksnprintf(path, sizeof(path), "vdb/%s", fixture_names[i].name);
		KASSERT_EQ(conf_get(&c, path, buf, 1024), (ssize_t)fixture_names[i].size);
		KASSERT_EQ(crc32_update(0, buf, fixture_names[i].size), fixture_names[i].crc);
	}
out:
	vfs_path_put(&c.cwd);
	kfree(buf);
}

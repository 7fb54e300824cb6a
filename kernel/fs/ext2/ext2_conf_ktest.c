/*
 * The VFS conformance suite on ext2, 1 KiB and 4 KiB blocks. Each case
 * needs a fresh filesystem: the scenario (tests/qemu/test_ext2.py)
 * attaches blank images made by the host's mke2fs (vdb: 1 KiB blocks,
 * vdc: 4 KiB, unmounted before the test), which are read once into
 * memory as templates; every case then mounts a RAM block device
 * ("rama", "ramb", registered at first use, test code only) holding a
 * fresh copy. Without those disks the tests do nothing.
 */
#include "core/log.h"
#include "drivers/block/blkdev.h"
#include "fs/namei.h"
#include "fs/vfs_conformance.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmalloc.h"

#define LOG_PREFIX "ext2_conf: "
#define RAM_MAX_SECTORS (32u << 11) // 32 MiB
#define BOUNCE 128u		    // sectors per template read

struct ramdisk {
	const char *serial; // the template's disk
	struct blkdev dev;
	uint8_t *tmpl, *data;
	bool ready, absent;
};

static int ram_submit(struct blkdev *dev, struct blk_request *rq)
{
	struct ramdisk *rd = dev->priv;
	uint8_t *p = rd->data + rq->sector * BLK_SECTOR_SIZE;
	size_t n = (size_t)rq->count * BLK_SECTOR_SIZE;

	if (rq->op == BLK_OP_READ)
		memcpy(rq->buf, p, n);
	else if (rq->op == BLK_OP_WRITE)
		memcpy(p, rq->buf, n);
	rq->status = 0;
	blkdev_account(dev, rq);
	rq->done(rq);
	return 0;
}

static void ram_poll(struct blkdev *dev)
{
	(void)dev;
}

static const struct blkdev_ops ram_ops = { .submit = ram_submit, .poll = ram_poll };

/* The suite wants an empty root: mount the copy once and remove the
 * lost+found mke2fs made. */
static void ram_strip(struct ramdisk *rd)
{
	struct vfs_path at;
	int err = vfs_mkdir(NULL, "/ktest", 0755);

	KASSERT(err == 0 || err == -EEXIST);
	KASSERT_EQ(vfs_mkdir(NULL, "/ktest/ext2tmpl", 0755), 0);
	KASSERT_EQ(vfs_walk(NULL, "/ktest/ext2tmpl", WALK_FOLLOW, &at), 0);
	KASSERT_EQ(vfs_mount_at(&at, "ext2", rd->dev.name, NULL), 0);
	vfs_path_put(&at);
	KASSERT_EQ(vfs_rmdir(NULL, "/ktest/ext2tmpl/lost+found"), 0);
	KASSERT_EQ(vfs_walk(NULL, "/ktest/ext2tmpl", WALK_FOLLOW, &at), 0);
	KASSERT_EQ(vfs_umount(&at), 0);
	KASSERT_EQ(vfs_rmdir(NULL, "/ktest/ext2tmpl"), 0);
}

/* Read the template disk and register the RAM disk; false if absent. */
static bool ram_setup(struct ramdisk *rd)
{
	struct blkdev *src = blkdev_find_serial(rd->serial);
	const struct fs_type *t = src ? fs_type_probe(src) : NULL;
	uint8_t *bounce;
	uint64_t n;

	if (!t || strcmp(t->name, "ext2") || src->nr_sectors > RAM_MAX_SECTORS) {
		log_info("no template disk '%s': skipped\n", rd->serial);
		rd->absent = true;
		return false;
	}
	n = src->nr_sectors;
	rd->tmpl = vmalloc(n * BLK_SECTOR_SIZE);
	rd->data = vmalloc(n * BLK_SECTOR_SIZE);
	KASSERT(rd->tmpl && rd->data);
	bounce = kmalloc(BOUNCE * BLK_SECTOR_SIZE); // requests need contiguous memory
	KASSERT(bounce);
	for (uint64_t s = 0; s < n; s += BOUNCE) {
		uint32_t cnt = n - s < BOUNCE ? (uint32_t)(n - s) : BOUNCE;

		KASSERT_EQ(blk_read(src, s, cnt, bounce), 0);
		memcpy(rd->tmpl + s * BLK_SECTOR_SIZE, bounce, cnt * BLK_SECTOR_SIZE);
	}
	kfree(bounce);
	rd->dev.nr_sectors = n;
	rd->dev.block_size = BLK_SECTOR_SIZE;
	rd->dev.max_sectors = 256;
	rd->dev.ops = &ram_ops;
	rd->dev.priv = rd;
	KASSERT_EQ(blkdev_register(&rd->dev, "ram"), 0);
	memcpy(rd->data, rd->tmpl, n * BLK_SECTOR_SIZE);
	ram_strip(rd);
	memcpy(rd->tmpl, rd->data, n * BLK_SECTOR_SIZE);
	rd->ready = true;
	return true;
}

static const char *ram_fresh(const struct conf_fs *fs)
{
	struct ramdisk *rd = fs->priv;

	memcpy(rd->data, rd->tmpl, rd->dev.nr_sectors * BLK_SECTOR_SIZE);
	return rd->dev.name;
}

static struct ramdisk rd1k = { .serial = "corvid-scratch" };
static struct ramdisk rd4k = { .serial = "corvid-disk1" };
static const struct conf_fs conf_ext2_1k = { .type = "ext2",
					     .fresh_source = ram_fresh,
					     .priv = &rd1k };
static const struct conf_fs conf_ext2_4k = { .type = "ext2",
					     .fresh_source = ram_fresh,
					     .priv = &rd4k };

static void conf_ext2(const struct conf_fs *fs, const struct conf_case *cases)
{
	struct ramdisk *rd = fs->priv;

	if (rd->absent || (!rd->ready && !ram_setup(rd)))
		return;
	conf_run(fs, cases);
}

KTEST(vfs_conformance_ext2_1k_io)
{
	conf_ext2(&conf_ext2_1k, conf_cases_io);
}

KTEST(vfs_conformance_ext2_1k_ns)
{
	conf_ext2(&conf_ext2_1k, conf_cases_ns);
}

KTEST(vfs_conformance_ext2_1k_smp)
{
	conf_ext2(&conf_ext2_1k, conf_cases_smp);
}

KTEST(vfs_conformance_ext2_4k_io)
{
	conf_ext2(&conf_ext2_4k, conf_cases_io);
}

KTEST(vfs_conformance_ext2_4k_ns)
{
	conf_ext2(&conf_ext2_4k, conf_cases_ns);
}

KTEST(vfs_conformance_ext2_4k_smp)
{
	conf_ext2(&conf_ext2_4k, conf_cases_smp);
}

/*
 * devfs through the VFS API at /dev: null, zero, full, urandom, the
 * directory listing and its refusals, device numbers in stat, and a
 * byte-offset round trip on the scratch disk (serial "corvid-scratch";
 * skipped with a log line without it) that must leave the neighbouring
 * bytes of the block alone.
 */
#include "core/log.h"
#include "drivers/block/bcache.h"
#include "drivers/block/blkdev.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "devfs_ktest: "

static struct file *dev_open(const char *path, unsigned int flags)
{
	struct file *f = NULL;

	KASSERT_EQ(vfs_open(NULL, path, flags, 0, &f), 0);
	return f;
}

KTEST(devfs_null_swallows_writes_and_reads_eof)
{
	struct file *f = dev_open("/dev/null", O_RDWR);
	char buf[16] = "x";

	KASSERT_EQ(vfs_write(f, "hello", 5), 5);
	KASSERT_EQ(vfs_read(f, buf, sizeof(buf)), 0);
	KASSERT_EQ(buf[0], 'x');
	file_put(f);
}

KTEST(devfs_zero_fills_a_buffer_with_zeros)
{
	struct file *f = dev_open("/dev/zero", O_RDWR);
	uint8_t buf[300];

	memset(buf, 0xa5, sizeof(buf));
	KASSERT_EQ(vfs_read(f, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		KASSERT_EQ(buf[i], 0);
	KASSERT_EQ(vfs_write(f, buf, 10), 10);
	file_put(f);
}

KTEST(devfs_full_reads_zeros_and_refuses_writes)
{
	struct file *f = dev_open("/dev/full", O_RDWR);
	uint8_t buf[8] = { 1 };

	KASSERT_EQ(vfs_write(f, "x", 1), -ENOSPC);
	KASSERT_EQ(vfs_read(f, buf, sizeof(buf)), 8);
	KASSERT_EQ(buf[0], 0);
	file_put(f);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

KTEST(devfs_urandom_reads_differ_and_are_not_zero)
{
	struct file *f = dev_open("/dev/urandom", O_RDONLY);
	struct file *g = dev_open("/dev/random", O_RDONLY);
	uint8_t a[64], b[64], c[64];

	KASSERT_EQ(vfs_read(f, a, sizeof(a)), 64);
	KASSERT_EQ(vfs_read(f, b, sizeof(b)), 64);
	KASSERT_EQ(vfs_read(g, c, sizeof(c)), 64);
	KASSERT(!all_zero(a, 64) && !all_zero(b, 64) && !all_zero(c, 64));
	KASSERT(memcmp(a, b, 64) != 0);
	KASSERT(memcmp(a, c, 64) != 0 && memcmp(b, c, 64) != 0);
	file_put(g);
	file_put(f);
}

/* Is @name among the getdents64 records of /dev? */
static bool dev_lists(const char *name)
{
	struct file *f = dev_open("/dev", O_RDONLY | O_DIRECTORY);
	char *buf = kmalloc(4096);
	bool found = false;
	ssize_t n;

	KASSERT(buf);
	while (!found && (n = vfs_getdents64(f, buf, 4096)) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			if (!strcmp(d->d_name, name))
				found = true;
			off += d->d_reclen;
		}
	}
	kfree(buf);
	file_put(f);
	return found;
}

KTEST(devfs_readdir_lists_the_devices)
{
	static const char *const names[] = { ".",      "..",	  "null",    "zero", "full",
					     "random", "urandom", "console", "kmsg" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		KASSERT(dev_lists(names[i]));
	KASSERT(!dev_lists("nonesuch"));
	if (blkdev_find("vda"))
		KASSERT(dev_lists("vda"));
}

KTEST(devfs_names_cannot_change)
{
	struct file *f = NULL;

	KASSERT_EQ(vfs_open(NULL, "/dev/newfile", O_CREAT | O_WRONLY, 0644, &f), -EPERM);
	KASSERT_EQ(vfs_mkdir(NULL, "/dev/d", 0755), -EPERM);
	KASSERT_EQ(vfs_unlink(NULL, "/dev/null"), -EPERM);
	KASSERT_EQ(vfs_rename(NULL, "/dev/zero", "/dev/zero2"), -EPERM);
	KASSERT(dev_lists("null") && dev_lists("zero"));
}

KTEST(devfs_stat_gives_types_modes_and_device_numbers)
{
	struct linux_stat st;

	KASSERT_EQ(vfs_stat(NULL, "/dev/null", &st), 0);
	KASSERT_EQ(st.st_mode, S_IFCHR | 0666);
	KASSERT_EQ(st.st_rdev, (1u << 8) | 3); // 1:3
	KASSERT_EQ(vfs_stat(NULL, "/dev/urandom", &st), 0);
	KASSERT_EQ(st.st_rdev, (1u << 8) | 9);
	KASSERT_EQ(vfs_stat(NULL, "/dev/console", &st), 0);
	KASSERT_EQ(st.st_mode, S_IFCHR | 0600);
	KASSERT_EQ(st.st_rdev, (5u << 8) | 1);
	KASSERT_EQ(vfs_stat(NULL, "/dev/kmsg", &st), 0);
	KASSERT_EQ(st.st_rdev, (1u << 8) | 11);
}

KTEST(devfs_kmsg_reads_the_log)
{
	struct file *f;
	char *buf = kmalloc(16384 + 1);
	ssize_t n;

	KASSERT(buf);
	log_info("kmsg marker 4c1f\n");
	f = dev_open("/dev/kmsg", O_RDONLY);
	n = vfs_read(f, buf, 16384);
	KASSERT(n > 0);
	buf[n] = '\0';
	KASSERT(strstr(buf, "devfs_ktest: kmsg marker 4c1f") != NULL);
	file_put(f);
	kfree(buf);
}

#define RT_OFF 4093 // straddles the boundary of the first 4 KiB block
#define RT_LEN 7

KTEST(devfs_disk_round_trip_at_an_unaligned_offset)
{
	struct blkdev *dev = blkdev_find_serial("corvid-scratch");
	char path[16] = "/dev/";
	uint8_t before[32], after[32];
	struct linux_stat st;
	struct file *f;
	int64_t cap;

	if (!dev) {
		log_info("devfs_disk_round_trip skipped: no disk with serial 'corvid-scratch'\n");
		return;
	}
	strlcpy(path + 5, dev->name, sizeof(path) - 5);
	cap = (int64_t)(dev->nr_sectors * BLK_SECTOR_SIZE);
	KASSERT_EQ(vfs_stat(NULL, path, &st), 0);
	KASSERT_EQ(st.st_mode & S_IFMT, S_IFBLK);
	KASSERT_EQ(st.st_mode & 0777, 0660);
	KASSERT_EQ(st.st_size, cap);
	KASSERT_EQ(st.st_rdev >> 8, 254);
	f = dev_open(path, O_RDWR);
	KASSERT_EQ(vfs_pread(f, before, sizeof(before), RT_OFF - 12), 32);
	KASSERT_EQ(vfs_pwrite(f, "devfs!!", RT_LEN, RT_OFF), RT_LEN);
	KASSERT_EQ(vfs_fsync(f), 0);
	bcache_invalidate(bcache_default(), dev); // the next read goes to the disk
	KASSERT_EQ(vfs_pread(f, after, sizeof(after), RT_OFF - 12), 32);
	KASSERT(!memcmp(after + 12, "devfs!!", RT_LEN));
	KASSERT(!memcmp(after, before, 12));
	KASSERT(!memcmp(after + 12 + RT_LEN, before + 12 + RT_LEN, 32 - 12 - RT_LEN));
	KASSERT_EQ(vfs_pwrite(f, before + 12, RT_LEN, RT_OFF), RT_LEN); // put it back
	KASSERT_EQ(vfs_pread(f, after, 8, cap), 0);
	KASSERT_EQ(vfs_pread(f, after, 8, cap - 4), 4);
	KASSERT_EQ(vfs_pwrite(f, "x", 1, cap), -ENOSPC);
	KASSERT_EQ(vfs_pwrite(f, "abcdefgh", 8, cap - 2), 2);
	KASSERT_EQ(vfs_pwrite(f, after, 2, cap - 2), 2); // restore the last bytes
	KASSERT_EQ(vfs_fsync(f), 0);
	file_put(f);
}

KTEST(devfs_read_only_disk_refuses_writes)
{
	struct blkdev *dev = blkdev_find_serial("corvid-iso");
	char path[16] = "/dev/";
	uint8_t b[4];
	struct file *f;

	if (!dev || !dev->read_only) {
		log_info("devfs_read_only_disk skipped: no read-only disk 'corvid-iso'\n");
		return;
	}
	strlcpy(path + 5, dev->name, sizeof(path) - 5);
	f = dev_open(path, O_RDWR);
	KASSERT_EQ(vfs_pread(f, b, sizeof(b), 0), 4);
	KASSERT_EQ(vfs_pwrite(f, b, sizeof(b), 0), -EROFS);
	file_put(f);
}

#define BIG_READ 10000 // crosses the generator's 4 KiB rekeying

KTEST(devfs_urandom_large_read_has_no_repeated_blocks)
{
	struct file *f = dev_open("/dev/urandom", O_RDONLY);
	uint8_t *buf = kmalloc(BIG_READ);
	size_t nblk = BIG_READ / 64;

	KASSERT(buf);
	KASSERT_EQ(vfs_read(f, buf, BIG_READ), BIG_READ);
	for (size_t i = 0; i < nblk; i++)
		for (size_t j = i + 1; j < nblk; j++)
			KASSERT(memcmp(buf + 64 * i, buf + 64 * j, 64) != 0);
	kfree(buf);
	file_put(f);
}

KTEST(devfs_second_mount_works_and_unmounts_cleanly)
{
	struct vfs_path at, root;
	struct linux_stat st;

	KASSERT_EQ(vfs_mkdir(NULL, "/devfs_ktest", 0755), 0);
	KASSERT_EQ(vfs_walk(NULL, "/devfs_ktest", WALK_FOLLOW | WALK_DIRECTORY, &at), 0);
	KASSERT_EQ(vfs_mount_at(&at, "devfs", "none", NULL), 0);
	vfs_path_put(&at);
	KASSERT_EQ(vfs_stat(NULL, "/devfs_ktest/zero", &st), 0);
	KASSERT_EQ(st.st_rdev, (1u << 8) | 5);
	KASSERT_EQ(vfs_mkdir(NULL, "/devfs_ktest/x", 0755), -EPERM);
	KASSERT_EQ(vfs_walk(NULL, "/devfs_ktest", WALK_FOLLOW | WALK_DIRECTORY, &root), 0);
	KASSERT_EQ(vfs_umount(&root), 0);
	KASSERT_EQ(vfs_stat(NULL, "/devfs_ktest/zero", &st), -ENOENT);
	KASSERT_EQ(vfs_rmdir(NULL, "/devfs_ktest"), 0);
}

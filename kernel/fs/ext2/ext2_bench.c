/*
 * ext2 benchmarks (`make bench`) on a 4 KiB-block ext2 disk that
 * tools/bench.py attaches (serial "corvid-disk1", mounted at boot at
 * /mnt/vdX): sequential write and cold read of a 64 MiB file, the read
 * as a percentage of raw sequential reads of the same device, create +
 * unlink of 10,000 files with the sync at the end included, and what
 * `ls -l` does to a 10,000-entry directory. A failure is logged and that
 * metric skipped.
 */
#include "bench/bench.h"
#include "core/log.h"
#include "drivers/block/bcache.h"
#include "drivers/block/blkdev.h"
#include "fs/vfs.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "time/ktime.h"

#define LOG_PREFIX "ext2-bench: "

#define SEQ_BYTES (64ull << 20)
#define CHUNK (1u << 20)
#define CHUNK_ORDER 8 // CHUNK in pages
#define NFILES 10000
#define NAME_MAX_LEN 96
#define DENTS_BUF 8192

static uint64_t per_second(uint64_t n, uint64_t ns)
{
	return ns ? n * NSEC_PER_SEC / ns : 0;
}

/* Write then (cold) read @path; returns the read rate in bytes/s. */
static uint64_t bench_file(struct blkdev *dev, const char *path, uint8_t *buf)
{
	struct file *f = NULL;
	uint64_t start, n, rate = 0;

	if (vfs_open(NULL, path, O_RDWR | O_CREAT | O_TRUNC, 0644, &f))
		return 0;
	start = ktime_ns();
	for (n = 0; n < SEQ_BYTES; n += CHUNK)
		if (vfs_write(f, buf, CHUNK) != CHUNK)
			goto out;
	if (vfs_sync())
		goto out;
	bench_metric("ext2_seq_write_64m", per_second(SEQ_BYTES, ktime_ns() - start) >> 20,
		     "MiB/s");
	bcache_invalidate(bcache_default(), dev); // cold: every block from the disk
	start = ktime_ns();
	for (n = 0; n < SEQ_BYTES; n += CHUNK)
		if (vfs_pread(f, buf, CHUNK, (int64_t)n) != CHUNK)
			goto out;
	rate = per_second(SEQ_BYTES, ktime_ns() - start);
	bench_metric("ext2_seq_read_64m_cold", rate >> 20, "MiB/s");
out:
	file_put(f);
	if (vfs_unlink(NULL, path))
		log_warn("cannot remove %s\n", path);
	return rate;
}

/* Raw sequential reads of the device, the same requests size. */
static uint64_t bench_raw(struct blkdev *dev, uint8_t *buf)
{
	uint64_t start = ktime_ns();

	for (uint64_t s = 0; s < SEQ_BYTES / BLK_SECTOR_SIZE; s += CHUNK / BLK_SECTOR_SIZE)
		if (blk_read(dev, s, CHUNK / BLK_SECTOR_SIZE, buf))
			return 0;
	return per_second(SEQ_BYTES, ktime_ns() - start);
}

static void bench_create_unlink(const char *dir, char *name)
{
	uint64_t start = ktime_ns();

	for (int i = 0; i < NFILES; i++) {
		struct file *f;

		ksnprintf(name, NAME_MAX_LEN, "%s/c%d", dir, i);
		if (vfs_open(NULL, name, O_WRONLY | O_CREAT | O_EXCL, 0644, &f)) {
			log_warn("create failed at file %d\n", i);
			return;
		}
		file_put(f);
		if (vfs_unlink(NULL, name)) {
			log_warn("unlink failed at file %d\n", i);
			return;
		}
	}
	if (vfs_sync())
		return;
	bench_metric("ext2_create_unlink_sync", per_second(NFILES, ktime_ns() - start), "pairs/s");
}

/* getdents64 over @dir with an lstat per entry; the entries seen. */
static int list_long(const char *dir, char *name, uint8_t *dents)
{
	struct linux_stat st;
	struct file *f;
	ssize_t got;
	int n = 0;

	if (vfs_open(NULL, dir, O_RDONLY | O_DIRECTORY, 0, &f))
		return -ENOENT;
	while ((got = vfs_getdents64(f, dents, DENTS_BUF)) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct linux_dirent64 *d = (const void *)(dents + off);

			ksnprintf(name, NAME_MAX_LEN + 256, "%s/%s", dir, d->d_name);
			n += !vfs_lstat(NULL, name, &st);
			off += d->d_reclen;
		}
	}
	file_put(f);
	return n;
}

static void bench_ls_long(const char *dir, char *name)
{
	uint8_t *dents = kmalloc(DENTS_BUF);
	uint64_t start;
	int i;

	for (i = 0; dents && i < NFILES; i++) {
		struct file *f;

		ksnprintf(name, NAME_MAX_LEN, "%s/f%05d", dir, i);
		if (vfs_open(NULL, name, O_WRONLY | O_CREAT | O_EXCL, 0644, &f))
			break;
		file_put(f);
	}
	if (dents && i == NFILES) {
		start = ktime_ns();
		if (list_long(dir, name, dents) >= NFILES)
			bench_metric("ext2_ls_l_10k", (ktime_ns() - start) / NSEC_PER_MSEC, "ms");
	}
	while (i-- > 0) {
		ksnprintf(name, NAME_MAX_LEN, "%s/f%05d", dir, i);
		if (vfs_unlink(NULL, name))
			break;
	}
	kfree(dents);
}

BENCH(ext2)
{
	struct blkdev *dev = blkdev_find_serial("corvid-disk1");
	char *dir = kmalloc(NAME_MAX_LEN), *name = kmalloc(NAME_MAX_LEN + 256);
	paddr_t pa = pmm_alloc_pages(CHUNK_ORDER);
	uint64_t file_rate, raw_rate;

	if (!dev || !dir || !name || !pa) {
		log_warn("no ext2 disk (serial corvid-disk1): skipped\n");
		goto out;
	}
	ksnprintf(dir, NAME_MAX_LEN, "/mnt/%s/bench", dev->name);
	if (vfs_mkdir(NULL, dir, 0755)) {
		log_warn("cannot make %s\n", dir);
		goto out;
	}
	ksnprintf(name, NAME_MAX_LEN, "%s/seq", dir);
	file_rate = bench_file(dev, name, phys_to_virt(pa));
	raw_rate = bench_raw(dev, phys_to_virt(pa));
	bench_metric("ext2_raw_seq_read_64m", raw_rate >> 20, "MiB/s");
	if (file_rate && raw_rate)
		bench_metric("ext2_read_vs_raw_pct", file_rate * 100 / raw_rate, "%");
	bench_create_unlink(dir, name);
	bench_ls_long(dir, name);
	if (vfs_rmdir(NULL, dir))
		log_warn("cannot remove %s\n", dir);
out:
	if (pa)
		pmm_free_pages(pa, CHUNK_ORDER);
	kfree(dir);
	kfree(name);
}

/*
 * File-system benchmarks on the /tmp tmpfs, through the VFS API the shell
 * and (later) system calls use: create+unlink pairs of 10,000 files, a
 * warm 10-component path lookup, sequential 64 MiB write and read, and
 * what `ls -l` does to a 10,000-entry directory (getdents64 plus an lstat
 * per entry). Each a loop on the calling task timed with ktime; a failure
 * is logged and that metric skipped (benchmarks never fail).
 */
#include "bench/bench.h"
#include "core/log.h"
#include "fs/vfs.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"
#include "time/ktime.h"

#define LOG_PREFIX "fs-bench: "

#define DIR "/tmp/fsbench"
#define NFILES 10000
#define LOOKUPS 20000
#define DEEP DIR "/d1/d2/d3/d4/d5/d6/d7/d8" // with tmp and fsbench: 10 components
#define SEQ_BYTES (64ull << 20)
#define CHUNK (64u << 10)
#define NAME_LEN 64
#define DENTS_BUF 8192

static uint64_t per_second(uint64_t n, uint64_t ns)
{
	return ns ? n * NSEC_PER_SEC / ns : 0;
}

/* Cleanup after a benchmark: a leftover is worth a line, not a failure. */
static void tidy(int err, const char *path)
{
	if (err && err != -ENOENT)
		log_warn("cannot remove %s (%d)\n", path, err);
}

static int create_one(const char *path)
{
	struct file *f;
	int err = vfs_open(NULL, path, O_WRONLY | O_CREAT | O_EXCL, 0644, &f);

	if (!err)
		file_put(f);
	return err;
}

static void bench_create_unlink(char *name)
{
	uint64_t start = ktime_ns();

	for (int i = 0; i < NFILES; i++) {
		ksnprintf(name, NAME_LEN, DIR "/c%d", i);
		if (create_one(name) || vfs_unlink(NULL, name)) {
			log_warn("create+unlink failed at file %d\n", i);
			return;
		}
	}
	bench_metric("fs_tmpfs_create_unlink", per_second(NFILES, ktime_ns() - start), "pairs/s");
}

static void bench_lookup(void)
{
	static const char *const dirs[] = { DIR "/d1",
					    DIR "/d1/d2",
					    DIR "/d1/d2/d3",
					    DIR "/d1/d2/d3/d4",
					    DIR "/d1/d2/d3/d4/d5",
					    DIR "/d1/d2/d3/d4/d5/d6",
					    DIR "/d1/d2/d3/d4/d5/d6/d7",
					    DEEP };
	struct linux_stat *st = kmalloc(sizeof(*st));
	uint64_t start;

	for (size_t i = 0; st && i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (vfs_mkdir(NULL, dirs[i], 0755) && i == 0)
			break;
	if (!st || vfs_stat(NULL, DEEP, st)) { /* also warms the cache */
		log_warn("cannot make %s\n", DEEP);
		goto out;
	}
	start = ktime_ns();
	for (int i = 0; i < LOOKUPS; i++)
		if (vfs_stat(NULL, DEEP, st))
			goto out;
	bench_metric("fs_lookup_10_components_warm", (ktime_ns() - start) / LOOKUPS, "ns");
out:
	for (size_t i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0;)
		tidy(vfs_rmdir(NULL, dirs[i]), dirs[i]);
	kfree(st);
}

/* Write then read SEQ_BYTES in CHUNK pieces; MB/s for each. */
static void bench_sequential(void)
{
	uint8_t *buf = kzalloc(CHUNK);
	struct file *f = NULL;
	uint64_t start, n;

	if (!buf || vfs_open(NULL, DIR "/seq", O_RDWR | O_CREAT | O_TRUNC, 0644, &f))
		goto out;
	start = ktime_ns();
	for (n = 0; n < SEQ_BYTES; n += CHUNK)
		if (vfs_write(f, buf, CHUNK) != CHUNK)
			goto out;
	bench_metric("fs_tmpfs_seq_write_64m", per_second(SEQ_BYTES, ktime_ns() - start) >> 20,
		     "MiB/s");
	start = ktime_ns();
	for (n = 0; n < SEQ_BYTES; n += CHUNK)
		if (vfs_pread(f, buf, CHUNK, (int64_t)n) != CHUNK)
			goto out;
	bench_metric("fs_tmpfs_seq_read_64m", per_second(SEQ_BYTES, ktime_ns() - start) >> 20,
		     "MiB/s");
out:
	if (f)
		file_put(f);
	tidy(vfs_unlink(NULL, DIR "/seq"), DIR "/seq");
	kfree(buf);
}

/* getdents64 over the whole directory with an lstat of every entry.
 * Returns the entries seen, or -errno. */
static int list_long(const char *dir, char *name, uint8_t *dents)
{
	struct linux_stat *st = kmalloc(sizeof(*st));
	struct file *f;
	ssize_t got;
	int n = 0;

	if (!st || vfs_open(NULL, dir, O_RDONLY | O_DIRECTORY, 0, &f)) {
		kfree(st);
		return -ENOMEM;
	}
	while ((got = vfs_getdents64(f, dents, DENTS_BUF)) > 0) {
		for (ssize_t off = 0; off < got;) {
			const struct linux_dirent64 *d = (const void *)(dents + off);

			ksnprintf(name, NAME_LEN + 256, "%s/%s", dir, d->d_name);
			if (!vfs_lstat(NULL, name, st))
				n++;
			off += d->d_reclen;
		}
	}
	file_put(f);
	kfree(st);
	return got < 0 ? (int)got : n;
}

static void bench_ls_long(char *name)
{
	uint8_t *dents = kmalloc(DENTS_BUF);
	uint64_t start;
	int i, seen;

	for (i = 0; dents && i < NFILES; i++) {
		ksnprintf(name, NAME_LEN, DIR "/f%05d", i);
		if (create_one(name))
			break;
	}
	if (dents && i == NFILES) {
		start = ktime_ns();
		seen = list_long(DIR, name, dents);
		if (seen >= NFILES)
			bench_metric("fs_tmpfs_ls_l_10k", (ktime_ns() - start) / NSEC_PER_MSEC,
				     "ms");
	}
	while (i-- > 0) {
		ksnprintf(name, NAME_LEN, DIR "/f%05d", i);
		tidy(vfs_unlink(NULL, name), name);
	}
	kfree(dents);
}

BENCH(fs_tmpfs)
{
	char *name = kmalloc(NAME_LEN + 256);

	if (!name || vfs_mkdir(NULL, DIR, 0755)) {
		log_warn("cannot make %s\n", DIR);
		kfree(name);
		return;
	}
	bench_create_unlink(name);
	bench_lookup();
	bench_sequential();
	bench_ls_long(name);
	tidy(vfs_rmdir(NULL, DIR), DIR);
	kfree(name);
}

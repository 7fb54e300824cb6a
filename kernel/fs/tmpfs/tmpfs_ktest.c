/*
 * tmpfs beyond the conformance suite: the size limit (fill to -ENOSPC
 * with short writes, nothing lost, space back after a delete) and the
 * memory check (a mount, a busy workload and the umount leave the heap
 * exactly as it was).
 */
#include "fs/dcache.h"
#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs_conformance.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define CHUNK 65536

static const struct conf_fs small_tmpfs = { .type = "tmpfs", .opts = "size=1M" };

static void fill_pattern(uint8_t *buf, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 9));
}

/* Write @name in CHUNK pieces until space runs out; returns the bytes. */
static int64_t fill_file(struct conf_ctx *c, const char *name, uint8_t *buf, unsigned int seed)
{
	struct file *f = conf_open(c, name, O_CREAT | O_WRONLY);
	int64_t total = 0;
	ssize_t r;

	fill_pattern(buf, CHUNK, seed);
	while ((r = vfs_write(f, buf, CHUNK)) == CHUNK)
		total += r;
	KASSERT(r == -ENOSPC || (r > 0 && r < CHUNK));
	if (r > 0) {
		total += r;
		KASSERT_EQ(vfs_write(f, buf, CHUNK), -ENOSPC);
	}
	file_put(f);
	return total;
}

/* Does @name hold the pattern fill_file wrote, for @size bytes? */
static void check_file(struct conf_ctx *c, const char *name, uint8_t *buf, uint8_t *want,
		       int64_t size, unsigned int seed)
{
	struct file *f = conf_open(c, name, O_RDONLY);
	int64_t off = 0;
	ssize_t r;

	fill_pattern(want, CHUNK, seed);
	while ((r = vfs_read(f, buf, CHUNK)) > 0) {
		KASSERT(!memcmp(buf, want, (size_t)r));
		off += r;
	}
	KASSERT_EQ(r, 0);
	KASSERT_EQ(off, size);
	file_put(f);
}

KTEST(vfs_tmpfs_size_limit)
{
	uint8_t *buf = kmalloc(CHUNK), *want = kmalloc(CHUNK);
	struct linux_statfs sfs;
	struct conf_ctx c;
	int64_t a, b, a2;

	KASSERT(buf && want);
	conf_mount(&c, &small_tmpfs);
	a = fill_file(&c, "a", buf, 1);
	KASSERT(a > 512 * 1024 && a <= 1024 * 1024);
	KASSERT_EQ(vfs_statfs(&c.cwd, ".", &sfs), 0);
	KASSERT_EQ(sfs.f_blocks, 256);
	KASSERT(sfs.f_bfree <= 1);
	KASSERT_EQ(vfs_truncate(&c.cwd, "a", a), 0); // no new pages: allowed
	check_file(&c, "a", buf, want, a, 1);
	b = fill_file(&c, "b", buf, 2); // nothing, or one page-table's worth
	KASSERT(b < 8192);
	KASSERT_EQ(vfs_unlink(&c.cwd, "b"), 0);
	KASSERT_EQ(vfs_truncate(&c.cwd, "a", a / 2), 0); // half the space back
	b = fill_file(&c, "b", buf, 2);
	KASSERT(b >= a / 2 - 2 * 4096);
	check_file(&c, "a", buf, want, a / 2, 1);
	check_file(&c, "b", buf, want, b, 2);
	KASSERT_EQ(vfs_unlink(&c.cwd, "a"), 0);
	KASSERT_EQ(vfs_unlink(&c.cwd, "b"), 0);
	KASSERT_EQ(tmpfs_used_pages(c.cwd.mnt->sb), 0);
	a2 = fill_file(&c, "a", buf, 3);
	KASSERT_EQ(a2, a); // everything came back
	conf_umount(&c);
	kfree(buf);
	kfree(want);
}

static void memory_workload(struct conf_ctx *c)
{
	char name[32];
	struct file *f;

	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	for (int i = 0; i < 200; i++) {
		ksnprintf(name, sizeof(name), "d/%d-a-rather-long-name-to-spill", i);
		conf_put(c, name, name, strlen(name));
		if (i % 2)
			KASSERT_EQ(vfs_unlink(&c->cwd, name), 0);
	}
	KASSERT_EQ(vfs_symlink(&c->cwd, "d", "l"), 0);
	KASSERT_EQ(conf_stat_err(c, "l/nothere", true), -ENOENT);
	f = conf_open(c, "sparse", O_CREAT | O_RDWR);
	KASSERT_EQ(vfs_pwrite(f, "x", 1, 1ll << 40), 1);
	KASSERT_EQ(vfs_pwrite(f, "y", 1, 12345), 1);
	file_put(f);
	KASSERT_EQ(vfs_rename(&c->cwd, "d", "e"), 0);
	KASSERT_EQ(vfs_truncate(&c->cwd, "sparse", 4096), 0);
	f = conf_open(c, "sparse", O_RDWR); // unlinked while open
	KASSERT_EQ(vfs_unlink(&c->cwd, "sparse"), 0);
	file_put(f);
}

KTEST(vfs_tmpfs_memory_returns)
{
	struct conf_ctx c;
	uint64_t before, after;

	/* Warm up once: /ktest and its cached negative names. */
	conf_mount(&c, &small_tmpfs);
	conf_umount(&c);
	before = conf_heap_in_use();
	conf_mount(&c, &small_tmpfs);
	memory_workload(&c);
	conf_umount(&c);
	after = conf_heap_in_use();
	KASSERT_EQ(after, before);
}

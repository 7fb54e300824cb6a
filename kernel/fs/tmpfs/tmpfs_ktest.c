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

static const struct conf_fs small_tmpfs = { .type = "tmpfs", .opts = "size=1M" };

KTEST(vfs_tmpfs_size_limit)
{
	uint8_t *buf = kmalloc(CONF_FILL_CHUNK), *want = kmalloc(CONF_FILL_CHUNK);
	struct linux_statfs sfs;
	struct conf_ctx c;
	int64_t a, b, a2;

	KASSERT(buf && want);
	conf_mount(&c, &small_tmpfs);
	a = conf_fill_file(&c, "a", buf, 1);
	KASSERT(a > 512 * 1024 && a <= 1024 * 1024);
	KASSERT_EQ(vfs_statfs(&c.cwd, ".", &sfs), 0);
	KASSERT_EQ(sfs.f_blocks, 256);
	KASSERT(sfs.f_bfree <= 1);
	KASSERT_EQ(vfs_truncate(&c.cwd, "a", a), 0); // no new pages: allowed
	conf_check_filled(&c, "a", buf, want, a, 1);
	b = conf_fill_file(&c, "b", buf, 2); // nothing, or one page-table's worth
	KASSERT(b < 8192);
	KASSERT_EQ(vfs_unlink(&c.cwd, "b"), 0);
	KASSERT_EQ(vfs_truncate(&c.cwd, "a", a / 2), 0); // half the space back
	b = conf_fill_file(&c, "b", buf, 2);
	KASSERT(b >= a / 2 - 2 * 4096);
	conf_check_filled(&c, "a", buf, want, a / 2, 1);
	conf_check_filled(&c, "b", buf, want, b, 2);
	KASSERT_EQ(vfs_unlink(&c.cwd, "a"), 0);
	KASSERT_EQ(vfs_unlink(&c.cwd, "b"), 0);
	KASSERT_EQ(tmpfs_used_pages(c.cwd.mnt->sb), 0);
	a2 = conf_fill_file(&c, "a", buf, 3);
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

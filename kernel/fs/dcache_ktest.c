/*
 * The dentry cache's unused list: dcache_shrink() frees cached names that
 * nobody uses and the filesystem answers for them again afterwards; and a
 * flood of lookups of ever new missing names stays within the cap.
 */
#include "fs/dcache.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"

#define DIR "/tmp/ktest-dcache"
#define NFILES 100
#define FLOOD 40000 // missing names looked up, more than the cap

static void file_path(char *buf, size_t n, int i)
{
	ksnprintf(buf, n, DIR "/f%d", i);
}

KTEST(vfs_dcache_shrink_then_lookup_again)
{
	struct linux_stat *st = kmalloc(sizeof(*st));
	char path[48];
	uint64_t before;
	int i;

	KASSERT(st);
	KASSERT_EQ(vfs_mkdir(NULL, DIR, 0755), 0);
	for (i = 0; i < NFILES; i++) {
		struct file *f;

		file_path(path, sizeof(path), i);
		KASSERT_EQ(vfs_open(NULL, path, O_WRONLY | O_CREAT | O_EXCL, 0644, &f), 0);
		KASSERT_EQ(vfs_write(f, "x", 1), 1);
		file_put(f);
	}
	before = dcache_count();
	KASSERT(dcache_count_unused() >= NFILES); // the files' names, cached and unused
	while (dcache_shrink(1024))
		;
	KASSERT_EQ(dcache_count_unused(), 0);
	KASSERT(dcache_count() + NFILES <= before);
	for (i = 0; i < NFILES; i++) { // asked of tmpfs again
		file_path(path, sizeof(path), i);
		KASSERT_EQ(vfs_stat(NULL, path, st), 0);
		KASSERT_EQ(st->st_size, 1);
	}
	for (i = 0; i < NFILES; i++) {
		file_path(path, sizeof(path), i);
		KASSERT_EQ(vfs_unlink(NULL, path), 0);
	}
	KASSERT_EQ(vfs_rmdir(NULL, DIR), 0);
	kfree(st);
}

KTEST(vfs_dcache_negative_flood_is_capped)
{
	struct linux_stat *st = kmalloc(sizeof(*st));
	char path[48];

	KASSERT(st);
	KASSERT_EQ(vfs_mkdir(NULL, DIR, 0755), 0);
	for (int i = 0; i < FLOOD; i++) {
		ksnprintf(path, sizeof(path), DIR "/missing%d", i);
		KASSERT_EQ(vfs_stat(NULL, path, st), -ENOENT);
	}
	KASSERT(dcache_count_unused() <= DCACHE_UNUSED_MAX + DCACHE_SHRINK_BATCH);
	KASSERT_EQ(vfs_rmdir(NULL, DIR), 0);
	kfree(st);
}

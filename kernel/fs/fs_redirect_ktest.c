/*
 * Redirected output (fs/fs_redirect.c, core/console.c's redirect hook):
 * kprintf lands in the file in order, '>>' appends, output printed under a
 * spinlock is buffered without sleeping, and what overflows the buffer
 * there is counted and reported as -ENOSPC, keeping what fitted.
 */
#include "core/console.h"
#include "fs/file.h"
#include "fs/fs_redirect.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "sync/spinlock.h"

#define KT_FILE "/ktest_redirect"
#define KT_LINES 2000 // 10 bytes each: more than the 16 KiB buffer

static int64_t file_size(const char *path)
{
	struct linux_stat st;

	return vfs_stat(NULL, path, &st) ? -1 : (int64_t)st.st_size;
}

KTEST(fs_redirect_order_and_append)
{
	struct fs_redirect *r;
	struct file *f;
	char buf[32];

	KASSERT_EQ(fs_redirect_open(KT_FILE, false, &r), 0);
	KASSERT_EQ(fs_redirect_start(r), 0);
	kprintf("one %d\n", 1);
	console_write("two\n", 4);
	KASSERT_EQ(fs_redirect_finish(r), 0);
	KASSERT_EQ(fs_redirect_open(KT_FILE, true, &r), 0);
	KASSERT_EQ(fs_redirect_start(r), 0);
	kprintf("three\n");
	KASSERT_EQ(fs_redirect_finish(r), 0);
	KASSERT_EQ(vfs_open(NULL, KT_FILE, O_RDONLY, 0, &f), 0);
	memset(buf, 0, sizeof(buf));
	KASSERT_EQ(vfs_read(f, buf, sizeof(buf) - 1), 16);
	file_put(f);
	KASSERT(!strcmp(buf, "one 1\ntwo\nthree\n"));
	KASSERT_EQ(fs_redirect_open("/no/such/dir/f", false, &r), -ENOENT);
	KASSERT_EQ(vfs_unlink(NULL, KT_FILE), 0);
}

KTEST(fs_redirect_under_spinlock)
{
	static struct spinlock lock = SPINLOCK_INIT("ktest_redirect", LOCK_RANK_NONE);
	struct fs_redirect *r;

	/* A little under a lock is buffered and written afterwards. */
	KASSERT_EQ(fs_redirect_open(KT_FILE, false, &r), 0);
	KASSERT_EQ(fs_redirect_start(r), 0);
	spin_lock(&lock);
	kprintf("locked\n");
	spin_unlock(&lock);
	KASSERT_EQ(fs_redirect_finish(r), 0);
	KASSERT_EQ(file_size(KT_FILE), 7);
	/* Too much under a lock: the buffer's worth kept, the rest lost. */
	KASSERT_EQ(fs_redirect_open(KT_FILE, false, &r), 0);
	KASSERT_EQ(fs_redirect_start(r), 0);
	spin_lock(&lock);
	for (int i = 0; i < KT_LINES; i++)
		kprintf("line %04d\n", i);
	spin_unlock(&lock);
	KASSERT_EQ(fs_redirect_finish(r), -ENOSPC);
	KASSERT_EQ(file_size(KT_FILE), 16384);
	/* Without a lock the same output all arrives. */
	KASSERT_EQ(fs_redirect_open(KT_FILE, false, &r), 0);
	KASSERT_EQ(fs_redirect_start(r), 0);
	for (int i = 0; i < KT_LINES; i++)
		kprintf("line %04d\n", i);
	KASSERT_EQ(fs_redirect_finish(r), 0);
	KASSERT_EQ(file_size(KT_FILE), KT_LINES * 10);
	KASSERT_EQ(vfs_unlink(NULL, KT_FILE), 0);
}

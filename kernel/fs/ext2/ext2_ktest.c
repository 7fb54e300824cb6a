/*
 * ext2 in-kernel tests. ext2_workload: several tasks at once create,
 * append, overwrite, truncate, write sparsely, rename, link, unlink,
 * symlink, mkdir and rmdir under /mnt/vdb/work on an ext2 disk the
 * scenario attaches (tests/qemu/test_ext2.py replays the same operations
 * on the host and compares the tree debugfs rdump extracts after
 * shutdown, and e2fsck -fn judges the disk). Without that directory the
 * test does nothing.
 */
#include "core/log.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/task.h"

#define LOG_PREFIX "ext2_ktest: "

#define WL_ROOT "/mnt/vdb/work"
#define WL_TASKS 4
#define WL_ROUNDS 60
#define WL_BUF 12000
#define WL_CHUNK 65536

/* The workload's bytes: the host computes the same (test_ext2.py). */
static void wl_fill(uint8_t *buf, size_t n, int t, int i, int salt)
{
	for (size_t k = 0; k < n; k++)
		buf[k] = (uint8_t)(t * 31 + i * 7 + (int)k * 13 + salt);
}

static int wl_put(const char *path, unsigned int flags, const uint8_t *buf, size_t n, int64_t off)
{
	struct file *f;
	int err = vfs_open(NULL, path, flags | O_WRONLY, 0644, &f);
	ssize_t r;

	if (err) {
		log_err("%s: open: %d\n", path, err);
		return err;
	}
	r = off >= 0 ? vfs_pwrite(f, buf, n, off) : vfs_write(f, buf, n);
	file_put(f);
	if (r != (ssize_t)n)
		log_err("%s: wrote %ld of %lu at %ld\n", path, (long)r, (unsigned long)n,
			(long)off);
	return r == (ssize_t)n ? 0 : (r < 0 ? (int)r : -EIO);
}

struct wl_ctx {
	int t;
	uint8_t *buf;
	char p[96], q[96];
};

#define WL_P(w, ...) ksnprintf((w)->p, sizeof((w)->p), __VA_ARGS__)
#define WL_Q(w, ...) ksnprintf((w)->q, sizeof((w)->q), __VA_ARGS__)

/* Round @i of task w->t; returns 0 or the failing line. */
static int wl_round(struct wl_ctx *w, int i)
{
	int t = w->t;
	size_t n = (size_t)(i * 997) % 9000 + 1, a = (size_t)(i * 131) % 3000;

	WL_P(w, WL_ROOT "/t%d/f%d", t, i);
	wl_fill(w->buf, n, t, i, 0);
	if (wl_put(w->p, O_CREAT | O_EXCL, w->buf, n, -1))
		return __LINE__;
	wl_fill(w->buf, a, t, i, 1);
	if (a && wl_put(w->p, O_APPEND, w->buf, a, -1))
		return __LINE__;
	if (i % 10 == 9) {
		wl_fill(w->buf, 10, t, i, 2);
		if (wl_put(w->p, 0, w->buf, 10, (3 << 20) + i))
			return __LINE__;
	}
	switch (i % 5) {
	case 1:
		memset(w->buf, 'X', 50);
		return wl_put(w->p, 0, w->buf, 50, 100) ? __LINE__ : 0;
	case 2:
		return vfs_truncate(NULL, w->p, (i * 37) % 2000) ? __LINE__ : 0;
	case 3:
		WL_Q(w, WL_ROOT "/t%d/sub/g%d", t, i);
		return vfs_rename(NULL, w->p, w->q) ? __LINE__ : 0;
	case 4:
		WL_Q(w, WL_ROOT "/t%d/h%d", t, i);
		return vfs_link(NULL, w->p, w->q) || vfs_unlink(NULL, w->p) ? __LINE__ : 0;
	}
	if (i % 7 == 0) {
		WL_P(w, WL_ROOT "/t%d/dir%d", t, i);
		if (vfs_mkdir(NULL, w->p, 0755))
			return __LINE__;
		WL_Q(w, WL_ROOT "/t%d/dir%d/x", t, i);
		wl_fill(w->buf, 5, t, i, 5);
		if (wl_put(w->q, O_CREAT, w->buf, 5, -1))
			return __LINE__;
		if (i % 14 == 0 && (vfs_unlink(NULL, w->q) || vfs_rmdir(NULL, w->p)))
			return __LINE__;
	}
	return 0;
}

/* A file through single and double indirection, cut back, then sparse. */
static int wl_big(struct wl_ctx *w)
{
	WL_P(w, WL_ROOT "/t%d/big", w->t);
	for (int c = 0; c < 40; c++) {
		wl_fill(w->buf, WL_BUF, w->t, c, 3);
		if (wl_put(w->p, O_CREAT | O_APPEND, w->buf, WL_BUF, -1))
			return __LINE__;
	}
	if (vfs_truncate(NULL, w->p, 300000))
		return __LINE__;
	wl_fill(w->buf, 100, w->t, 0, 4);
	return wl_put(w->p, 0, w->buf, 100, 20 << 20) ? __LINE__ : 0;
}

/* Directory moves: a directory renamed into another (".." and link
 * counts), one renamed over an empty one, a symlink. */
static int wl_dirs(struct wl_ctx *w)
{
	int t = w->t;

	WL_P(w, WL_ROOT "/t%d/m1", t);
	WL_Q(w, WL_ROOT "/t%d/m2", t);
	if (vfs_mkdir(NULL, w->p, 0755) || vfs_mkdir(NULL, w->q, 0755))
		return __LINE__;
	WL_P(w, WL_ROOT "/t%d/m1", t);
	WL_Q(w, WL_ROOT "/t%d/sub/m1", t);
	if (vfs_rename(NULL, w->p, w->q))
		return __LINE__;
	WL_P(w, WL_ROOT "/t%d/sub/m1", t);
	WL_Q(w, WL_ROOT "/t%d/m2", t);
	if (vfs_rename(NULL, w->p, w->q))
		return __LINE__;
	WL_P(w, WL_ROOT "/t%d/link", t);
	return vfs_symlink(NULL, "sub/g3", w->p) ? __LINE__ : 0;
}

static int wl_task(void *arg)
{
	struct wl_ctx *w = arg;
	int r = 0;

	WL_P(w, WL_ROOT "/t%d", w->t);
	if (vfs_mkdir(NULL, w->p, 0755))
		return __LINE__;
	WL_P(w, WL_ROOT "/t%d/sub", w->t);
	if (vfs_mkdir(NULL, w->p, 0755))
		return __LINE__;
	for (int i = 0; i < WL_ROUNDS && !r; i++)
		r = wl_round(w, i);
	if (!r)
		r = wl_big(w);
	if (!r)
		r = wl_dirs(w);
	return r;
}

KTEST(ext2_workload)
{
	struct linux_stat st;
	struct wl_ctx *w;
	struct task *tasks[WL_TASKS];

	if (vfs_stat(NULL, WL_ROOT, &st)) {
		log_info("no %s: nothing to do\n", WL_ROOT);
		return;
	}
	w = kzalloc(sizeof(*w) * WL_TASKS);
	KASSERT(w);
	for (int t = 0; t < WL_TASKS; t++) {
		w[t].t = t;
		w[t].buf = kmalloc(WL_BUF);
		KASSERT(w[t].buf);
		tasks[t] =
			task_create_on((unsigned int)t % percpu_count(), wl_task, &w[t], "ext2wl");
		KASSERT(tasks[t]);
	}
	for (int t = 0; t < WL_TASKS; t++) {
		int code = -1;

		KASSERT_EQ(task_join(tasks[t], &code), 0);
		if (code)
			log_err("task %d failed at line %d\n", t, code);
		KASSERT_EQ(code, 0);
		kfree(w[t].buf);
	}
	kfree(w);
	KASSERT_EQ(vfs_sync(), 0);
}

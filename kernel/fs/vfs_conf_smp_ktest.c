/*
 * Conformance under concurrency: two tasks per CPU (up to 8) create,
 * write, rename (across directories, directories too), delete, and fight
 * over one shared name, all in the same two directories; afterwards the
 * tree must be exactly what each task's own history says, with the link
 * counts right; and a storm of directory renames (over each other, into
 * each other's subtrees) with mkdir and rmdir mixed in, after which every
 * directory's ".." and link count must be right and no cycle exist.
 * Written against the VFS API only.
 */
#include "fs/vfs_conformance.h"

#include "core/log.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/task.h"

#define LOG_PREFIX "vfs_conf: "

#define SMP_TASKS_MAX 8
#define SMP_ROUNDS 150

struct smp_arg {
	struct conf_ctx *c;
	int id;
	int shared_moves; // successful renames of the shared file (storm: operations)
};

/* One round for task @a: a file born in a/, moved to b/, maybe deleted,
 * and the task's own directory moved between a/ and b/ with a file in it. */
static int smp_round(struct smp_arg *a, int i, char *p1, char *p2)
{
	struct conf_ctx *c = a->c;
	struct file *f;
	char data[16];
	int n = ksnprintf(data, sizeof(data), "%d_%d", a->id, i);

	ksnprintf(p1, 64, "a/t%d_%d", a->id, i);
	ksnprintf(p2, 64, "b/t%d_%d", a->id, i);
	if (vfs_open(&c->cwd, p1, O_CREAT | O_EXCL | O_WRONLY, 0644, &f))
		return __LINE__;
	if (vfs_write(f, data, (size_t)n) != n)
		return __LINE__;
	file_put(f);
	if (vfs_rename(&c->cwd, p1, p2))
		return __LINE__;
	if (i % 3 == 0 && vfs_unlink(&c->cwd, p2))
		return __LINE__;
	ksnprintf(p1, 64, "%s/own%d", i % 2 ? "b" : "a", a->id);
	ksnprintf(p2, 64, "%s/own%d", i % 2 ? "a" : "b", a->id);
	if (vfs_rename(&c->cwd, p1, p2))
		return __LINE__;
	ksnprintf(p1, 64, "%s/f%d", p2, i);
	if (vfs_mkdir(&c->cwd, p1, 0755) || (i % 4 && vfs_rmdir(&c->cwd, p1)))
		return __LINE__;
	if (!vfs_rename(&c->cwd, i % 2 ? "a/shared" : "b/shared", i % 2 ? "b/shared" : "a/shared"))
		a->shared_moves++;
	return 0;
}

static int smp_task(void *arg)
{
	struct smp_arg *a = arg;
	char *p1 = kmalloc(64), *p2 = kmalloc(64);
	int r = (p1 && p2) ? 0 : __LINE__;

	for (int i = 0; i < SMP_ROUNDS && !r; i++)
		r = smp_round(a, i, p1, p2);
	kfree(p1);
	kfree(p2);
	return r;
}

/* What must be left of task @id's work. */
static void smp_check_task(struct conf_ctx *c, int id)
{
	char path[48], want[16];
	int subdirs = 0;

	for (int i = 0; i < SMP_ROUNDS; i++) {
		ksnprintf(path, sizeof(path), "b/t%d_%d", id, i);
		ksnprintf(want, sizeof(want), "%d_%d", id, i);
		if (i % 3 == 0)
			KASSERT_EQ(conf_stat_err(c, path, true), -ENOENT);
		else
			KASSERT(conf_has(c, path, want));
		subdirs += i % 4 == 0;
	}
	/* SMP_ROUNDS is even: the own directory ends where it started (a/). */
	ksnprintf(path, sizeof(path), "a/own%d", id);
	KASSERT_EQ(conf_count_entries(c, path, NULL, NULL), 2 + subdirs);
	if (!(c->fs->skip & CONF_NO_NLINK))
		KASSERT_EQ(CONF_STAT(c, path, st_nlink), 2 + subdirs);
}

static void case_concurrent(struct conf_ctx *c)
{
	struct smp_arg *args = kzalloc(SMP_TASKS_MAX * sizeof(*args));
	struct task *tasks[SMP_TASKS_MAX];
	int nt = (int)percpu_count() * 2, files = 0;
	char name[16];

	KASSERT(args);
	nt = nt > SMP_TASKS_MAX ? SMP_TASKS_MAX : nt;
	KASSERT_EQ(vfs_mkdir(&c->cwd, "a", 0755), 0);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "b", 0755), 0);
	conf_put(c, "a/shared", "S", 1);
	for (int t = 0; t < nt; t++) {
		ksnprintf(name, sizeof(name), "a/own%d", t);
		KASSERT_EQ(vfs_mkdir(&c->cwd, name, 0755), 0);
		args[t] = (struct smp_arg){ c, t, 0 };
		tasks[t] = task_create_on((unsigned int)t % percpu_count(), smp_task, &args[t],
					  "vfs_smp");
		KASSERT(tasks[t]);
	}
	for (int t = 0; t < nt; t++) {
		int code = -1;

		KASSERT_EQ(task_join(tasks[t], &code), 0);
		KASSERT_EQ(code, 0); // else: the line in smp_round that failed
	}
	for (int t = 0; t < nt; t++) {
		smp_check_task(c, t);
		files += SMP_ROUNDS - (SMP_ROUNDS + 2) / 3;
	}
	KASSERT(conf_has(c, "a/shared", "S") != conf_has(c, "b/shared", "S"));
	KASSERT_EQ(conf_count_entries(c, "b", NULL, NULL),
		   2 + files + conf_has(c, "b/shared", "S"));
	KASSERT_EQ(conf_count_entries(c, "a", NULL, NULL), 2 + nt + conf_has(c, "a/shared", "S"));
	if (!(c->fs->skip & CONF_NO_NLINK)) {
		KASSERT_EQ(CONF_STAT(c, "a", st_nlink), 2 + nt);
		KASSERT_EQ(CONF_STAT(c, "b", st_nlink), 2);
	}
	kfree(args);
}

#define STORM_NAMES 6
#define STORM_ROUNDS 400
#define STORM_DEPTH_MAX 64

/* A path "r/dK" or "r/dK/dJ" picked by @seed's next value. */
static void storm_path(uint64_t *seed, char *buf)
{
	unsigned int k, j;

	*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
	k = (unsigned int)(*seed >> 33) % STORM_NAMES;
	j = (unsigned int)(*seed >> 45) % (STORM_NAMES + 2);
	if (j >= STORM_NAMES)
		ksnprintf(buf, 32, "r/d%u", k);
	else
		ksnprintf(buf, 32, "r/d%u/d%u", k, j);
}

static bool storm_ok(int err, int a, int b, int c)
{
	return err == 0 || err == -ENOENT || err == a || err == b || err == c;
}

/* One storm operation on @p1 (and @p2); false for an error no race
 * allows. */
static bool storm_step(struct conf_ctx *c, int i, const char *p1, const char *p2, int *err)
{
	if (i % 8 == 0) {
		*err = vfs_mkdir(&c->cwd, p1, 0755);
		return storm_ok(*err, -EEXIST, 1, 1);
	}
	if (i % 8 == 1) {
		*err = vfs_rmdir(&c->cwd, p1);
		return storm_ok(*err, -ENOTEMPTY, 1, 1);
	}
	*err = vfs_rename(&c->cwd, p1, p2);
	return storm_ok(*err, -EINVAL, -ENOTEMPTY, 1);
}

/* Directories renamed over each other, into each other's subtrees,
 * made and removed, by every task at once. */
static int storm_task(void *arg)
{
	struct smp_arg *a = arg;
	char *p1 = kmalloc(32), *p2 = kmalloc(32);
	uint64_t seed = (uint64_t)a->id * 7919 + 17;
	int r = (p1 && p2) ? 0 : __LINE__;

	for (int i = 0; i < STORM_ROUNDS && !r; i++) {
		int err;

		storm_path(&seed, p1);
		storm_path(&seed, p2);
		bool ok = storm_step(a->c, i, p1, p2, &err);

		a->shared_moves += ok && !err; // here: operations that succeeded
		if (!ok) {
			log_warn("storm task %d: %s %s: %d\n", a->id, p1, p2, err);
			r = __LINE__;
		}
	}
	kfree(p1);
	kfree(p2);
	return r;
}

struct storm_dir {
	struct conf_ctx *c;
	const char *path;
	int depth;
	int subdirs;
};

static void storm_check_dir(struct storm_dir *d);

static void storm_seen(const char *name, uint8_t type, void *arg)
{
	struct storm_dir *d = arg, sub = { d->c, NULL, d->depth + 1, 0 };
	char *path;

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return;
	KASSERT_EQ(type, DT_DIR);
	path = kmalloc(256);
	KASSERT(path);
	ksnprintf(path, 256, "%s/%s", d->path, name);
	sub.path = path;
	storm_check_dir(&sub);
	kfree(path);
	d->subdirs++;
}

/* Every directory below @d: ".." is its parent, nlink is 2 + subdirs. */
static void storm_check_dir(struct storm_dir *d)
{
	char *dotdot = kmalloc(256);

	KASSERT(dotdot && d->depth < STORM_DEPTH_MAX); // deeper: a cycle
	(void)conf_count_entries(d->c, d->path, storm_seen, d);
	ksnprintf(dotdot, 256, "%s/..", d->path);
	if (d->depth > 0) {
		uint64_t parent_ino = CONF_LSTAT(d->c, dotdot, st_ino);

		ksnprintf(dotdot, 256, "%s", d->path);
		*strrchr(dotdot, '/') = '\0';
		KASSERT_EQ(parent_ino, CONF_LSTAT(d->c, dotdot, st_ino));
	}
	if (!(d->c->fs->skip & CONF_NO_NLINK))
		KASSERT_EQ(CONF_STAT(d->c, d->path, st_nlink), 2 + d->subdirs);
	kfree(dotdot);
}

static void case_rename_storm(struct conf_ctx *c)
{
	struct smp_arg *args = kzalloc(SMP_TASKS_MAX * sizeof(*args));
	struct task *tasks[SMP_TASKS_MAX];
	int nt = (int)percpu_count() * 2;
	struct storm_dir top = { c, "r", 0, 0 };
	char name[16];
	int done = 0;

	KASSERT(args);
	nt = nt > SMP_TASKS_MAX ? SMP_TASKS_MAX : nt;
	KASSERT_EQ(vfs_mkdir(&c->cwd, "r", 0755), 0);
	for (int k = 0; k < STORM_NAMES; k++) {
		ksnprintf(name, sizeof(name), "r/d%d", k);
		KASSERT_EQ(vfs_mkdir(&c->cwd, name, 0755), 0);
	}
	for (int t = 0; t < nt; t++) {
		args[t] = (struct smp_arg){ c, t, 0 };
		tasks[t] = task_create_on((unsigned int)t % percpu_count(), storm_task, &args[t],
					  "vfs_storm");
		KASSERT(tasks[t]);
	}
	for (int t = 0; t < nt; t++) {
		int code = -1;

		KASSERT_EQ(task_join(tasks[t], &code), 0);
		KASSERT_EQ(code, 0); // else: the line in storm_task that failed
	}
	storm_check_dir(&top);
	for (int t = 0; t < nt; t++)
		done += args[t].shared_moves;
	log_info("rename storm: %d of %d operations succeeded\n", done, nt * STORM_ROUNDS);
	KASSERT(done >= nt * STORM_ROUNDS / 20); // the storm did change the tree
	kfree(args);
}

const struct conf_case conf_cases_smp[] = {
	{ "concurrent", case_concurrent, 0 },
	{ "rename_storm", case_rename_storm, 0 },
	{ NULL, NULL, 0 },
};

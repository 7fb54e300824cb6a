/*
 * Conformance under concurrency: two tasks per CPU (up to 8) create,
 * write, rename (across directories, directories too), delete, and fight
 * over one shared name, all in the same two directories; afterwards the
 * tree must be exactly what each task's own history says, with the link
 * counts right. Written against the VFS API only.
 */
#include "fs/vfs_conformance.h"

#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/task.h"

#define SMP_TASKS_MAX 8
#define SMP_ROUNDS 150

struct smp_arg {
	struct conf_ctx *c;
	int id;
	int shared_moves; // successful renames of the shared file
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

const struct conf_case conf_cases_smp[] = {
	{ "concurrent", case_concurrent, 0 },
	{ NULL, NULL, 0 },
};

/*
 * procfs through the VFS API: every file opens and its text parses
 * (meminfo's totals, one cpuinfo paragraph per online CPU, uptime moving
 * on, the boot mounts), writes and new names are refused, and a task's
 * directory appears with the task and is gone once it is joined. A
 * second procfs mounted, used and unmounted leaves the heap as it was.
 */
#include "fs/procfs/procfs_internal.h"
#include "fs/procfs/procfs_text.h"
#include "fs/vfs.h"
#include "fs/vfs_conformance.h"
#include "include/atomic.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/task.h"
#include "time/ktime.h"

#define TEXT_MAX 65536
#define WAIT_STEP_NS 10000000ull    // 10 ms
#define WAIT_LIMIT_NS 5000000000ull // generous: 5 s for uptime to move
#define STAT_FIELDS 52

/* Read all of @path into a new NUL-terminated buffer; *@len its length. */
static char *read_all(const char *path, size_t *len)
{
	char *buf = kmalloc(TEXT_MAX + 1);
	struct file *f;
	ssize_t r;

	KASSERT(buf);
	KASSERT_EQ(vfs_open(NULL, path, O_RDONLY, 0, &f), 0);
	*len = 0;
	while ((r = vfs_read(f, buf + *len, TEXT_MAX - *len)) > 0)
		*len += (size_t)r;
	KASSERT_EQ(r, 0);
	buf[*len] = '\0';
	file_put(f);
	return buf;
}

KTEST(procfs_meminfo)
{
	size_t len;
	char *t = read_all("/proc/meminfo", &len);
	uint64_t total = 0, free = 0, avail = 0;

	KASSERT(procfs_parse_key(t, len, "MemTotal", &total));
	KASSERT(procfs_parse_key(t, len, "MemFree", &free));
	KASSERT(procfs_parse_key(t, len, "MemAvailable", &avail));
	KASSERT(total > free && free > 0 && avail > 0);
	KASSERT(!strncmp(t, "MemTotal:       ", 16)); // Linux's column
	KASSERT(strstr(t, " kB\nMemFree:"));
	kfree(t);
}

static uint64_t meminfo_value(const char *key)
{
	size_t len;
	char *t = read_all("/proc/meminfo", &len);
	uint64_t v = 0;

	KASSERT(procfs_parse_key(t, len, key, &v));
	kfree(t);
	return v;
}

/* A 64 KiB file in /tmp shows in Shmem and Cached (tmpfs pages). */
KTEST(procfs_meminfo_counts_tmpfs)
{
	static const char chunk[4096] = { 1 };
	uint64_t before = meminfo_value("Shmem");
	struct file *f;

	KASSERT_EQ(vfs_open(NULL, "/tmp/procfs-shmem", O_CREAT | O_WRONLY, 0644, &f), 0);
	for (int i = 0; i < 16; i++)
		KASSERT_EQ(vfs_write(f, chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
	file_put(f);
	KASSERT(meminfo_value("Shmem") >= before + 64);
	KASSERT(meminfo_value("Cached") >= before + 64);
	KASSERT_EQ(vfs_unlink(NULL, "/tmp/procfs-shmem"), 0);
	KASSERT(meminfo_value("Shmem") < before + 64);
}

KTEST(procfs_cpuinfo)
{
	size_t len;
	char *t = read_all("/proc/cpuinfo", &len);

	KASSERT_EQ(procfs_count_lines(t, len, "processor\t: "), percpu_online_count());
	KASSERT_EQ(procfs_count_lines(t, len, "flags\t\t: "), percpu_online_count());
	KASSERT(strstr(t, "\nvendor_id\t: "));
	KASSERT(strstr(t, "\nmodel name\t: "));
	kfree(t);
}

static uint64_t uptime_centis(void)
{
	size_t len;
	char *t = read_all("/proc/uptime", &len);
	uint64_t c = 0, idle = 0;
	const char *sp = strchr(t, ' ');

	KASSERT(procfs_parse_centis(t, len, &c));
	KASSERT(sp && procfs_parse_centis(sp + 1, len - (size_t)(sp + 1 - t), &idle));
	KASSERT_EQ(t[len - 1], '\n');
	kfree(t);
	return c;
}

KTEST(procfs_uptime_moves)
{
	uint64_t first = uptime_centis(), start = ktime_ns();

	while (uptime_centis() <= first) {
		KASSERT(ktime_ns() - start < WAIT_LIMIT_NS);
		task_sleep_ns(WAIT_STEP_NS);
	}
}

KTEST(procfs_mounts)
{
	size_t len;
	char *t = read_all("/proc/mounts", &len);

	KASSERT(strstr(t, " / tmpfs rw"));
	KASSERT(strstr(t, "proc /proc proc rw 0 0\n"));
	KASSERT(strstr(t, "tmpfs /tmp tmpfs rw 0 0\n"));
	kfree(t);
}

KTEST(procfs_other_files)
{
	static const char *const names[] = { "/proc/version", "/proc/loadavg", "/proc/interrupts",
					     "/proc/filesystems" };
	struct linux_stat st;
	size_t len;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *t = read_all(names[i], &len);

		KASSERT(len > 0 && t[len - 1] == '\n');
		kfree(t);
	}
	char *t = read_all("/proc/filesystems", &len);
	KASSERT(strstr(t, "nodev\ttmpfs\n") && strstr(t, "nodev\tproc\n"));
	kfree(t);
	t = read_all("/proc/interrupts", &len);
	KASSERT(!strncmp(t, "           CPU0", 15));
	kfree(t);
	KASSERT_EQ(vfs_stat(NULL, "/proc/meminfo", &st), 0);
	KASSERT_EQ(st.st_size, 0); // like Linux: the text is made on open
}

KTEST(procfs_refuses_changes)
{
	struct file *f;

	KASSERT_EQ(vfs_open(NULL, "/proc/meminfo", O_WRONLY, 0, &f), -EACCES);
	KASSERT_EQ(vfs_open(NULL, "/proc/meminfo", O_RDWR, 0, &f), -EACCES);
	KASSERT_EQ(vfs_mkdir(NULL, "/proc/x", 0755), -ENOENT); /* Linux's errors */
	KASSERT_EQ(vfs_open(NULL, "/proc/new", O_CREAT | O_WRONLY, 0644, &f), -ENOENT);
	KASSERT_EQ(vfs_unlink(NULL, "/proc/uptime"), -EPERM);
	KASSERT_EQ(vfs_open(NULL, "/proc/uptime", O_WRONLY | O_TRUNC, 0, &f), -EACCES);
	KASSERT_EQ(vfs_truncate(NULL, "/proc/uptime", 0), -EACCES);
	KASSERT_EQ(vfs_chmod(NULL, "/proc/uptime", 0666), -EPERM);
	KASSERT_EQ(vfs_open(NULL, "/proc/nothing", O_RDONLY, 0, &f), -ENOENT);
}

/* Does /proc list a directory called @name? */
static bool proc_lists(const char *name)
{
	char *buf = kmalloc(TEXT_MAX);
	struct file *f;
	bool found = false;
	ssize_t n;

	KASSERT(buf);
	KASSERT_EQ(vfs_open(NULL, "/proc", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	while ((n = vfs_getdents64(f, buf, TEXT_MAX)) > 0)
		for (ssize_t off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			found |= d->d_type == DT_DIR && !strcmp(d->d_name, name);
			off += d->d_reclen;
		}
	KASSERT_EQ(n, 0);
	file_put(f);
	kfree(buf);
	return found;
}

static int probe_task(void *arg)
{
	atomic_t *stop = arg;

	while (!atomic_read(stop))
		task_sleep_ns(WAIT_STEP_NS);
	return 0;
}

/* Fields of a /proc/ID/stat line: "(comm)" is one field. */
static size_t stat_fields(const char *t)
{
	const char *p = strchr(t, ')');
	size_t n = 2;

	KASSERT(p);
	for (; *p && *p != '\n'; p++)
		n += *p == ' ';
	return n;
}

KTEST(procfs_task_dir)
{
	atomic_t stop;
	char path[64], name[24];
	struct linux_stat st;
	struct task *t;
	size_t len;

	atomic_set(&stop, 0);
	t = task_create(probe_task, &stop, "procfs-probe");
	KASSERT(t);
	ksnprintf(name, sizeof(name), "%lu", (unsigned long)(PROCFS_KTASK_BASE + t->id));
	ksnprintf(path, sizeof(path), "/proc/%s/status", name);
	char *s = read_all(path, &len);
	KASSERT(strstr(s, "Name:\tprocfs-probe\n"));
	KASSERT(strstr(s, "\nState:\t"));
	kfree(s);
	ksnprintf(path, sizeof(path), "/proc/%s/stat", name);
	s = read_all(path, &len);
	KASSERT(strstr(s, " (procfs-probe) "));
	KASSERT_EQ(stat_fields(s), STAT_FIELDS);
	kfree(s);
	KASSERT(proc_lists(name));
	atomic_set(&stop, 1);
	KASSERT_EQ(task_join(t, NULL), 0);
	ksnprintf(path, sizeof(path), "/proc/%s", name);
	KASSERT_EQ(vfs_stat(NULL, path, &st), -ENOENT);
	ksnprintf(path, sizeof(path), "/proc/%s/status", name);
	struct file *f;
	KASSERT_EQ(vfs_open(NULL, path, O_RDONLY, 0, &f), -ENOENT);
	KASSERT(!proc_lists(name));
}

/* /proc/self names the reader's pid: a kernel task has none. The
 * process directories' own tests are tests/qemu/test_busybox.py. */
KTEST(procfs_self_and_stat)
{
	char buf[32];
	struct linux_stat st;
	size_t len;

	KASSERT_EQ(vfs_readlink(NULL, "/proc/self", buf, sizeof(buf)), -ENOENT);
	KASSERT_EQ(vfs_stat(NULL, "/proc/self/stat", &st), -ENOENT);
	KASSERT_EQ(vfs_stat(NULL, "/proc/0", &st), -ENOENT); // pid 0 is no process
	KASSERT_EQ(vfs_readlink(NULL, "/proc/32769/exe", buf, sizeof(buf)), -ENOENT);
	char *t = read_all("/proc/stat", &len);
	KASSERT(!strncmp(t, "cpu  ", 5));
	KASSERT(strstr(t, "\ncpu0 "));
	KASSERT(strstr(t, "\nbtime "));
	KASSERT(strstr(t, "\nprocs_running "));
	kfree(t);
}

static const struct conf_fs second_proc = { .type = "proc" };

/* Open, read and close each of a second procfs's files and kernel task
 * 1's (the first idle task: PROCFS_KTASK_BASE + 1). */
static void proc_workload(struct conf_ctx *c)
{
	static const char *const names[] = { "meminfo",	     "cpuinfo",	   "mounts",
					     "uptime",	     "interrupts", "stat",
					     "32769/status", "32769/stat", "32769/cmdline" };
	char buf[128];
	struct linux_stat st;
	struct file *f;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		f = conf_open(c, names[i], O_RDONLY);
		while (vfs_read(f, buf, sizeof(buf)) > 0)
			;
		file_put(f);
	}
	KASSERT_EQ(vfs_stat(&c->cwd, "999999", &st), -ENOENT);
	KASSERT_EQ(vfs_stat(&c->cwd, "32769", &st), 0);
	KASSERT(S_ISDIR(st.st_mode));
}

KTEST(procfs_umount_returns_memory)
{
	struct conf_ctx c;
	uint64_t before, after;

	conf_mount(&c, &second_proc); // warm up /ktest's own names
	conf_umount(&c);
	before = conf_heap_in_use();
	conf_mount(&c, &second_proc);
	proc_workload(&c);
	conf_umount(&c);
	after = conf_heap_in_use();
	KASSERT_EQ(after, before);
}

#define CHURN_TASKS 64
#define CHURN_READERS 2

/* Reader: list /proc and open every task's status, until told to stop;
 * an open may race the task's exit (-ENOENT) but never anything else. */
static int churn_reader(void *arg)
{
	atomic_t *stop = arg;
	char path[48];
	struct file *f;
	size_t n;

	while (!atomic_read(stop)) {
		struct task_info *ti = kmalloc(CHURN_TASKS * 4 * sizeof(*ti));

		if (!ti)
			return -ENOMEM;
		n = task_list(ti, CHURN_TASKS * 4);
		for (size_t i = 0; i < n && i < CHURN_TASKS * 4; i++) {
			ksnprintf(path, sizeof(path), "/proc/%lu/status",
				  (unsigned long)(PROCFS_KTASK_BASE + ti[i].id));
			int err = vfs_open(NULL, path, O_RDONLY, 0, &f);
			if (err == -ENOENT)
				continue;
			if (err) {
				kfree(ti);
				return err;
			}
			file_put(f);
		}
		kfree(ti);
		(void)proc_lists("0");
	}
	return 0;
}

static int churn_child(void *arg)
{
	(void)arg;
	task_sleep_ns(WAIT_STEP_NS / 10);
	return 0;
}

/* Tasks come and go on every CPU while readers walk /proc. */
KTEST(procfs_smp_churn)
{
	struct task *readers[CHURN_READERS], *t;
	atomic_t stop;
	int code;

	atomic_set(&stop, 0);
	for (int i = 0; i < CHURN_READERS; i++) {
		readers[i] = task_create(churn_reader, &stop, "procfs-reader");
		KASSERT(readers[i]);
	}
	for (int i = 0; i < CHURN_TASKS; i++) {
		t = task_create(churn_child, NULL, "procfs-churn");
		KASSERT(t);
		KASSERT_EQ(task_join(t, NULL), 0);
	}
	atomic_set(&stop, 1);
	for (int i = 0; i < CHURN_READERS; i++) {
		KASSERT_EQ(task_join(readers[i], &code), 0);
		KASSERT_EQ(code, 0);
	}
}

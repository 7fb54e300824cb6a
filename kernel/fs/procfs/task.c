/*
 * procfs per-process and per-task directories: /proc/ID/status, stat,
 * cmdline, exe, cwd and root in Linux's formats (fs/proc/array.c,
 * base.c); fd/ is fd.c's, environ, maps and statm task_mm.c's. ID is a
 * process's pid (its data from proc_get_info, a copy made under
 * proc_lock, and references to its mm and cwd taken there) or
 * PROCFS_KTASK_BASE + a kernel task's id (from task_list, copied under
 * the task table lock), so nothing is read through a pointer whose
 * process or task may be freed meanwhile (doc/locking.md).
 * Corvid has one user and does not split user from system time
 * (doc/busybox.md). stat's tty_nr and tpgid are the console's
 * (tty_console_owner) for the processes it is the controlling tty of.
 */
#include "fs/procfs/procfs_internal.h"

#include "drivers/tty/tty.h"
#include "fs/mount.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/mm.h"
#include "proc/proc.h"
#include "sched/task.h"

#define SNAPSHOT_SLACK 16 // room for tasks created while we allocate
#define USER_HZ 100	  // clock ticks of /proc/ID/stat (sysconf(_SC_CLK_TCK))
#define NS_PER_TICK (1000000000ull / USER_HZ)
#define PF_KTHREAD 0x00200000 // Linux include/linux/sched.h: a kernel thread
#define PF_FORKNOEXEC 0x40    // Linux: forked but not exec'd; not tracked (0)
#define RLIM_INFINITY_U64 (~0ull)
#define PAGE_KIB 4
#define SIGCHLD_NR 17

struct task_info *procfs_task_snapshot(size_t *n)
{
	for (;;) {
		size_t max = task_count() + SNAPSHOT_SLACK;
		struct task_info *ti = kmalloc(max * sizeof(*ti));

		if (!ti)
			return NULL;
		*n = task_list(ti, max);
		if (*n <= max)
			return ti;
		kfree(ti); // grew past the slack meanwhile: again
	}
}

bool procfs_task_find(uint64_t id, struct task_info *out)
{
	size_t n;
	struct task_info *ti = procfs_task_snapshot(&n);
	bool found = false;

	if (!ti)
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		if (ti[i].id != id || ti[i].is_user)
			continue;
		found = true;
		if (out)
			*out = ti[i];
	}
	kfree(ti);
	return found;
}

bool procfs_id_exists(uint64_t id)
{
	struct proc_info pi;

	if (procfs_is_ktask(id))
		return procfs_task_find(id - PROCFS_KTASK_BASE, NULL);
	return id && id < PROCFS_KTASK_BASE && !proc_get_info((int)id, &pi);
}

static void sort_ids(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
		}
}

uint64_t *procfs_ids_snapshot(size_t *n)
{
	size_t nt, np = proc_count() + SNAPSHOT_SLACK, k = 0;
	struct task_info *ti = procfs_task_snapshot(&nt);
	struct proc_info *pi = kmalloc(np * sizeof(*pi));
	uint64_t *ids = ti && pi ? kmalloc((nt + np) * sizeof(*ids)) : NULL;

	if (ids) {
		size_t got = proc_list(pi, np);

		for (size_t i = 0; i < got && i < np; i++)
			ids[k++] = (uint64_t)pi[i].pid;
		for (size_t i = 0; i < nt; i++)
			if (!ti[i].is_user)
				ids[k++] = PROCFS_KTASK_BASE + ti[i].id;
		sort_ids(ids, k);
		*n = k;
	}
	kfree(pi);
	kfree(ti);
	return ids;
}

/* What a directory's files show, from either source. */
struct id_view {
	char name[TASK_NAME_MAX];
	char state;
	int pid, ppid, pgid, sid, threads;
	int tty_nr, tpgid; /* the controlling tty's number and foreground group, 0 / -1 */
	unsigned int cpu, flags;
	uint64_t cpu_ns, start_ns, rss_pages;
	/* From the address space (0 for kernel tasks and zombies): */
	uint64_t vm_bytes;
	uintptr_t brk_start, arg_start, arg_end, env_start, env_end;
};

/* The address-space fields of @v for process @pid. */
static void view_mm(int pid, struct id_view *v)
{
	struct mm *mm = proc_get_mm(pid);

	if (!mm)
		return;
	v->vm_bytes = mm_total_size(mm);
	v->brk_start = READ_ONCE(mm->brk_start); // set once by exec
	v->arg_start = mm->arg_start;
	v->arg_end = mm->arg_end;
	v->env_start = mm->env_start;
	v->env_end = mm->env_end;
	mm_put(mm);
}

/* The controlling-tty fields of @v: the console's, if it is @pi's. */
static void view_tty(const struct proc_info *pi, struct id_view *v)
{
	int sid, pgrp;

	tty_console_owner(&sid, &pgrp);
	if (sid && sid == pi->sid && !pi->no_ctty) {
		v->tty_nr = TTY_CONSOLE_NR;
		v->tpgid = pgrp;
	}
}

static bool view_of(uint64_t id, struct id_view *v)
{
	struct task_info ti;
	struct proc_info pi;

	if (procfs_is_ktask(id)) {
		if (!procfs_task_find(id - PROCFS_KTASK_BASE, &ti))
			return false;
		*v = (struct id_view){
			.pid = (int)id,
			.tpgid = -1,
			.threads = 1,
			.cpu = ti.cpu,
			.flags = PF_KTHREAD,
			.cpu_ns = ti.runtime_ns,
		};
		v->state = ti.state == TASK_EXITED				   ? 'Z'
			   : ti.state == TASK_BLOCKED || ti.state == TASK_SLEEPING ? 'S'
										   : 'R';
		memcpy(v->name, ti.name, sizeof(v->name));
		return true;
	}
	if (!id || id >= PROCFS_KTASK_BASE || proc_get_info((int)id, &pi))
		return false;
	*v = (struct id_view){ .state = pi.state,
			       .pid = pi.pid,
			       .ppid = pi.ppid,
			       .pgid = pi.pgid,
			       .sid = pi.sid,
			       .tpgid = -1,
			       .cpu = pi.cpu,
			       .cpu_ns = pi.cpu_ns,
			       .start_ns = pi.start_ns,
			       .rss_pages = pi.rss_pages,
			       .threads = pi.threads };
	memcpy(v->name, pi.name, sizeof(pi.name));
	view_mm(pi.pid, v);
	view_tty(&pi, v);
	return true;
}

/* Linux's state word for a letter (fs/proc/array.c task_state_array). */
static const char *state_word(char c)
{
	switch (c) {
	case 'R':
		return "running";
	case 'S':
		return "sleeping";
	case 'T':
		return "stopped";
	default:
		return "zombie";
	}
}

static int render_status(struct procfs_text *t, uint64_t id)
{
	struct id_view v;

	if (!view_of(id, &v))
		return -ENOENT;
	procfs_text_printf(t, "Name:\t%s\nUmask:\t0022\nState:\t%c (%s)\n", v.name, v.state,
			   state_word(v.state));
	procfs_text_printf(t, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", v.pid,
			   v.pid, v.ppid);
	procfs_text_printf(t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\n");
	if (!procfs_is_ktask(id)) {
		unsigned long kb = (unsigned long)(v.rss_pages * PAGE_KIB);
		unsigned long vm_kb = (unsigned long)(v.vm_bytes / 1024);

		/* No high-water marks are kept: the peaks are the current sizes. */
		procfs_text_printf(t, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\n", vm_kb, vm_kb);
		procfs_text_printf(t, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n", kb, kb);
	}
	procfs_text_printf(t, "Threads:\t%d\nCpus_allowed_list:\t%u\n", v.threads, v.cpu);
	return 0;
}

/* The 52 fields of Linux's /proc/PID/stat (proc(5)); CPU time is all
 * system time, in USER_HZ ticks (the scheduler counts a task's run time,
 * not which mode it ran in). */
static int render_stat(struct procfs_text *t, uint64_t id)
{
	struct id_view v;

	if (!view_of(id, &v))
		return -ENOENT;
	/* 1 pid, 2 comm, 3 state, 4 ppid, 5 pgrp, 6 session, 7 tty_nr,
	 * 8 tpgid, 9 flags, 10-13 faults */
	procfs_text_printf(t, "%d (%s) %c %d %d %d %d %d %u 0 0 0 0 ", v.pid, v.name, v.state,
			   v.ppid, v.pgid, v.sid, v.tty_nr, v.tpgid, v.flags);
	/* 14 utime, 15 stime, 16-17 children, 18 priority, 19 nice,
	 * 20 threads, 21 itrealvalue, 22 starttime, 23 vsize, 24 rss, 25 rsslim */
	procfs_text_printf(t, "0 %lu 0 0 20 0 %d 0 %lu %lu %lu %llu ",
			   (unsigned long)(v.cpu_ns / NS_PER_TICK), v.threads,
			   (unsigned long)(v.start_ns / NS_PER_TICK), (unsigned long)v.vm_bytes,
			   (unsigned long)v.rss_pages, RLIM_INFINITY_U64);
	/* 26-35 code/stack/signals/wchan, 36-37 swap, 38 exit_signal,
	 * 39 processor, 40 rt_priority, 41 policy, 42-44 delays and guest */
	procfs_text_printf(t, "0 0 0 0 0 0 0 0 0 0 0 0 %d %u 0 0 0 0 0 ",
			   procfs_is_ktask(id) ? 0 : SIGCHLD_NR, v.cpu);
	/* 45-46 data addresses, 47 start_brk, 48-51 arg/env addresses,
	 * 52 exit_code */
	procfs_text_printf(t, "0 0 %lu %lu %lu %lu %lu 0\n", (unsigned long)v.brk_start,
			   (unsigned long)v.arg_start, (unsigned long)v.arg_end,
			   (unsigned long)v.env_start, (unsigned long)v.env_end);
	return 0;
}

/* argv as exec gave it; kernel tasks and zombies have none (ps then
 * shows "[name]", as for Linux's kernel threads). */
static int render_cmdline(struct procfs_text *t, uint64_t id)
{
	ssize_t n;

	if (procfs_is_ktask(id))
		return procfs_id_exists(id) ? 0 : -ENOENT;
	n = proc_get_cmdline((int)id, t->buf, t->cap);
	if (n < 0)
		return -ENOENT;
	t->len = (size_t)n;
	t->overflow = (size_t)n == t->cap; // may be cut: again, bigger
	return 0;
}

/* The executable; -ENOENT for kernel tasks and zombies, as Linux's. */
static ssize_t readlink_exe(uint64_t id, char *buf, size_t size)
{
	ssize_t n = procfs_is_ktask(id) ? -ENOENT : proc_get_exe((int)id, buf, size);

	return n > 0 ? n : -ENOENT;
}

/* The working directory (" (deleted)" once removed); -ENOENT for kernel
 * tasks and zombies. */
static ssize_t readlink_cwd(uint64_t id, char *buf, size_t size)
{
	struct vfs_path cwd;
	ssize_t n;

	if (procfs_is_ktask(id) || proc_get_cwd((int)id, &cwd))
		return -ENOENT;
	n = procfs_path_link(&cwd, buf, size);
	vfs_path_put(&cwd);
	return n;
}

/* The root directory: "/" for every process (there is no chroot). */
static ssize_t readlink_root(uint64_t id, char *buf, size_t size)
{
	struct vfs_path cwd;

	if (procfs_is_ktask(id) || proc_get_cwd((int)id, &cwd))
		return -ENOENT; // the cwd's presence says the process has not ended
	vfs_path_put(&cwd);
	if (!size)
		return 0;
	buf[0] = '/';
	return 1;
}

/* In Linux's ls order; their inode numbers are their places (+1). */
const struct procfs_entry procfs_task_files[] = {
	{ "cmdline", render_cmdline, NULL, false },
	{ "cwd", NULL, readlink_cwd, false },
	{ "environ", procfs_render_environ, NULL, false },
	{ "exe", NULL, readlink_exe, false },
	{ "fd", NULL, NULL, true },
	{ "maps", procfs_render_maps, NULL, false },
	{ "root", NULL, readlink_root, false },
	{ "stat", render_stat, NULL, false },
	{ "statm", procfs_render_statm, NULL, false },
	{ "status", render_status, NULL, false },
};
const size_t procfs_nr_task_files = sizeof(procfs_task_files) / sizeof(procfs_task_files[0]);
_Static_assert(sizeof(procfs_task_files) / sizeof(procfs_task_files[0]) < PROCFS_TASK_SLOTS,
	       "a task directory's files must fit its inode numbers");

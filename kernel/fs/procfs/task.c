/*
 * procfs task directories: /proc/ID/status, stat and cmdline, in Linux's
 * formats (fs/proc/array.c) with zeros where Corvid has nothing yet (no
 * users, signals, address spaces or parents). Task data is never read
 * through a struct task pointer, whose task may be joined and freed at
 * any moment: task_list() copies every task under the task table lock,
 * and the files are rendered from that copy (doc/locking.md).
 */
#include "fs/procfs/procfs_internal.h"

#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
#include "sched/task.h"

#define SNAPSHOT_SLACK 16     // room for tasks created while we allocate
#define USER_HZ 100	      // clock ticks of /proc/ID/stat (sysconf(_SC_CLK_TCK))
#define PF_KTHREAD 0x00200000 // Linux include/linux/sched.h: a kernel thread
#define RLIM_INFINITY_U64 (~0ull)

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
		if (ti[i].id != id)
			continue;
		found = true;
		if (out)
			*out = ti[i];
	}
	kfree(ti);
	return found;
}

/* Linux's state letter and word (fs/proc/array.c task_state_array). */
static char state_letter(enum task_state s, const char **word)
{
	switch (s) {
	case TASK_RUNNING:
	case TASK_READY:
		*word = "running";
		return 'R';
	case TASK_BLOCKED:
	case TASK_SLEEPING:
		*word = "sleeping";
		return 'S';
	case TASK_EXITED:
		break;
	}
	*word = "zombie";
	return 'Z';
}

static int render_status(struct procfs_text *t, uint64_t id)
{
	struct task_info ti;
	const char *word;
	char c;

	if (!procfs_task_find(id, &ti))
		return -ENOENT;
	c = state_letter(ti.state, &word);
	procfs_text_printf(t, "Name:\t%s\nUmask:\t0000\nState:\t%c (%s)\n", ti.name, c, word);
	procfs_text_printf(t, "Tgid:\t%lu\nNgid:\t0\nPid:\t%lu\nPPid:\t0\nTracerPid:\t0\n",
			   (unsigned long)id, (unsigned long)id);
	procfs_text_printf(t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t0\nGroups:\t\n");
	procfs_text_printf(t, "Threads:\t1\nCpus_allowed_list:\t%u\n", ti.cpu);
	return 0;
}

/* The 52 fields of Linux's /proc/PID/stat (proc(5)); CPU time is all
 * system time, in USER_HZ ticks. */
static int render_stat(struct procfs_text *t, uint64_t id)
{
	struct task_info ti;
	const char *word;
	unsigned long ticks;

	if (!procfs_task_find(id, &ti))
		return -ENOENT;
	ticks = (unsigned long)(ti.runtime_ns / (1000000000ull / USER_HZ));
	/* 1 pid, 2 comm, 3 state, 4 ppid .. 8 tpgid, 9 flags, 10-13 faults */
	procfs_text_printf(t, "%lu (%s) %c 0 0 0 0 -1 %u 0 0 0 0 ", (unsigned long)id, ti.name,
			   state_letter(ti.state, &word), PF_KTHREAD);
	/* 14 utime, 15 stime, 16-17 children, 18 priority, 19 nice,
	 * 20 threads, 21 itrealvalue, 22 starttime, 23 vsize, 24 rss, 25 rsslim */
	procfs_text_printf(t, "0 %lu 0 0 20 0 1 0 0 0 0 %llu ", ticks, RLIM_INFINITY_U64);
	/* 26-35 code/stack/signals/wchan, 36-37 swap, 38 exit_signal,
	 * 39 processor, 40 rt_priority, 41 policy, 42-44 delays and guest */
	procfs_text_printf(t, "0 0 0 0 0 0 0 0 0 0 0 0 0 %u 0 0 0 0 0 ", ti.cpu);
	/* 45-51 data/brk/arg/env addresses, 52 exit_code */
	procfs_text_printf(t, "0 0 0 0 0 0 0 0\n");
	return 0;
}

/* Kernel tasks have no command line: empty, as Linux's kernel threads. */
static int render_cmdline(struct procfs_text *t, uint64_t id)
{
	(void)t;
	return procfs_task_find(id, NULL) ? 0 : -ENOENT;
}

const struct procfs_entry procfs_task_files[] = {
	{ "cmdline", render_cmdline },
	{ "stat", render_stat },
	{ "status", render_status },
};
const size_t procfs_nr_task_files = sizeof(procfs_task_files) / sizeof(procfs_task_files[0]);

/*
 * Shell commands of the scheduler: `ps` (the task table and per-CPU
 * scheduling counters). Reads snapshots; takes the task-table and
 * run-queue locks briefly.
 */
#include "core/console.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "shell/shell.h"
#include "time/ktime.h"

#define PS_MAX_TASKS 256

static void print_cpus(void)
{
	uint64_t up = ktime_ns();

	for (unsigned int i = 0; i < percpu_count(); i++) {
		struct sched_cpu_stats st;
		struct percpu *c = percpu_get(i);

		if (!c)
			continue;
		sched_cpu_stats(i, &st);
		kprintf("cpu%u: %s, %lu switches, %u ready, busy %lu.%lu%%, idle %lu passes %lu halts %lu polls, "
			"wake-ups: %lu preempted, %lu sent to an idle CPU\n",
			i, READ_ONCE(c->online) ? "online" : "offline", (unsigned long)st.switches,
			st.nr_ready, (unsigned long)(st.busy_ns * 100 / up),
			(unsigned long)(st.busy_ns * 1000 / up % 10), (unsigned long)st.idle_passes,
			(unsigned long)st.idle_halts, (unsigned long)st.idle_polls,
			(unsigned long)st.wake_preempts, (unsigned long)st.wake_offered);
	}
}

static int cmd_ps(int argc, char **argv)
{
	struct task_info *tasks;
	size_t n;

	if (argc != 1)
		return shell_usage(shell_find("ps"));
	tasks = kmalloc(PS_MAX_TASKS * sizeof(*tasks));
	if (!tasks) {
		kprintf("ps: out of memory\n");
		return 1;
	}
	n = task_list(tasks, PS_MAX_TASKS);
	kprintf("%s%6s  %-23s %-9s %3s %12s%s\n", shell_color(SHELL_COLOR_HEADING), "ID", "NAME",
		"STATE", "CPU", "TIME(ms)", shell_color(SHELL_COLOR_RESET));
	for (size_t i = 0; i < MIN(n, (size_t)PS_MAX_TASKS); i++) {
		struct task_info *t = &tasks[i];

		kprintf("%6lu  %-23s %-9s %3u %8lu.%03lu\n", (unsigned long)t->id, t->name,
			task_state_name(t->state), t->cpu,
			(unsigned long)(t->runtime_ns / NSEC_PER_MSEC),
			(unsigned long)(t->runtime_ns / 1000 % 1000));
	}
	if (n > PS_MAX_TASKS)
		kprintf("... and %lu more\n", (unsigned long)(n - PS_MAX_TASKS));
	kfree(tasks);
	print_cpus();
	proc_print_table(); /* user processes, if any */
	return 0;
}

SHELL_COMMAND(ps, .name = "ps", .group = "tasks",
	      .summary = "list tasks (id, name, state, CPU, run time), per-CPU counters, processes",
	      .usage = "ps", .fn = cmd_ps);

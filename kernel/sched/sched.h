/*
 * The scheduler: preemptive round-robin over per-CPU run queues.
 *
 * Policy. Each CPU runs the task at the head of its run queue for up to a
 * time slice (SCHED_SLICE_NS, 10 ms); the tick charges the running task
 * and, when the slice is used up and another task is ready, sets its
 * need_resched. The switch happens only on the way out of an interrupt
 * (irq_exit), in preempt_enable(), or when a task blocks, sleeps or
 * yields - never inside a handler. New tasks go to the least loaded online
 * CPU; a CPU whose queue is empty pulls a ready task from the busiest one
 * before going idle. Each CPU has an idle task that halts until the next
 * interrupt; it runs only when the queue is empty.
 *
 * Invariants. A task is on at most one list through rq_link (a run queue,
 * a wait queue or the sleep list) and its state says which. Only the CPU
 * that owns a run queue dequeues from it, except the pull in balancing,
 * which holds its own queue's lock and only
 * trylocks the other (so two pulling CPUs cannot deadlock). A task is switched away
 * from only with its preempt_count equal to the one run-queue lock held by
 * the switch path. The running task is never in a run queue.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

#define SCHED_SLICE_NS (10ull * 1000 * 1000)
/* How much of its slice a running task keeps before a woken task may
 * preempt it (sched.c, wake_preempt_locked). */
#define SCHED_WAKEUP_GRAN_NS (1ull * 1000 * 1000)

struct task;
struct percpu;

/* Turn the boot flow into CPU 0's first task ("kmain"), create CPU 0's
 * idle task and start preemption. After time_init(). */
void sched_init(void);

/* Prepare @cpu (not yet started) for running tasks: its run queue and its
 * idle task, whose stack the CPU boots on. Returns the idle task's stack
 * top, or 0 when memory runs out. Boot CPU. */
uintptr_t sched_init_cpu(struct percpu *cpu);

/* Entry of an application processor once its arch setup is done
 * (descriptor tables, LAPIC, GS base, tick): marks it online and runs its
 * idle loop. Interrupts off on entry. */
void sched_ap_main(void) __noreturn;

/* Called by the tick on every CPU with interrupts off: charges the running
 * task and wakes expired sleepers. */
void sched_tick(void);

/* Called on interrupt exit with interrupts off: switch if asked. */
void sched_irq_exit(void);

/* Has sched_init() run? (Before it, blocking waits poll.) */
bool sched_is_running(void);

/* Preemption control; nestable. preempt_enable() switches if the count
 * reaches 0 and a switch was requested meanwhile. */
void preempt_disable(void);
void preempt_enable(void);

/* May the caller sleep? Debug builds panic, naming @where, when a
 * spinlock is held, preemption or interrupts are off, or in an interrupt
 * handler. */
void might_sleep_at(const char *where);
#define might_sleep() might_sleep_at(__func__)

/* Per-CPU statistics for `ps` and the tests. */
struct sched_cpu_stats {
	uint64_t switches;	/* context switches on this CPU */
	uint64_t busy_ns;	/* time spent in non-idle tasks */
	unsigned int nr_ready;	/* tasks in its run queue now */
	uint64_t tasks_run;	/* distinct non-idle task slices started */
	uint64_t idle_passes;	/* idle-loop iterations on this CPU */
	uint64_t idle_halts;	/* idle-loop iterations that halted */
	uint64_t idle_polls;	/* idle-loop iterations that polled first */
	uint64_t wake_preempts; /* running tasks asked to give way to a wakee */
	uint64_t wake_offered;	/* wakees offered to an idle CPU instead */
};
void sched_cpu_stats(unsigned int cpu, struct sched_cpu_stats *st);

/* The 1, 5 and 15 minute load averages in lib/loadavg.h's fixed point:
 * runnable tasks (running or ready; Corvid does not count tasks blocked on
 * I/O, which Linux adds), sampled every 5 s since boot. */
void sched_loadavg(unsigned long avg[3]);

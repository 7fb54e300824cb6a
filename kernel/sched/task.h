/*
 * Kernel tasks: a function running on its own guarded kernel stack,
 * scheduled preemptively (sched/sched.h has the policy). A task is created
 * ready to run, runs fn(arg), and exits with fn's return value or through
 * task_exit(). Exactly one other task collects it with task_join() (which
 * frees it), unless it was detached, in which case it is freed when it
 * exits.
 *
 * Locking: the task table is guarded by task_table_lock (sched/task.c);
 * a task's scheduling fields by its CPU's run-queue lock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"
#include "include/list.h"
#include "mm/vmalloc.h"

struct proc;
struct thread;

#define TASK_NAME_MAX 24
#define TASK_STACK_SIZE (16u * 1024)

enum task_state {
	TASK_RUNNING,  /* on a CPU now */
	TASK_READY,    /* in a run queue */
	TASK_BLOCKED,  /* on a wait queue */
	TASK_SLEEPING, /* on the sleep-timer list */
	TASK_EXITED,   /* finished, waiting to be joined */
};

struct task {
	struct arch_context ctx; /* saved registers while not running */
	/* Owner task only (read by others for `ps`): */
	int preempt_count; /* > 0: no involuntary switch (spinlocks held) */
	bool need_resched; /* set by the tick or a wakeup; checked on exit paths */
	/* Atomic: a signal (or kill) the task must see is pending; ends its
	 * interruptible waits (task_interrupt / task_clear_interrupt): */
	bool interrupted;
	bool wait_interruptible; /* Atomic: inside wait_event_interruptible */
	/* CPUs it may run on (sched_setaffinity, inherited by fork); 0: all.
	 * Set only by the task itself (task_set_affinity) or before it runs: */
	uint64_t affinity;
	/* Immutable after task_create(): */
	uint64_t id;
	char name[TASK_NAME_MAX];
	struct kstack stack;
	int (*fn)(void *arg);
	void *arg;
	struct proc *proc;     /* the process it is the thread of; NULL: a kernel task */
	struct thread *thread; /* its user half (proc/thread.h); set by the thread itself */
	bool is_idle;
	bool pinned; /* never moved to another CPU (idle, task_create_on) */
	/* Protected by the run-queue lock of the CPU in `cpu`: */
	enum task_state state;
	unsigned int cpu;	     /* CPU it runs or is queued on */
	struct list_head rq_link;    /* run queue (READY) */
	struct list_head sleep_link; /* the CPU's sleep list (timed waits) */
	uint64_t runtime_ns;	     /* CPU time consumed */
	uint64_t slice_start_ns;     /* when it last got the CPU */
	uint64_t wake_ns;	     /* sleeping: when to wake */
	/* Protected by task_table_lock: */
	struct list_head all_link; /* the task table */
	bool detached;		   /* freed on exit; cannot be joined */
	bool joining;		   /* a task_join() is in progress */
	bool zombie;		   /* exited and off its stack: may be freed */
	int exit_code;
};

/*
 * Create a task running @fn(@arg) named @name (truncated to 23 chars), on
 * the least loaded online CPU. It starts with interrupts enabled. Returns
 * the task, or NULL when memory runs out. May sleep.
 */
struct task *task_create(int (*fn)(void *arg), void *arg, const char *name);

/* Like task_create() but pinned to CPU @cpu for its whole life (per-CPU
 * work, tests). Returns NULL for an offline CPU too. */
struct task *task_create_on(unsigned int cpu, int (*fn)(void *arg), void *arg, const char *name);

/* Like task_create() for the thread of user process @proc (its ->proc). */
struct task *task_create_user(int (*fn)(void *arg), void *arg, const char *name, struct proc *proc);

/*
 * Restrict the calling task to the CPUs in @mask (bit n: CPU n), Linux's
 * sched_setaffinity(2): it is pinned to one of them (the one it runs on
 * if it is in @mask, else the lowest, moving there at once); a mask of
 * every online CPU unpins it. Returns 0 or -EINVAL (no online CPU in
 * @mask). May sleep.
 */
int task_set_affinity(uint64_t mask) __must_check;

/* The CPUs @t may run on (the online mask when it is not restricted). */
uint64_t task_affinity(const struct task *t);

/* End the calling task with @code. */
void task_exit(int code) __noreturn;

/*
 * Wait until @t exits, store its exit code in @code (if non-NULL) and free
 * it. Returns 0, -EINVAL (@t is the caller, detached, or already being
 * joined). May sleep.
 */
int task_join(struct task *t, int *code) __must_check;

/* Let @t free itself when it exits (no join). If it has already exited it
 * is freed now. */
void task_detach(struct task *t);

/* Give the CPU to another ready task, if any. May sleep. */
void task_yield(void);

/* Sleep at least @ns nanoseconds. May sleep (obviously). */
void task_sleep_ns(uint64_t ns);

/* The calling task. Inline, as the two below: the system-call path asks
 * for it several times per call, and under TCG each out-of-line call and
 * return is a translated-block lookup. */
static inline struct task *task_current(void)
{
	return arch_current_task();
}

/* CPU time the calling task has used, including the current slice (for
 * the CPU-time clocks, getrusage and times). */
uint64_t task_cpu_time_ns(void);

/* One-letter and long names of a state ("R", "running"). */
const char *task_state_name(enum task_state s);

/* Snapshot of a task for `ps`. */
struct task_info {
	uint64_t id;
	char name[TASK_NAME_MAX];
	enum task_state state;
	unsigned int cpu;
	uint64_t runtime_ns;
	bool is_user; /* the thread of a process (procfs lists it by pid) */
};

/* Fill up to @max snapshots of live tasks in id order; returns how many
 * tasks there are (may exceed @max). */
size_t task_list(struct task_info *out, size_t max);

/* Number of tasks in the task table (all states). */
size_t task_count(void);

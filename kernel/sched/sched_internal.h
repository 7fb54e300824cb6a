/*
 * Scheduler internals shared by the files of sched/ only (task.c, sched.c,
 * waitqueue.c, percpu.c): the run queue, the switch path and wake-ups.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/list.h"
#include "sched/task.h"
#include "sync/spinlock.h"

struct percpu;

struct runqueue {
	struct spinlock lock;
	/* Protected by lock: */
	struct list_head ready;	   /* READY tasks, FIFO */
	unsigned int nr_ready;	   /* length of ready */
	unsigned int nr_pullable;  /* of those, unpinned: what idle CPUs may take */
	struct list_head sleepers; /* tasks with a wake time, by wake_ns */
	struct task *dead;	   /* exited task to reap after the switch */
	struct task *moving;	   /* task to queue on CPU moving_to after it */
	unsigned int moving_to;
	uint64_t switches, busy_ns, tasks_run;
	bool wake_pending;	/* a wakee waits behind a busy current task */
	uint64_t wake_preempts; /* current tasks asked to give way to a wakee */
	uint64_t wake_offered;	/* wakees offered to an idle CPU instead */
	/* Owner CPU only (written by its idle task, read racily by stats): */
	uint64_t idle_passes; /* idle-loop iterations */
	uint64_t idle_halts;  /* of those, the ones that halted */
	uint64_t idle_polls;  /* of those, the ones that polled (idle_poll) */
	uint64_t poll_ns;     /* how long the idle loop polls before halting */
	uint64_t idle_since;  /* ktime_ns() the CPU went idle; 0 while busy */
	uint32_t polling;     /* Atomic: the idle loop polls: a kick needs no IPI */
	/* Immutable after init: */
	struct percpu *cpu;
};

/* Pin the calling task to CPU @cpu (-1: unpin it), switching it there
 * first when it runs elsewhere: it is switched out here and queued on
 * @cpu by the task switched to (finish_switch), so no two CPUs ever run
 * it at once. @cpu must be online. */
void sched_move_current(int cpu);

/* CPU 0's boot task (the kmain flow), valid before the scheduler runs. */
struct task *sched_boot_task(void);

/* Make @t runnable (from BLOCKED or SLEEPING): queue it on its CPU, or,
 * when it has not switched out yet, leave it running. Returns true when
 * it was woken. IRQ-safe. */
bool sched_wake(struct task *t);

/* Block the caller: switch away unless it was woken since it set its
 * state to BLOCKED. With @deadline_ns != 0 it is also woken then. */
void sched_block(uint64_t deadline_ns);

/* Queue a new task on @cpu's run queue (or the least loaded CPU when
 * @cpu is -1); returns the CPU chosen. */
unsigned int sched_enqueue_new(struct task *t, int cpu);

/* Make @t READY on @rq and kick @rq's CPU if it idles. */
void sched_enqueue_locked(struct runqueue *rq, struct task *t) REQUIRES(&rq->lock);

/* Does @rq's CPU poll in its idle loop, so that work it can see (its
 * nr_ready, an idle need_resched, a pullable task) needs no reschedule
 * interrupt? A full barrier first orders the caller's stores of that work
 * before the read, against the poller's store of polling and its reads. */
bool sched_idle_polling(struct runqueue *rq);

/* The idle period of @rq's CPU that began at rq->idle_since ends now
 * (@now): adjust the poll window (cpu_start.c). Owner CPU only. */
void sched_idle_end(struct runqueue *rq, uint64_t now);

/* Mark the scheduler as running (sched_init's last step). */
void sched_set_running(void);

/* Allocate a task (stack, context set to start in sched_task_entry, one
 * preemption level held for the switch that starts it), not yet in the
 * task table or any run queue. Returns NULL when memory runs out. */
struct task *task_alloc(int (*fn)(void *arg), void *arg, const char *name);

/* Add @t to the task table (ps). */
void task_publish(struct task *t);

/* The switch: called with interrupts disabled, rq->lock held by the
 * caller, current already requeued or parked. */
void sched_switch_locked(struct runqueue *rq) REQUIRES(&rq->lock);

/* First code a new task runs (finishes the switch into it). */
void sched_task_entry(void) __noreturn;

/* End the calling task: mark it EXITED and switch away for good. */
void sched_exit_current(void) __noreturn;

/* Reap a task whose stack is no longer in use (task.c). */
void task_reap(struct task *t);

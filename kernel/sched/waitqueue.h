/*
 * Wait queues: a task waits for a condition; whoever makes the condition
 * true wakes one or all waiters. No lost wake-ups: the waiter marks itself
 * blocked and enqueues under the queue's lock before re-testing the
 * condition, so a wake between the test and the sleep leaves it ready.
 * Before the scheduler starts, waits poll the condition with interrupts
 * on (halting between interrupts).
 *
 * Locking: each queue's `lock` (IRQ-safe: interrupt handlers may wake).
 *
 * Lifetime: a wait_event() can return as soon as its condition is true,
 * which may be before the waker's waitq_wake_*() call has even started.
 * So a queue must outlive every wake-up call on it; an object that the
 * waiter frees when its wait returns needs its condition changed and the
 * wake-up done under the queue's lock (the _locked calls below), which is
 * what completions, semaphores and mutexes do.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"
#include "include/list.h"
#include "include/uapi/errno.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

struct task;

struct waitqueue {
	struct spinlock lock;
	/* Protected by lock: */
	struct list_head waiters; /* struct wait_entry, FIFO */
};

/* One waiter (on the waiter's stack; zero-initialise it). */
struct wait_entry {
	struct task *task;
	struct list_head link; /* Protected by the queue's lock */
	bool woken;
};

#define WAITQUEUE_INIT(wq, n)                                                   \
	{                                                                       \
		SPINLOCK_INIT(n, LOCK_RANK_WAITQ), LIST_HEAD_INIT((wq).waiters) \
	}

void waitqueue_init(struct waitqueue *wq, const char *name);

/* The building blocks of wait_event(): enqueue @w and mark the caller
 * blocked; then sleep if the condition is still false; then dequeue. */
void waitq_prepare(struct waitqueue *wq, struct wait_entry *w);
void waitq_sleep(struct wait_entry *w);
void waitq_finish(struct waitqueue *wq, struct wait_entry *w);

/* Like waitq_sleep() but gives up at ktime_ns() >= @deadline_ns. */
void waitq_sleep_until(struct wait_entry *w, uint64_t deadline_ns);

/* Wait until @cond (an expression re-evaluated after every wake-up) is
 * true. May sleep. */
#define wait_event(wq, cond)                        \
	do {                                        \
		struct wait_entry __we = { 0 };     \
		for (;;) {                          \
			waitq_prepare((wq), &__we); \
			if (cond)                   \
				break;              \
			waitq_sleep(&__we);         \
		}                                   \
		waitq_finish((wq), &__we);          \
	} while (0)

/* wait_event() with a timeout of @ns: evaluates to true if @cond became
 * true, false on timeout. May sleep. */
#define wait_event_timeout(wq, cond, ns)                           \
	({                                                         \
		struct wait_entry __we = { 0 };                    \
		uint64_t __dl = ktime_ns() + (ns);                 \
		bool __ok;                                         \
		for (;;) {                                         \
			waitq_prepare((wq), &__we);                \
			if ((__ok = (cond)) || ktime_ns() >= __dl) \
				break;                             \
			waitq_sleep_until(&__we, __dl);            \
		}                                                  \
		waitq_finish((wq), &__we);                         \
		__ok;                                              \
	})

/*
 * Interruptible waits. task_interrupt(@t) marks @t interrupted (the
 * process layer calls it when a signal @t must act on is pending) and
 * wakes it if it sleeps in wait_event_interruptible(), which then returns
 * -EINTR; task_clear_interrupt() clears the mark once nothing is pending.
 * task_signal_pending() is the calling task's mark. IRQ-safe.
 */
void task_interrupt(struct task *t);
void task_clear_interrupt(struct task *t);
bool task_signal_pending(void);

/* Around an interruptible wait (wait_event_interruptible): mark the
 * caller as one task_interrupt() may wake. */
void waitq_interruptible_begin(void);
void waitq_interruptible_end(void);

/* wait_event() that also ends when the calling task is interrupted (a
 * signal is pending: sched/task.h's task_interrupt): evaluates to 0 when
 * @cond became true, -EINTR otherwise. May sleep. */
#define wait_event_interruptible(wq, cond)           \
	({                                           \
		struct wait_entry __we = { 0 };      \
		int __ret = 0;                       \
		waitq_interruptible_begin();         \
		for (;;) {                           \
			waitq_prepare((wq), &__we);  \
			if (cond)                    \
				break;               \
			if (task_signal_pending()) { \
				__ret = -EINTR;      \
				break;               \
			}                            \
			waitq_sleep(&__we);          \
		}                                    \
		waitq_finish((wq), &__we);           \
		waitq_interruptible_end();           \
		__ret;                               \
	})

/* The same with a timeout of @ns: 1 if @cond became true, 0 on timeout,
 * -EINTR when interrupted. May sleep. */
#define wait_event_interruptible_timeout(wq, cond, ns)  \
	({                                              \
		struct wait_entry __we = { 0 };         \
		uint64_t __dl = ktime_ns() + (ns);      \
		int __ret;                              \
		waitq_interruptible_begin();            \
		for (;;) {                              \
			waitq_prepare((wq), &__we);     \
			if (cond) {                     \
				__ret = 1;              \
				break;                  \
			}                               \
			if (task_signal_pending()) {    \
				__ret = -EINTR;         \
				break;                  \
			}                               \
			if (ktime_ns() >= __dl) {       \
				__ret = 0;              \
				break;                  \
			}                               \
			waitq_sleep_until(&__we, __dl); \
		}                                       \
		waitq_finish((wq), &__we);              \
		waitq_interruptible_end();              \
		__ret;                                  \
	})

/* Wake the first waiter / every waiter. IRQ-safe. Return how many were
 * woken. */
unsigned int waitq_wake_one(struct waitqueue *wq);
unsigned int waitq_wake_all(struct waitqueue *wq);

/* The same with @wq->lock held by the caller (IRQs off): the condition's
 * change and the wake-up are then one step for the waiter, which cannot
 * return before the caller drops the lock. IRQ-safe. */
unsigned int waitq_wake_one_locked(struct waitqueue *wq) REQUIRES(&wq->lock);
unsigned int waitq_wake_all_locked(struct waitqueue *wq) REQUIRES(&wq->lock);

/* Does @wq have waiters? (A hint: may change at once.) */
bool waitq_has_waiters(struct waitqueue *wq);
/* Exact, with @wq->lock held. */
bool waitq_has_waiters_locked(struct waitqueue *wq) REQUIRES(&wq->lock);

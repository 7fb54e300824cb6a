/*
 * In-kernel tests of interruptible waits (sched/waitqueue.h): a task in
 * wait_event_interruptible() is ended by task_interrupt() with -EINTR,
 * whether the mark comes while it sleeps or before it starts waiting; a
 * true condition still wins; the timeout form times out with 0. Every
 * wait ends on an event or a generous deadline.
 */
#include "include/atomic.h"
#include "ktest/ktest.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "time/ktime.h"

#define INTR_DEADLINE_NS (20 * NSEC_PER_SEC)

struct intr_arg {
	struct waitqueue wq;
	bool cond;	 /* Atomic */
	bool waiting;	 /* Atomic: the waiter is about to wait */
	bool pre_marked; /* mark itself before waiting */
	int ret;	 /* Atomic: what the wait returned; 1 = not yet */
};

static int interruptible_waiter(void *arg)
{
	struct intr_arg *a = arg;
	int r;

	if (a->pre_marked)
		task_interrupt(task_current());
	atomic_store_release(&a->waiting, true);
	r = wait_event_interruptible(&a->wq, atomic_load_acquire(&a->cond));
	task_clear_interrupt(task_current());
	atomic_store_release(&a->ret, r);
	return 0;
}

static bool wait_for(bool (*done)(struct intr_arg *), struct intr_arg *a)
{
	uint64_t deadline = ktime_ns() + INTR_DEADLINE_NS;

	while (!done(a) && ktime_ns() < deadline)
		task_sleep_ns(NSEC_PER_MSEC);
	return done(a);
}

static bool is_sleeping(struct intr_arg *a)
{
	return atomic_load_acquire(&a->waiting) && waitq_has_waiters(&a->wq);
}

static bool has_returned(struct intr_arg *a)
{
	return atomic_load_acquire(&a->ret) != 1;
}

static int run_waiter(bool pre_marked, bool interrupt, bool set_cond)
{
	struct intr_arg a = { .ret = 1, .pre_marked = pre_marked };
	struct task *t;
	bool ok;

	waitqueue_init(&a.wq, "intr-test");
	t = task_create(interruptible_waiter, &a, "intr-waiter");
	KASSERT(t != NULL);
	ok = pre_marked ? wait_for(has_returned, &a) : wait_for(is_sleeping, &a);
	if (set_cond) {
		atomic_store_release(&a.cond, true);
		waitq_wake_all(&a.wq);
	}
	if (interrupt)
		task_interrupt(t);
	ok = ok && wait_for(has_returned, &a);
	if (!ok) { /* never leave it waiting on our stack */
		atomic_store_release(&a.cond, true);
		waitq_wake_all(&a.wq);
	}
	KASSERT_EQ(task_join(t, NULL), 0);
	KASSERT(ok);
	return atomic_load_acquire(&a.ret);
}

KTEST(sched_wait_interruptible_ends_with_eintr)
{
	KASSERT_EQ(run_waiter(false, true, false), -EINTR); /* woken from its sleep */
	KASSERT_EQ(run_waiter(true, false, false), -EINTR); /* marked before it waited */
	KASSERT_EQ(run_waiter(false, false, true), 0);	    /* the condition, no mark */
}

KTEST(sched_wait_interruptible_timeout_times_out)
{
	struct waitqueue wq;

	waitqueue_init(&wq, "intr-timeout");
	KASSERT(!task_signal_pending());
	KASSERT_EQ(wait_event_interruptible_timeout(&wq, false, 2 * NSEC_PER_MSEC), 0);
	KASSERT_EQ(wait_event_interruptible_timeout(&wq, true, 2 * NSEC_PER_MSEC), 1);
	task_interrupt(task_current());
	KASSERT_EQ(wait_event_interruptible_timeout(&wq, false, INTR_DEADLINE_NS), -EINTR);
	task_clear_interrupt(task_current());
	KASSERT(!task_signal_pending());
}

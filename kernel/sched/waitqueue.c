/*
 * Wait queues (sched/waitqueue.h). The waiter enqueues itself and sets its
 * state to BLOCKED under the queue's lock before testing its condition; a
 * waker removes entries under the same lock and makes their tasks
 * runnable, so a wake-up between the test and the sleep is never lost
 * (the scheduler then simply does not block the task).
 * Locking: wq->lock (LOCK_RANK_WAITQ, IRQ-safe), then the run-queue lock
 * inside sched_wake().
 */
#include "sched/waitqueue.h"

#include "include/atomic.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "sched/task.h"

void waitqueue_init(struct waitqueue *wq, const char *name)
{
	spin_init(&wq->lock, name, LOCK_RANK_WAITQ);
	list_init(&wq->waiters);
}

void waitq_prepare(struct waitqueue *wq, struct wait_entry *w)
{
	struct task *t = current_task();
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (w->task != t) { /* first round */
		w->task = t;
		list_init(&w->link);
	}
	w->woken = false;
	if (!list_is_linked(&w->link))
		list_add_tail(&w->link, &wq->waiters);
	WRITE_ONCE(t->state, TASK_BLOCKED);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void waitq_sleep(struct wait_entry *w)
{
	(void)w;
	sched_block(0);
}

void waitq_sleep_until(struct wait_entry *w, uint64_t deadline_ns)
{
	(void)w;
	sched_block(deadline_ns ? deadline_ns : 1);
}

void waitq_finish(struct waitqueue *wq, struct wait_entry *w)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (list_is_linked(&w->link))
		list_del(&w->link);
	/* The condition came true without a sleep, or we were woken. */
	WRITE_ONCE(w->task->state, TASK_RUNNING);
	spin_unlock_irqrestore(&wq->lock, flags);
}

static unsigned int wake_locked(struct waitqueue *wq, unsigned int max) REQUIRES(&wq->lock)
{
	unsigned int n = 0;

	spin_assert_held(&wq->lock);
	while (n < max && !list_empty(&wq->waiters)) {
		struct wait_entry *w = list_first_entry(&wq->waiters, struct wait_entry, link);

		list_del(&w->link);
		w->woken = true;
		if (sched_wake(w->task))
			n++;
	}
	return n;
}

static unsigned int wake(struct waitqueue *wq, unsigned int max)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	unsigned int n = wake_locked(wq, max);

	spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}

unsigned int waitq_wake_one(struct waitqueue *wq)
{
	return wake(wq, 1);
}

unsigned int waitq_wake_all(struct waitqueue *wq)
{
	return wake(wq, ~0u);
}

unsigned int waitq_wake_one_locked(struct waitqueue *wq)
{
	return wake_locked(wq, 1);
}

unsigned int waitq_wake_all_locked(struct waitqueue *wq)
{
	return wake_locked(wq, ~0u);
}

bool waitq_has_waiters(struct waitqueue *wq)
{
	return !list_empty(&wq->waiters);
}

bool waitq_has_waiters_locked(struct waitqueue *wq)
{
	spin_assert_held(&wq->lock);
	return !list_empty(&wq->waiters);
}

/*
 * The interrupt mark and the wait flag are written by different CPUs and
 * each side reads the other's: the waiter sets wait_interruptible, then
 * (in wait_event_interruptible, after waitq_prepare made it BLOCKED)
 * reads interrupted; task_interrupt sets interrupted, then reads
 * wait_interruptible. Full fences between the write and the read on both
 * sides mean at least one sees the other: either the waiter returns
 * -EINTR without sleeping or the interrupter wakes it.
 */
void task_interrupt(struct task *t)
{
	atomic_store_release(&t->interrupted, true);
	smp_mb();
	if (atomic_load_acquire(&t->wait_interruptible))
		(void)sched_wake(t);
}

void task_clear_interrupt(struct task *t)
{
	atomic_store_release(&t->interrupted, false);
}

bool task_signal_pending(void)
{
	return atomic_load_acquire(&current_task()->interrupted);
}

void waitq_interruptible_begin(void)
{
	atomic_store_release(&current_task()->wait_interruptible, true);
	smp_mb();
}

void waitq_interruptible_end(void)
{
	atomic_store_release(&current_task()->wait_interruptible, false);
}

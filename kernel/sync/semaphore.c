/*
 * Counting semaphores (sync/semaphore.h) on a wait queue.
 * Locking: s->wq.lock guards count; sem_up() changes it and wakes under
 * the lock, so a waiter's sem_down() cannot return while sem_up() still
 * touches the semaphore.
 */
#include "sync/semaphore.h"

#include "sched/sched.h"
#include "sync/sync_debug.h"

void sem_init(struct semaphore *s, int64_t count)
{
	waitqueue_init(&s->wq, "semaphore");
	s->count = count;
}

bool sem_trydown(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);
	bool ok = s->count > 0;

	if (ok)
		s->count--;
	spin_unlock_irqrestore(&s->wq.lock, flags);
	return ok;
}

void sem_down(struct semaphore *s)
{
	might_sleep();
	wait_event(&s->wq, sem_trydown(s));
}

void sem_up(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);

	s->count++;
	sync_debug_window();
	waitq_wake_one_locked(&s->wq);
	spin_unlock_irqrestore(&s->wq.lock, flags); /* the last touch of *s */
}

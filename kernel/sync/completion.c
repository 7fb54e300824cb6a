/*
 * One-shot completions (sync/completion.h): a counter of completions not
 * yet consumed, and a wait queue for those waiting on it.
 * Locking: c->wq.lock guards done. complete() changes done and wakes
 * under that lock, and the waiter consumes under it, so a waiter cannot
 * return (and free the completion) while complete() still touches it.
 */
#include "sync/completion.h"

#include "sched/sched.h"
#include "sync/sync_debug.h"

#define COMPLETE_ALL (~0u / 2) /* "done for everyone": never runs out */

void completion_init(struct completion *c)
{
	waitqueue_init(&c->wq, "completion");
	c->done = 0;
}

void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);

	if (c->done < COMPLETE_ALL)
		c->done++;
	sync_debug_window();
	waitq_wake_one_locked(&c->wq);
	spin_unlock_irqrestore(&c->wq.lock, flags); /* the last touch of *c */
}

void complete_all(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);

	c->done = COMPLETE_ALL;
	sync_debug_window();
	waitq_wake_all_locked(&c->wq);
	spin_unlock_irqrestore(&c->wq.lock, flags); /* the last touch of *c */
}

/* Consume one completion if there is one. */
static bool try_consume(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);
	bool ok = c->done > 0;

	if (ok && c->done < COMPLETE_ALL)
		c->done--;
	spin_unlock_irqrestore(&c->wq.lock, flags);
	return ok;
}

void wait_for_completion(struct completion *c)
{
	might_sleep();
	wait_event(&c->wq, try_consume(c));
}

bool wait_for_completion_timeout(struct completion *c, uint64_t ns)
{
	might_sleep();
	return wait_event_timeout(&c->wq, try_consume(c), ns);
}

bool completion_is_done(struct completion *c)
{
	return READ_ONCE(c->done) > 0;
}

/*
 * In-kernel tests of the synchronisation primitives under real
 * concurrency: tasks spread over every online CPU. Workers record results;
 * only the test body asserts.
 */
#include "include/atomic.h"
#include "ktest/ktest.h"
#include "sched/percpu.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "sync/completion.h"
#include "sync/mutex.h"
#include "sync/semaphore.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define COUNTER_TASKS 8
#define COUNTER_ROUNDS 100000

struct counter {
	struct mutex lock;
	uint64_t value; /* Protected by lock */
};

static int count_up(void *arg)
{
	struct counter *c = arg;

	for (int i = 0; i < COUNTER_ROUNDS; i++) {
		mutex_lock(&c->lock);
		uint64_t v = c->value; /* a torn read-modify-write shows as a loss */
		if (!(i & 63))
			task_yield(); /* sleep-ish while holding the mutex */
		c->value = v + 1;
		mutex_unlock(&c->lock);
	}
	return 0;
}

KTEST(sync_mutex_counter_8_tasks)
{
	static struct counter c;
	struct task *t[COUNTER_TASKS];

	mutex_init(&c.lock, "counter");
	c.value = 0;
	for (int i = 0; i < COUNTER_TASKS; i++) {
		t[i] = task_create(count_up, &c, "counter");
		KASSERT(t[i] != NULL);
	}
	for (int i = 0; i < COUNTER_TASKS; i++)
		KASSERT_EQ(task_join(t[i], NULL), 0);
	KASSERT_EQ(c.value, (uint64_t)COUNTER_TASKS * COUNTER_ROUNDS);
	KASSERT(!mutex_is_held(&c.lock));
	KASSERT(mutex_trylock(&c.lock));
	mutex_unlock(&c.lock);
}

/* A bounded buffer with two wait queues. */
#define RING_SLOTS 64
#define ITEMS 1000000

struct ring {
	struct spinlock lock;
	struct waitqueue not_empty, not_full;
	/* Protected by lock: */
	uint64_t head, tail;
	uint64_t slot[RING_SLOTS];
	/* Consumer's findings: */
	uint64_t received, out_of_order;
};

static bool ring_has_room(struct ring *r)
{
	return READ_ONCE(r->head) - READ_ONCE(r->tail) < RING_SLOTS;
}

static bool ring_has_item(struct ring *r)
{
	return READ_ONCE(r->head) != READ_ONCE(r->tail);
}

static int produce(void *arg)
{
	struct ring *r = arg;

	for (uint64_t i = 0; i < ITEMS; i++) {
		unsigned long flags;

		wait_event(&r->not_full, ring_has_room(r));
		flags = spin_lock_irqsave(&r->lock);
		r->slot[r->head % RING_SLOTS] = i;
		WRITE_ONCE(r->head, r->head + 1);
		spin_unlock_irqrestore(&r->lock, flags);
		waitq_wake_one(&r->not_empty);
	}
	return 0;
}

static int consume(void *arg)
{
	struct ring *r = arg;

	for (uint64_t i = 0; i < ITEMS; i++) {
		unsigned long flags;
		uint64_t v;

		wait_event(&r->not_empty, ring_has_item(r));
		flags = spin_lock_irqsave(&r->lock);
		v = r->slot[r->tail % RING_SLOTS];
		WRITE_ONCE(r->tail, r->tail + 1);
		spin_unlock_irqrestore(&r->lock, flags);
		waitq_wake_one(&r->not_full);
		r->out_of_order += v != i;
		r->received++;
	}
	return 0;
}

KTEST(sync_producer_consumer_1m_items)
{
	static struct ring r;
	struct task *p, *c;

	spin_init(&r.lock, "ring", LOCK_RANK_DRIVER);
	waitqueue_init(&r.not_empty, "not_empty");
	waitqueue_init(&r.not_full, "not_full");
	r.head = r.tail = r.received = r.out_of_order = 0;
	c = task_create(consume, &r, "consumer");
	p = task_create(produce, &r, "producer");
	KASSERT(p && c);
	KASSERT_EQ(task_join(p, NULL), 0);
	KASSERT_EQ(task_join(c, NULL), 0);
	KASSERT_EQ(r.received, (uint64_t)ITEMS);
	KASSERT_EQ(r.out_of_order, 0);
}

/* ---- Semaphore, completion, timeouts, spinlocks ----------------------- */

struct sem_test {
	struct semaphore sem;
	int inside, max_inside; /* Protected by lock */
	struct spinlock lock;
};

static int sem_worker(void *arg)
{
	struct sem_test *s = arg;

	for (int i = 0; i < 200; i++) {
		sem_down(&s->sem);
		spin_lock(&s->lock);
		s->inside++;
		s->max_inside = s->inside > s->max_inside ? s->inside : s->max_inside;
		spin_unlock(&s->lock);
		task_yield();
		spin_lock(&s->lock);
		s->inside--;
		spin_unlock(&s->lock);
		sem_up(&s->sem);
	}
	return 0;
}

KTEST(sync_semaphore_limits_concurrency)
{
	static struct sem_test s;
	struct task *t[6];

	sem_init(&s.sem, 2);
	spin_init(&s.lock, "semtest", LOCK_RANK_DRIVER);
	s.inside = s.max_inside = 0;
	for (int i = 0; i < 6; i++)
		KASSERT((t[i] = task_create(sem_worker, &s, "sem")) != NULL);
	for (int i = 0; i < 6; i++)
		KASSERT_EQ(task_join(t[i], NULL), 0);
	KASSERT(s.max_inside >= 1 && s.max_inside <= 2);
	KASSERT(sem_trydown(&s.sem) && sem_trydown(&s.sem));
	KASSERT(!sem_trydown(&s.sem));
}

static int complete_later(void *arg)
{
	task_sleep_ns(20 * NSEC_PER_MSEC);
	complete(arg);
	return 0;
}

KTEST(sync_completion)
{
	struct completion c;
	struct task *t;

	completion_init(&c);
	KASSERT(!wait_for_completion_timeout(&c, 10 * NSEC_PER_MSEC));
	complete(&c); /* before the wait: not lost */
	KASSERT(completion_is_done(&c));
	wait_for_completion(&c);
	KASSERT(!completion_is_done(&c));
	t = task_create(complete_later, &c, "completer");
	KASSERT(t != NULL);
	wait_for_completion(&c);
	KASSERT_EQ(task_join(t, NULL), 0);
	complete_all(&c);
	wait_for_completion(&c);
	wait_for_completion(&c); /* complete_all stays done */
}

KTEST(sync_wait_event_timeout)
{
	struct waitqueue wq;
	uint64_t t0 = ktime_ns();
	bool never = false;

	waitqueue_init(&wq, "timeout");
	KASSERT(!wait_event_timeout(&wq, READ_ONCE(never), 30 * NSEC_PER_MSEC));
	KASSERT(ktime_ns() - t0 >= 30 * NSEC_PER_MSEC);
	KASSERT(!waitq_has_waiters(&wq)); /* the entry was removed */
	KASSERT(wait_event_timeout(&wq, true, NSEC_PER_SEC));
}

KTEST(sync_spinlock_basics)
{
	struct spinlock l = SPINLOCK_INIT("basic", LOCK_RANK_DRIVER);
	unsigned long flags;

	KASSERT(!spin_is_held(&l));
	spin_lock(&l);
	KASSERT(spin_is_held(&l));
	KASSERT(!spin_trylock(&l));
	spin_unlock(&l);
	KASSERT(spin_trylock(&l));
	spin_unlock(&l);
	flags = spin_lock_irqsave(&l);
	KASSERT(!arch_irqs_enabled());
	spin_unlock_irqrestore(&l, flags);
	KASSERT(arch_irqs_enabled());
}

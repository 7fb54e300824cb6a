/*
 * Sleeping mutexes (sync/mutex.h). The owner field is the lock: an
 * uncontended lock or unlock is a single atomic operation. Contended
 * lockers sleep on the wait queue; unlock wakes the first of them, which
 * competes again (a running locker may get in first: no convoys).
 * No lost wake-up: the locker enqueues before its last attempt and the
 * unlocker clears the owner before looking for waiters, both with full
 * barriers (locked instructions), so one of them sees the other.
 * Locking: owner is atomic; wq.lock guards the waiters.
 */
#include "sync/mutex.h"

#include "core/panic.h"
#include "include/atomic.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/task.h"

void mutex_init(struct mutex *m, const char *name)
{
	waitqueue_init(&m->wq, name);
	m->owner = NULL;
	m->name = name;
}

static bool try_acquire(struct mutex *m)
{
	struct task *expected = NULL;

	return __atomic_compare_exchange_n(&m->owner, &expected, current_task(), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void mutex_lock(struct mutex *m)
{
	might_sleep();
	if (try_acquire(m))
		return;
	wait_event(&m->wq, try_acquire(m));
}

bool mutex_trylock(struct mutex *m)
{
	return try_acquire(m);
}

void mutex_unlock(struct mutex *m)
{
	struct task *me = current_task();
	struct task *was = atomic_exchange(&m->owner, NULL);

	if (was != me)
		panic("mutex: '%s' unlocked by task '%s' but owned by %s", m->name, me->name,
		      was ? was->name : "nobody");
	if (waitq_has_waiters(&m->wq))
		waitq_wake_one(&m->wq);
}

bool mutex_is_held(struct mutex *m)
{
	return READ_ONCE(m->owner) == current_task();
}

/*
 * Sleeping mutexes (sync/mutex.h). The owner word is the lock: the owning
 * task's pointer, with bit 0 (MUTEX_WAITERS) set once a locker may be
 * asleep. An uncontended lock or unlock is one compare-and-swap, and an
 * unlock whose swap succeeds touches nothing else: once the owner word is
 * free, the next owner may unlock and free the mutex at once.
 *
 * Contended lockers enqueue, then set MUTEX_WAITERS, then try again, then
 * sleep. An unlock that finds the bit set takes the slow path: under the
 * wait-queue lock it frees the owner word (keeping the bit while anyone is
 * queued) and wakes the first waiter, which competes again (a running
 * locker may get in first: no convoys). Every locker that can see the
 * word free through the slow path must then take the same wait-queue lock
 * to return or to unlock, so the unlocker's release of that lock is its
 * last touch of the mutex. No lost wake-up: the waiter's bit is set with a
 * locked instruction before its last try, so either the unlocker's swap
 * fails and it wakes the waiter, or the waiter's try finds the word free.
 * Locking: owner is atomic; wq.lock guards the waiters.
 */
#include "sync/mutex.h"

#include "core/panic.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sync/sync_debug.h"

#define MUTEX_WAITERS 1ul /* owner bit: a locker may be asleep */

static struct task *owner_task(uintptr_t word)
{
	return (struct task *)(word & ~MUTEX_WAITERS);
}

void mutex_init(struct mutex *m, const char *name)
{
	waitqueue_init(&m->wq, name);
	m->owner = 0;
	m->name = name;
}

static bool try_acquire(struct mutex *m)
{
	uintptr_t me = (uintptr_t)current_task();
	uintptr_t cur = __atomic_load_n(&m->owner, __ATOMIC_RELAXED);

	while (!owner_task(cur)) {
		if (__atomic_compare_exchange_n(&m->owner, &cur, me | (cur & MUTEX_WAITERS), false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

/* The slow path's last try: announce the waiter (it is already queued),
 * then try. */
static bool mark_and_try(struct mutex *m)
{
	__atomic_fetch_or(&m->owner, MUTEX_WAITERS, __ATOMIC_SEQ_CST);
	return try_acquire(m);
}

void mutex_lock(struct mutex *m)
{
	might_sleep();
	if (try_acquire(m))
		return;
	wait_event(&m->wq, mark_and_try(m));
}

bool mutex_trylock(struct mutex *m)
{
	return try_acquire(m);
}

/* Unlock with MUTEX_WAITERS set in the owner word (we own the mutex). */
static void unlock_slow(struct mutex *m, uintptr_t me)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&m->wq.lock);
		uintptr_t expect = me;

		if (waitq_has_waiters_locked(&m->wq)) {
			__atomic_store_n(&m->owner, MUTEX_WAITERS, __ATOMIC_RELEASE);
			sync_debug_window();
			waitq_wake_one_locked(&m->wq);
			spin_unlock_irqrestore(&m->wq.lock, flags); /* last touch */
			return;
		}
		/* A stale bit: its waiter has gone. Clear it while we still own
		 * the mutex, then release with the fast path's swap, which fails
		 * only if a new waiter has set the bit in between. */
		__atomic_store_n(&m->owner, me, __ATOMIC_RELAXED);
		spin_unlock_irqrestore(&m->wq.lock, flags);
		if (__atomic_compare_exchange_n(&m->owner, &expect, 0, false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return;
	}
}

void mutex_unlock(struct mutex *m)
{
	struct task *t = current_task();
	uintptr_t me = (uintptr_t)t;
	uintptr_t was = me;

	if (__atomic_compare_exchange_n(&m->owner, &was, 0, false, __ATOMIC_RELEASE,
					__ATOMIC_RELAXED))
		return; /* the last touch of *m */
	if (owner_task(was) != t)
		panic("mutex: '%s' unlocked by task '%s' but owned by %s", m->name, t->name,
		      owner_task(was) ? owner_task(was)->name : "nobody");
	unlock_slow(m, me);
}

bool mutex_is_held(struct mutex *m)
{
	return owner_task(READ_ONCE(m->owner)) == current_task();
}

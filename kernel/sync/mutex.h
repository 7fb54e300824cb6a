/*
 * Sleeping mutexes: contended lockers sleep on a wait queue, and an unlock
 * wakes the first of them (FIFO) to compete again. May sleep, so never in
 * interrupt context or with a spinlock held.
 *
 * Lifetime: mutex_unlock() touches nothing of the mutex once another task
 * can own it, so the last user may lock, unlock and free it (an object
 * whose lock is taken one final time before the object goes away).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"
#include "sched/waitqueue.h"

struct task;

struct mutex {
	struct waitqueue wq;
	uintptr_t owner;  /* Atomic: owning task | waiters bit; 0 when free */
	const char *name; /* Immutable */
};

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m) ACQUIRE(m);
bool mutex_trylock(struct mutex *m) __must_check;
/* Unlock; panics (a kernel bug) if the caller is not the owner. */
void mutex_unlock(struct mutex *m) RELEASE(m);
bool mutex_is_held(struct mutex *m); /* by the calling task */

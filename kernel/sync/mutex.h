/*
 * Sleeping mutexes: contended lockers sleep on a wait queue and the lock
 * is handed to the first waiter in FIFO order. May sleep, so never in
 * interrupt context or with a spinlock held.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"
#include "sched/waitqueue.h"

struct task;

struct mutex {
	struct waitqueue wq;
	struct task *owner; /* Protected by wq.lock: NULL when free */
	const char *name;   /* Immutable */
};

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m) ACQUIRE(m);
bool mutex_trylock(struct mutex *m) __must_check;
/* Unlock; panics (a kernel bug) if the caller is not the owner. */
void mutex_unlock(struct mutex *m) RELEASE(m);
bool mutex_is_held(struct mutex *m); /* by the calling task */

/*
 * Spinlocks: busy-waiting mutual exclusion between CPUs. spin_lock()
 * disables preemption for as long as the lock is held; the _irqsave form
 * also disables interrupts on this CPU and must be used for any lock an
 * interrupt handler takes. Holders must not sleep (might_sleep() catches
 * it in debug builds).
 *
 * Debug builds (CONFIG_DEBUG) record the owning CPU and check, panicking
 * with the lock's name on a violation: recursive locking, unlocking by a
 * CPU that does not hold the lock, and lock-order violations. Every lock
 * has a rank from enum lock_rank; a CPU may only take a lock whose rank is
 * strictly greater than every rank it already holds (doc/locking.md).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

/* Lock ranks, outermost first (doc/locking.md has the table). */
enum lock_rank {
	LOCK_RANK_NONE = 0,    /* checked for recursion only, never for order */
	LOCK_RANK_SUBSYS = 10, /* subsystem registries (pci, block devices) */
	LOCK_RANK_DRIVER = 20, /* a device's own lock (virtqueue submit) */
	LOCK_RANK_BCACHE = 30, /* buffer cache */
	LOCK_RANK_WAITQ = 40,  /* wait queues, mutex/semaphore internals */
	LOCK_RANK_TASKS = 45,  /* the task table */
	LOCK_RANK_SCHED = 50,  /* run queues, sleep timers, task table */
	LOCK_RANK_IRQ = 60,    /* interrupt controller state */
	LOCK_RANK_MM = 70,     /* pmm, vmalloc, kmalloc */
	LOCK_RANK_LEAF = 80,   /* serial ring, log buffer: nothing inside */
};

struct spinlock {
	uint32_t locked; /* Atomic: 0 free, 1 held */
	/* Immutable after spin_init(): */
	const char *name;
	unsigned int rank;
	/* Protected by the lock itself (debug builds): */
	int owner_cpu; /* -1 when free */
	uintptr_t owner_pc;
};

#define SPINLOCK_INIT(n, r)                                            \
	{                                                              \
		.locked = 0, .name = (n), .rank = (r), .owner_cpu = -1 \
	}

void spin_init(struct spinlock *l, const char *name, unsigned int rank);

/* Take @l, spinning until free; preemption is off until spin_unlock(). */
void spin_lock(struct spinlock *l) ACQUIRE(l);
void spin_unlock(struct spinlock *l) RELEASE(l);

/* Take @l only if it is free; true when taken. */
bool spin_trylock(struct spinlock *l) __must_check;

/* Disable interrupts (returning the previous state) and take @l. IRQ-safe. */
unsigned long spin_lock_irqsave(struct spinlock *l) ACQUIRE(l) __must_check;
void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags) RELEASE(l);

/* Does this CPU hold @l? Exact in debug builds; in release builds only
 * "someone holds it". */
bool spin_is_held(const struct spinlock *l);

/* Panic (debug builds) unless this CPU holds @l: `_locked` functions start
 * with it. */
void spin_assert_held(const struct spinlock *l);

/*
 * Spinlocks (sync/spinlock.h): a test-and-test-and-set lock with
 * preemption disabled while held. Debug builds keep, per CPU, the list of
 * locks it holds, and check recursion, ownership and rank order on every
 * acquire and release.
 * Locking: each lock protects itself; the held list is owner-CPU data,
 * touched only with preemption disabled.
 */
#include "sync/spinlock.h"

#include "arch/arch.h"
#include "core/panic.h"
#include "sched/percpu.h"
#include "sched/sched.h"

#define SPIN_DEBUG CONFIG_DEBUG_ENABLED

void spin_init(struct spinlock *l, const char *name, unsigned int rank)
{
	*l = (struct spinlock)SPINLOCK_INIT(name, rank);
}

/* Checks before spinning on @l: recursion and lock order. */
static void debug_check_acquire(struct spinlock *l)
{
	struct percpu *c = this_cpu();

	if (READ_ONCE(l->owner_cpu) == (int)c->id && READ_ONCE(l->locked))
		panic("spinlock: recursive lock of '%s' on CPU %u", l->name, c->id);
	/* A handler's locks are not ordered against the interrupted task's:
	 * that task holds only locks taken with interrupts on, which no
	 * handler takes (IRQ-safe locks are always taken with them off). */
	if (l->rank == LOCK_RANK_NONE || c->irq_depth > 0)
		return;
	for (unsigned int i = 0; i < c->nheld; i++) {
		const struct spinlock *h = c->held[i];
		if (h->rank != LOCK_RANK_NONE && h->rank >= l->rank)
			panic("spinlock: lock order: '%s' (rank %u) taken while holding '%s' (rank %u)",
			      l->name, l->rank, h->name, h->rank);
	}
}

static void debug_note_acquired(struct spinlock *l)
{
	struct percpu *c = this_cpu();

	l->owner_cpu = (int)c->id;
	l->owner_pc = (uintptr_t)__builtin_return_address(0);
	if (c->nheld < PERCPU_MAX_HELD_LOCKS)
		c->held[c->nheld] = l;
	c->nheld++;
}

static void debug_note_release(struct spinlock *l)
{
	struct percpu *c = this_cpu();
	unsigned int n = MIN(c->nheld, PERCPU_MAX_HELD_LOCKS);

	if (!READ_ONCE(l->locked) || l->owner_cpu != (int)c->id)
		panic("spinlock: unlock of '%s' on CPU %u, which does not hold it (owner CPU %d)",
		      l->name, c->id, l->owner_cpu);
	l->owner_cpu = -1;
	/* Locks are usually released in reverse order; search from the top. */
	for (unsigned int i = n; i-- > 0;) {
		if (c->held[i] == l) {
			for (unsigned int j = i; j + 1 < n; j++)
				c->held[j] = c->held[j + 1];
			break;
		}
	}
	c->nheld--;
}

/* A lock word other than 0 or 1 is not a lock: freed memory (kmalloc's
 * poison) or a stray write. Spinning on it would hang with no report. */
static void debug_check_word(const struct spinlock *l, uint32_t word)
{
	if (word > 1)
		panic("spinlock: lock word %#x at %p is not a lock (freed or overwritten?)", word,
		      (const void *)l);
}

static void raw_acquire(struct spinlock *l)
{
	uint32_t word;

	if (SPIN_DEBUG)
		debug_check_acquire(l);
	while ((word = __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))) {
		if (SPIN_DEBUG)
			debug_check_word(l, word);
		while (READ_ONCE(l->locked))
			arch_cpu_relax();
	}
	if (SPIN_DEBUG)
		debug_note_acquired(l);
}

static void raw_release(struct spinlock *l)
{
	if (SPIN_DEBUG)
		debug_note_release(l);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

void spin_lock(struct spinlock *l)
{
	preempt_disable();
	raw_acquire(l);
}

void spin_unlock(struct spinlock *l)
{
	raw_release(l);
	preempt_enable();
}

bool spin_trylock(struct spinlock *l)
{
	preempt_disable();
	if (READ_ONCE(l->locked) || __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		preempt_enable();
		return false;
	}
	if (SPIN_DEBUG)
		debug_note_acquired(l);
	return true;
}

unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	preempt_disable();
	raw_acquire(l);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	raw_release(l);
	arch_irq_restore(flags);
	preempt_enable();
}

bool spin_is_held(const struct spinlock *l)
{
	if (!READ_ONCE(l->locked))
		return false;
	return !SPIN_DEBUG || READ_ONCE(l->owner_cpu) == (int)this_cpu()->id;
}

void spin_assert_held(const struct spinlock *l)
{
	if (SPIN_DEBUG && !spin_is_held(l))
		panic("spinlock: '%s' must be held here (caller %p)", l->name,
		      __builtin_return_address(0));
}

/*
 * In-kernel test of irq_free() against a handler running on another CPU:
 * a task pinned to a second CPU raises the vector on itself as fast as it
 * can while this task frees it. Once irq_free() has returned, no CPU may
 * still be inside the handler, and the handler must never see its data
 * cleared under it. Workers never KASSERT; the test checks what they saw.
 */
#include "irq/irq.h"

#include "arch/arch.h"
#include "core/log.h"
#include "include/atomic.h"
#include "ktest/ktest.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "time/ktime.h"

#define LOG_PREFIX "irq-test: "

#define FREE_ROUNDS 100
#define HANDLER_US 20	  /* a slow handler: mostly in flight */
#define CALLS_PER_ROUND 3 /* handler calls to see before each free */
#define ROUND_DEADLINE_NS (2 * NSEC_PER_SEC)

struct free_race {
	int vector;	 /* Atomic: what the raiser raises, -1 for nothing */
	bool stop;	 /* Atomic: the raiser ends */
	bool freed;	 /* Atomic: irq_free() has returned this round */
	uint64_t calls;	 /* Atomic: handler calls */
	uint64_t late;	 /* Atomic: handler seen running after irq_free() */
	uint64_t no_arg; /* Atomic: handler called with its data cleared */
};

static struct free_race race; /* one run at a time (the ktest runner) */

static void slow_handler(struct irq_ctx *ctx, void *data)
{
	struct free_race *r = data;

	if (!r) {
		atomic_fetch_add(&race.no_arg, 1);
		return;
	}
	if (atomic_load_acquire(&r->freed))
		atomic_fetch_add(&r->late, 1);
	atomic_fetch_add(&r->calls, 1);
	udelay(HANDLER_US);
	if (atomic_load_acquire(&r->freed))
		atomic_fetch_add(&r->late, 1);
}

static int raiser(void *arg)
{
	struct free_race *r = arg;

	while (!atomic_load_acquire(&r->stop)) {
		int v = atomic_load_acquire(&r->vector);

		if (v >= 0)
			irq_raise_self((unsigned int)v); /* taken at once: IF is set */
		arch_cpu_relax();
	}
	return 0;
}

/* One round: attach, let the raiser hit the handler a few times, free.
 * Returns false when the handler never ran (the raiser is not raising). */
static bool free_round(struct free_race *r)
{
	int v = irq_alloc_vector();
	uint64_t deadline = ktime_ns() + ROUND_DEADLINE_NS, calls;

	/* Cleared before the attach: the raiser may still send the last
	 * round's vector (it read it just before the free), and once the
	 * vector is reused that is a legitimate call of this round. */
	atomic_store_release(&r->freed, false);
	if (v < 0 || irq_attach((unsigned int)v, slow_handler, r, "free-race"))
		return false;
	calls = atomic_load_acquire(&r->calls);
	atomic_store_release(&r->vector, v);
	while (atomic_load_acquire(&r->calls) < calls + CALLS_PER_ROUND && ktime_ns() < deadline)
		arch_cpu_relax();
	if (irq_free((unsigned int)v))
		return false;
	atomic_store_release(&r->freed, true);
	atomic_store_release(&r->vector, -1);
	udelay(5 * HANDLER_US); /* a handler still running would notice now */
	return atomic_load_acquire(&r->calls) >= calls + CALLS_PER_ROUND;
}

KTEST(irq_free_waits_for_a_handler_on_another_cpu)
{
	struct task *t;
	unsigned int cpu;
	int rounds = 0;

	if (percpu_online_count() < 2) {
		log_info("irq_free_waits_for_a_handler_on_another_cpu skipped: one CPU\n");
		return;
	}
	race = (struct free_race){ .vector = -1 };
	preempt_disable();
	cpu = (this_cpu_id() + 1) % percpu_online_count();
	preempt_enable();
	t = task_create_on(cpu, raiser, &race, "irq-raiser");
	KASSERT(t);
	while (rounds < FREE_ROUNDS && free_round(&race))
		rounds++;
	atomic_store_release(&race.stop, true);
	KASSERT_EQ(task_join(t, NULL), 0);
	KASSERT_EQ(rounds, FREE_ROUNDS);
	KASSERT_EQ(atomic_load_acquire(&race.no_arg), 0);
	KASSERT_EQ(atomic_load_acquire(&race.late), 0);
}

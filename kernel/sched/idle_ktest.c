/*
 * In-kernel tests of the idle loop: an idle CPU halts when the only ready
 * tasks elsewhere are pinned (nothing it could pull), instead of spinning
 * through the scheduler and trylocking the busy CPU's run queue. Counts are
 * compared with each other, never against a time window, and every wait
 * ends on an event or a generous deadline.
 */
#include "core/log.h"
#include "include/atomic.h"
#include "ktest/ktest.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "sched/task.h"
#include "time/ktime.h"

#define LOG_PREFIX "sched-test: "

#define IDLE_DEADLINE_NS (20 * NSEC_PER_SEC)
#define IDLE_POLL_NS (5 * NSEC_PER_MSEC)
#define ENOUGH_HALTS 500     /* the fixed loop gets here on ticks alone */
#define TOO_MANY_PASSES 5000 /* the spinning loop gets here first */

struct yield_arg {
	bool stop;	 /* Atomic: set by the test */
	uint64_t yields; /* Atomic: total yields of both tasks */
};

/* Always runnable: while one of two such tasks runs, the other is ready. */
static int yield_until_stopped(void *arg)
{
	struct yield_arg *a = arg;

	while (!atomic_load_acquire(&a->stop)) {
		atomic_fetch_add(&a->yields, 1);
		task_yield();
	}
	return 0;
}

/* Idle-loop passes and halts summed over every CPU but @skip. */
static void idle_totals(unsigned int skip, uint64_t *passes, uint64_t *halts)
{
	*passes = *halts = 0;
	for (unsigned int i = 0; i < percpu_count(); i++) {
		struct sched_cpu_stats st;

		if (i == skip)
			continue;
		sched_cpu_stats(i, &st);
		*passes += st.idle_passes;
		*halts += st.idle_halts;
	}
}

static bool wait_yields(struct yield_arg *a, uint64_t n)
{
	uint64_t deadline = ktime_ns() + IDLE_DEADLINE_NS;

	while (atomic_load_acquire(&a->yields) < n && ktime_ns() < deadline)
		task_sleep_ns(IDLE_POLL_NS);
	return atomic_load_acquire(&a->yields) >= n;
}

/* Two yielding tasks pinned to the last CPU keep a task in its ready queue
 * that no other CPU may take: the others must halt when idle (every tick
 * wakes them once), not loop. Before the fix they never halted. */
KTEST(sched_idle_halts_while_only_pinned_work_elsewhere)
{
	unsigned int target = percpu_online_count() - 1;
	struct yield_arg a = { 0 };
	uint64_t p0, h0, p1, h1, deadline;
	struct task *t1, *t2;
	bool started;

	if (percpu_online_count() < 2) {
		log_info("sched_idle_halts_while_only_pinned_work_elsewhere skipped: one CPU\n");
		return;
	}
	t1 = task_create_on(target, yield_until_stopped, &a, "pinned-yield1");
	t2 = task_create_on(target, yield_until_stopped, &a, "pinned-yield2");
	KASSERT(t1 && t2);
	started = wait_yields(&a, 100);
	idle_totals(target, &p0, &h0);
	deadline = ktime_ns() + IDLE_DEADLINE_NS;
	do {
		task_sleep_ns(IDLE_POLL_NS);
		idle_totals(target, &p1, &h1);
	} while (h1 - h0 < ENOUGH_HALTS && p1 - p0 < TOO_MANY_PASSES && ktime_ns() < deadline);
	atomic_store_release(&a.stop, true);
	KASSERT_EQ(task_join(t1, NULL), 0);
	KASSERT_EQ(task_join(t2, NULL), 0);
	KASSERT(started);
	kprintf("    idle on the other CPUs: %lu passes, %lu halts\n", (unsigned long)(p1 - p0),
		(unsigned long)(h1 - h0));
	KASSERT(p1 - p0 > 0);
	KASSERT((h1 - h0) * 2 > p1 - p0);
}

/* The halt-polling window (cpu_start.c, sched_idle_end) on a queue of our
 * own: short idle periods grow it from nothing to its cap, long ones (the
 * tick alone) shrink it back to nothing. */
KTEST(sched_idle_poll_window_adapts)
{
	struct runqueue rq = { 0 };
	uint64_t now = 1000 * NSEC_PER_MSEC, cap;

	rq.idle_since = now;
	sched_idle_end(&rq, now + 10 * NSEC_PER_USEC);
	KASSERT(rq.poll_ns > 0);
	KASSERT_EQ(rq.idle_since, 0);
	for (int i = 0; i < 20; i++) {
		rq.idle_since = now;
		sched_idle_end(&rq, now + 150 * NSEC_PER_USEC);
	}
	cap = rq.poll_ns;
	KASSERT(cap >= 150 * NSEC_PER_USEC);
	rq.idle_since = now;
	sched_idle_end(&rq, now + 10 * NSEC_PER_USEC);
	KASSERT_EQ(rq.poll_ns, cap); /* inside the window: no change */
	for (int i = 0; i < 20 && rq.poll_ns; i++) {
		rq.idle_since = now;
		sched_idle_end(&rq, now + NSEC_PER_MSEC);
	}
	KASSERT_EQ(rq.poll_ns, 0);
}

/*
 * Scheduler benchmarks (`make bench`): the context switch between two
 * tasks ping-ponging through wait queues (same CPU and across CPUs), task
 * create+join, and an uncontended mutex lock+unlock. Targets under TCG
 * (issue 5): same-CPU switch <= 3 us, create+join <= 50 us, mutex <= 100 ns.
 */
#include "arch/arch.h"
#include "bench/bench.h"
#include "core/console.h"
#include "sched/percpu.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "sync/mutex.h"
#include "time/ktime.h"

#define PINGPONG_ROUNDS 20000
#define CREATE_ROUNDS 2000
#define MUTEX_ROUNDS 1000000

/* Two tasks take turns: each waits for `turn` to be its own, then hands
 * it over and wakes the other. Each round is two switches. */
struct pingpong {
	struct waitqueue wq[2];
	unsigned int turn; /* Atomic-ish: written by the task whose turn it is */
};

struct player {
	struct pingpong *pp;
	unsigned int me;
};

static int play(void *arg)
{
	struct player *p = arg;
	struct pingpong *pp = p->pp;

	for (int i = 0; i < PINGPONG_ROUNDS; i++) {
		wait_event(&pp->wq[p->me], READ_ONCE(pp->turn) == p->me);
		WRITE_ONCE(pp->turn, 1 - p->me);
		waitq_wake_one(&pp->wq[1 - p->me]);
	}
	return 0;
}

/* Nanoseconds per switch with the players on @cpu0 and @cpu1. */
static uint64_t pingpong_ns(unsigned int cpu0, unsigned int cpu1)
{
	struct pingpong pp = { .turn = 0 };
	struct player a = { &pp, 0 }, b = { &pp, 1 };
	struct task *ta, *tb;
	uint64_t t0;

	waitqueue_init(&pp.wq[0], "ping");
	waitqueue_init(&pp.wq[1], "pong");
	t0 = ktime_ns();
	ta = task_create_on(cpu0, play, &a, "ping");
	tb = task_create_on(cpu1, play, &b, "pong");
	if (!ta || !tb || task_join(ta, NULL) || task_join(tb, NULL)) {
		kprintf("bench: ping-pong tasks failed\n");
		return 0;
	}
	return (ktime_ns() - t0) / (2 * PINGPONG_ROUNDS);
}

BENCH(sched_switch)
{
	bench_metric("sched_switch_same_cpu_ns", pingpong_ns(0, 0), "ns");
	if (percpu_online_count() > 1)
		bench_metric("sched_switch_cross_cpu_ns", pingpong_ns(0, 1), "ns");
}

static int nothing(void *arg)
{
	return 0;
}

BENCH(sched_create_join)
{
	uint64_t t0 = ktime_ns();

	for (int i = 0; i < CREATE_ROUNDS; i++) {
		struct task *t = task_create(nothing, NULL, "bench");
		if (!t || task_join(t, NULL)) {
			kprintf("bench: task_create failed\n");
			return;
		}
	}
	bench_metric("sched_create_join_us", (ktime_ns() - t0) / CREATE_ROUNDS / 1000, "us");
}

BENCH(sync_mutex_uncontended)
{
	static struct mutex m;
	uint64_t t0;

	mutex_init(&m, "bench");
	t0 = ktime_ns();
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		mutex_lock(&m);
		mutex_unlock(&m);
	}
	bench_metric("mutex_lock_unlock_ns", (ktime_ns() - t0) / MUTEX_ROUNDS, "ns");
}

static int yield_loop(void *arg)
{
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		task_yield();
	return 0;
}

/* Two tasks on one CPU that only yield: the bare switch, no wake-ups. */
BENCH(sched_yield)
{
	unsigned int cpu = this_cpu_id();
	struct task *a, *b;
	uint64_t t0 = ktime_ns();

	a = task_create_on(cpu, yield_loop, NULL, "yield_a");
	b = task_create_on(cpu, yield_loop, NULL, "yield_b");
	if (!a || !b || task_join(a, NULL) || task_join(b, NULL)) {
		kprintf("bench: yield tasks failed\n");
		return;
	}
	bench_metric("sched_yield_switch_ns", (ktime_ns() - t0) / (2 * PINGPONG_ROUNDS), "ns");
}

/* What starting the other CPUs added to boot (target: <= 50 ms for 4). */
BENCH(smp_bringup)
{
	bench_metric("smp_bringup_ms", arch_smp_bringup_ns() / 1000000, "ms");
	bench_metric("smp_cpus_online", percpu_online_count(), "cpus");
}

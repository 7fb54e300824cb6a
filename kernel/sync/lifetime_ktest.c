/*
 * The free-after-wait rule under stress: a waiter allocates a completion,
 * semaphore or mutex, hands it to a signaller on another CPU, waits, and
 * frees it the moment its wait returns, as blkdev.c's synchronous requests
 * do. The primitive's wake-up path must not touch the object after the
 * point where the waiter can return. Debug builds widen the race with
 * sync_debug_window_ns and catch a late write through kmalloc's free
 * poison (a report, or a fault on the poisoned list pointers).
 */
#include "include/atomic.h"
#include "ktest/ktest.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/task.h"
#include "sync/completion.h"
#include "sync/mutex.h"
#include "sync/semaphore.h"
#include "sync/sync_debug.h"
#include "time/ktime.h"

#define LT_PAIRS_PER_CPU 2
#define LT_MAX_PAIRS 8 /* 8 CPUs: one pair each (their virtual CPUs share 2 host cores here) */
#define LT_ROUNDS 300
#define LT_WINDOW_NS 20000 /* wide enough for the other CPU to return and free */

enum lt_kind { LT_COMPLETION, LT_SEMAPHORE, LT_MUTEX };

/* What a waiter allocates afresh every round. */
struct lt_obj {
	union {
		struct completion c;
		struct semaphore s;
		struct mutex m;
	};
	bool held; /* Atomic: the signaller holds m (LT_MUTEX) */
};

struct lt_pair {
	enum lt_kind kind;
	struct lt_obj *slot; /* Atomic: handed from waiter to signaller */
	bool stop;	     /* Atomic: the waiter is done */
	int rounds;	     /* written by the waiter */
};

static void lt_obj_init(struct lt_obj *o, enum lt_kind kind)
{
	o->held = false;
	if (kind == LT_COMPLETION)
		completion_init(&o->c);
	else if (kind == LT_SEMAPHORE)
		sem_init(&o->s, 0);
	else
		mutex_init(&o->m, "lifetime");
}

static void lt_spin_us(uint64_t us)
{
	uint64_t end = ktime_ns() + us * NSEC_PER_USEC;

	while (ktime_ns() < end)
		arch_cpu_relax();
}

/* Vary when the waiter arrives, 0-40 us after the hand-over, so that
 * some rounds fall inside the signaller's widened window. */
static void lt_jitter(int round)
{
	lt_spin_us((uint64_t)(round * 37 % 41));
}

/* Signal one object; touches nothing of it afterwards. */
static void lt_signal(enum lt_kind kind, struct lt_obj *o)
{
	if (kind == LT_COMPLETION) {
		complete(&o->c);
	} else if (kind == LT_SEMAPHORE) {
		sem_up(&o->s);
	} else {
		mutex_lock(&o->m);
		WRITE_ONCE(o->held, true);
		lt_spin_us(20); /* the waiter queues up, or arrives later */
		mutex_unlock(&o->m);
	}
}

static int lt_signaller(void *arg)
{
	struct lt_pair *p = arg;

	while (!READ_ONCE(p->stop)) {
		struct lt_obj *o = atomic_exchange(&p->slot, NULL);

		if (o)
			lt_signal(p->kind, o);
		else
			task_yield();
	}
	return 0;
}

/* Wait on one object; the caller frees it as soon as this returns. */
static void lt_wait(enum lt_kind kind, struct lt_obj *o, int round)
{
	if (kind != LT_MUTEX)
		lt_jitter(round);
	if (kind == LT_COMPLETION) {
		wait_for_completion(&o->c);
	} else if (kind == LT_SEMAPHORE) {
		sem_down(&o->s);
	} else {
		while (!READ_ONCE(o->held))
			task_yield();
		lt_jitter(round);
		mutex_lock(&o->m);
		mutex_unlock(&o->m);
	}
}

static int lt_waiter(void *arg)
{
	struct lt_pair *p = arg;

	for (p->rounds = 0; p->rounds < LT_ROUNDS; p->rounds++) {
		struct lt_obj *o = kmalloc(sizeof(*o));

		if (!o)
			break;
		lt_obj_init(o, p->kind);
		atomic_store_release(&p->slot, o);
		lt_wait(p->kind, o, p->rounds);
		kfree(o); /* at once: the rule under test */
	}
	atomic_store_release(&p->stop, true);
	return 0;
}

static void lt_run(enum lt_kind kind)
{
	static struct lt_pair pairs[LT_MAX_PAIRS];
	static struct task *tasks[2 * LT_MAX_PAIRS];
	unsigned int ncpu = percpu_online_count();
	unsigned int n = MIN(ncpu * LT_PAIRS_PER_CPU, LT_MAX_PAIRS);
	unsigned int started = 0;

	WRITE_ONCE(sync_debug_window_ns, LT_WINDOW_NS);
	for (unsigned int i = 0; i < n; i++) {
		pairs[i] = (struct lt_pair){ .kind = kind };
		tasks[started] = task_create_on(i % ncpu, lt_waiter, &pairs[i], "lt_wait");
		if (!tasks[started])
			break;
		started++;
		tasks[started] = task_create_on((i + 1) % ncpu, lt_signaller, &pairs[i], "lt_sig");
		if (!tasks[started]) {
			atomic_store_release(&pairs[i].stop, true);
			break;
		}
		started++;
	}
	for (unsigned int i = 0; i < started; i++)
		KASSERT_EQ(task_join(tasks[i], NULL), 0);
	WRITE_ONCE(sync_debug_window_ns, 0);
	KASSERT_EQ(started, 2 * n);
	for (unsigned int i = 0; i < n; i++)
		KASSERT_EQ(pairs[i].rounds, LT_ROUNDS);
}

KTEST(sync_completion_freed_after_wait)
{
	lt_run(LT_COMPLETION);
}

KTEST(sync_semaphore_freed_after_down)
{
	lt_run(LT_SEMAPHORE);
}

KTEST(sync_mutex_freed_after_unlock)
{
	lt_run(LT_MUTEX);
}

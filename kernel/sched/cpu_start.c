/*
 * Scheduler start-up on each CPU and task placement: sched_init() turns
 * the boot flow into CPU 0's first task, sched_init_cpu() prepares an
 * application processor's run queue and idle task, sched_ap_main() is
 * where that CPU joins, and idle_loop() is what every CPU runs when it has
 * nothing else. Also the per-CPU statistics behind `ps`.
 * Locking: run-queue locks as in sched.c.
 */
#include "arch/arch.h"
#include "core/log.h"
#include "core/panic.h"
#include "include/atomic.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "sched/task.h"
#include "time/ktime.h"

#define LOG_PREFIX "sched: "

static struct runqueue boot_rq;

/* Is there a ready task this CPU could pull? (A hint, read without locks:
 * only unpinned ready tasks count, so a CPU whose queue holds nothing but
 * pinned tasks does not keep the others awake.) */
static bool work_elsewhere(struct runqueue *self)
{
	for (unsigned int i = 0; i < percpu_count(); i++) {
		struct percpu *c = percpu_get(i);

		if (c && c->rq && c->rq != self && READ_ONCE(c->rq->nr_pullable))
			return true;
	}
	return false;
}

/* Let the scheduler run something else: a local ready task, or one it
 * pulls. Returns false when it came straight back (nothing was pulled:
 * the trylock failed or another CPU took the task first). */
static bool idle_switch(struct runqueue *rq)
{
	uint64_t switches = READ_ONCE(rq->switches); /* only this CPU writes it */

	arch_irq_enable();
	current_task()->need_resched = true;
	preempt_disable();
	preempt_enable(); /* switches: need_resched with count 0 */
	return READ_ONCE(rq->switches) != switches;
}

/*
 * Halt polling. Under a hypervisor a halted virtual CPU is a sleeping host
 * thread: waking it costs the waker an interrupt-controller write and the
 * host a thread wake-up, tens of microseconds under QEMU (its own
 * cross-CPU pipe round trip is ~95 us on this kind of host). So before it
 * halts, an idle CPU that was recently woken soon after going idle polls
 * for its work for up to poll_ns, and a kick that sees it polling
 * (sched_idle_polling) only has to set need_resched. It watches its own
 * queue and its need_resched only, not the other queues' pullable tasks:
 * a wakee offered to an idle CPU comes with that CPU's need_resched, and
 * every poller trylocking the waker's queue at once would only slow it.
 * The window adapts as Linux's haltpoll governor does: an idle period that
 * ended within IDLE_POLL_MAX_NS (a poll would have caught it, or did)
 * grows it, a longer one (the tick alone, every millisecond, is enough)
 * halves it, so an idle machine polls not at all.
 */
#define IDLE_POLL_START_NS (25 * NSEC_PER_USEC)
#define IDLE_POLL_MAX_NS (200 * NSEC_PER_USEC)

bool sched_idle_polling(struct runqueue *rq)
{
	smp_mb();
	return atomic_load_acquire(&rq->polling) != 0;
}

void sched_idle_end(struct runqueue *rq, uint64_t now)
{
	uint64_t idle_ns = now - rq->idle_since;

	rq->idle_since = 0;
	if (idle_ns <= IDLE_POLL_MAX_NS) {
		if (rq->poll_ns < idle_ns)
			rq->poll_ns = rq->poll_ns ? rq->poll_ns * 2 : IDLE_POLL_START_NS;
		if (rq->poll_ns > IDLE_POLL_MAX_NS)
			rq->poll_ns = IDLE_POLL_MAX_NS;
	} else if (rq->poll_ns) {
		rq->poll_ns /= 2;
		if (rq->poll_ns < IDLE_POLL_START_NS)
			rq->poll_ns = 0;
	}
}

/* Poll (interrupts on) until this CPU has work or poll_ns is over. */
static void idle_poll(struct runqueue *rq)
{
	struct task *self = current_task();
	uint64_t end = ktime_ns() + rq->poll_ns;

	WRITE_ONCE(rq->idle_polls, rq->idle_polls + 1);
	arch_irq_enable();
	atomic_exchange(&rq->polling, 1); /* a full barrier before the reads */
	while (!READ_ONCE(rq->nr_ready) && !READ_ONCE(self->need_resched) && ktime_ns() < end)
		arch_cpu_relax();
	atomic_exchange(&rq->polling, 0); /* and before the caller's re-check */
}

/*
 * Every CPU's idle task: poll a while, then halt until an interrupt, and
 * switch when there is work here or to pull from elsewhere. The check and
 * the halt are atomic (interrupts stay off until `sti; hlt`), so a wake-up
 * cannot slip in between them unnoticed; after a poll the loop checks
 * again with interrupts off, since a kick during the poll sent no IPI. A
 * pull that came back empty is not retried until the next interrupt (the
 * tick at the latest): retrying at once would spin on the other CPU's
 * run-queue lock with nothing to gain.
 */
static int idle_loop(void *arg)
{
	struct runqueue *rq = arg;
	bool pull_failed = false, polled = false;

	for (;;) {
		arch_irq_disable();
		WRITE_ONCE(rq->idle_passes, rq->idle_passes + 1);
		if (!rq->idle_since)
			rq->idle_since = ktime_ns();
		if (READ_ONCE(rq->nr_ready)) {
			idle_switch(rq);
			pull_failed = polled = false;
			continue;
		}
		if (!pull_failed && work_elsewhere(rq)) {
			pull_failed = !idle_switch(rq);
			polled = false;
			continue;
		}
		pull_failed = false;
		if (!polled && rq->poll_ns) {
			idle_poll(rq);
			polled = true;
			continue;
		}
		polled = false;
		WRITE_ONCE(rq->idle_halts, rq->idle_halts + 1);
		arch_wait_for_interrupt();
		if (rq->idle_since) /* woken without a switch: the tick, say */
			sched_idle_end(rq, ktime_ns());
	}
	return 0;
}

static struct runqueue *rq_alloc(struct percpu *c)
{
	struct runqueue *rq = c->id == 0 ? &boot_rq : kzalloc(sizeof(*rq));

	if (!rq)
		return NULL;
	spin_init(&rq->lock, "runq", LOCK_RANK_SCHED);
	list_init(&rq->ready);
	list_init(&rq->sleepers);
	rq->cpu = c;
	return rq;
}

/* The idle task of @c, set up to start in idle_loop(). */
static struct task *idle_create(struct percpu *c)
{
	char name[TASK_NAME_MAX];
	struct task *t;

	ksnprintf(name, sizeof(name), "idle%u", c->id);
	t = task_alloc(idle_loop, c->rq, name);
	if (!t)
		return NULL;
	t->is_idle = true;
	t->pinned = true;
	t->cpu = c->id;
	t->state = TASK_RUNNING;
	c->idle = t;
	task_publish(t);
	return t;
}

uintptr_t sched_init_cpu(struct percpu *c)
{
	struct task *idle;

	c->rq = rq_alloc(c);
	if (!c->rq)
		return 0;
	idle = idle_create(c);
	if (!idle)
		return 0;
	/* The CPU starts directly on this stack in sched_ap_main(), not
	 * through a switch, so nothing will release a run-queue lock. */
	idle->preempt_count = 0;
	c->current = idle;
	return idle->stack.top;
}

void sched_init(void)
{
	struct percpu *c = this_cpu();
	struct task *boot = current_task();

	c->rq = rq_alloc(c); /* CPU 0's is static: cannot fail */
	task_publish(boot);
	if (!idle_create(c))
		panic("sched: no memory for CPU 0's idle task");
	c->idle->state = TASK_READY; /* first entered through a switch */
	boot->slice_start_ns = ktime_ns();
	sched_set_running();
	log_info("round-robin, %lu ms slices, per-CPU run queues\n",
		 (unsigned long)(SCHED_SLICE_NS / 1000000));
}

void sched_ap_main(void)
{
	struct percpu *c = this_cpu();
	struct task *idle = c->idle;

	idle->slice_start_ns = ktime_ns();
	atomic_store_release(&c->online, true);
	arch_irq_enable();
	idle_loop(c->rq);
	panic("sched: idle loop returned");
}

/*
 * Load of a CPU for placement: ready tasks plus the one running. Read
 * without the CPU's run-queue lock, so the answer is a hint that may be
 * stale by the time the task is queued (placement tolerates that). The
 * current task is only compared with the CPU's idle task (immutable), never
 * dereferenced: it may exit and be freed on its CPU right after the read,
 * and reading its is_idle field then would be a use after free.
 */
static unsigned int cpu_load(struct percpu *c)
{
	struct task *cur = READ_ONCE(c->current);

	return READ_ONCE(c->rq->nr_ready) + (cur && cur != c->idle);
}

unsigned int sched_enqueue_new(struct task *t, int cpu)
{
	struct percpu *best = NULL;
	struct runqueue *rq;
	unsigned long flags;

	if (cpu >= 0) {
		best = percpu_get((unsigned int)cpu);
	} else {
		for (unsigned int i = 0; i < percpu_count(); i++) {
			struct percpu *c = percpu_get(i);

			if (!c || !c->rq || !atomic_load_acquire(&c->online))
				continue;
			if (!best || cpu_load(c) < cpu_load(best))
				best = c;
		}
	}
	rq = best->rq;
	flags = spin_lock_irqsave(&rq->lock);
	sched_enqueue_locked(rq, t);
	spin_unlock_irqrestore(&rq->lock, flags);
	return best->id;
}

void sched_cpu_stats(unsigned int cpu, struct sched_cpu_stats *st)
{
	struct percpu *c = percpu_get(cpu);
	struct runqueue *rq = c ? c->rq : NULL;
	unsigned long flags;

	*st = (struct sched_cpu_stats){ 0 };
	if (!rq)
		return;
	flags = spin_lock_irqsave(&rq->lock);
	st->switches = rq->switches;
	st->busy_ns = rq->busy_ns;
	st->nr_ready = rq->nr_ready;
	st->tasks_run = rq->tasks_run;
	st->wake_preempts = rq->wake_preempts;
	st->wake_offered = rq->wake_offered;
	spin_unlock_irqrestore(&rq->lock, flags);
	st->idle_passes = READ_ONCE(rq->idle_passes);
	st->idle_halts = READ_ONCE(rq->idle_halts);
	st->idle_polls = READ_ONCE(rq->idle_polls);
}

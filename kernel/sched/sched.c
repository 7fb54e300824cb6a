/*
 * The scheduler (policy and invariants in sched/sched.h): per-CPU run
 * queues, the switch path, preemption from the tick and at interrupt exit,
 * wake-ups, per-CPU sleep lists, idle tasks and idle-time pulling.
 * Locking: each run queue's lock (LOCK_RANK_SCHED) guards its lists and
 * the scheduling fields of the tasks on them or running on its CPU; it is
 * held across arch_switch_to() and released by the task switched to.
 */
#include "sched/sched.h"

#include "arch/arch.h"
#include "core/log.h"
#include "core/panic.h"
#include "include/atomic.h"
#include "lib/loadavg.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/sched_internal.h"
#include "sched/task.h"
#include "time/ktime.h"

#define LOG_PREFIX "sched: "

static struct task boot_task = {
	.id = 0,
	.name = "kmain",
	.state = TASK_RUNNING,
	.rq_link = LIST_HEAD_INIT(boot_task.rq_link),
	.sleep_link = LIST_HEAD_INIT(boot_task.sleep_link),
	.all_link = LIST_HEAD_INIT(boot_task.all_link),
};
static bool running; /* Written once by sched_init() */

struct task *sched_boot_task(void)
{
	return &boot_task;
}

bool sched_is_running(void)
{
	return READ_ONCE(running);
}

void sched_set_running(void)
{
	WRITE_ONCE(running, true);
}

/* ---- Run-queue lists -------------------------------------------------- */

static void rq_push_locked(struct runqueue *rq, struct task *t) REQUIRES(&rq->lock)
{
	spin_assert_held(&rq->lock);
	t->state = TASK_READY;
	t->cpu = rq->cpu->id;
	list_add_tail(&t->rq_link, &rq->ready);
	rq->nr_ready++;
	if (!t->pinned)
		rq->nr_pullable++;
}

static struct task *rq_pop_locked(struct runqueue *rq) REQUIRES(&rq->lock)
{
	struct task *t;

	spin_assert_held(&rq->lock);
	if (list_empty(&rq->ready))
		return NULL;
	t = list_first_entry(&rq->ready, struct task, rq_link);
	list_del(&t->rq_link);
	rq->nr_ready--;
	if (!t->pinned)
		rq->nr_pullable--;
	return t;
}

/* Keep sleepers sorted by wake time so the tick looks only at the head. */
static void rq_add_sleeper_locked(struct runqueue *rq, struct task *t) REQUIRES(&rq->lock)
{
	struct list_head *pos;

	spin_assert_held(&rq->lock);
	list_for_each (pos, &rq->sleepers) {
		if (list_entry(pos, struct task, sleep_link)->wake_ns > t->wake_ns)
			break;
	}
	list_insert_between(&t->sleep_link, pos->prev, pos);
}

static void rq_kick_locked(struct runqueue *rq);

void sched_enqueue_locked(struct runqueue *rq, struct task *t)
{
	rq_push_locked(rq, t);
	rq_kick_locked(rq);
}

/* Ask @rq's CPU to reschedule soon if it is idling. */
static void rq_kick_locked(struct runqueue *rq)
{
	struct task *cur = READ_ONCE(rq->cpu->current);

	if (cur && cur->is_idle) {
		WRITE_ONCE(cur->need_resched, true);
		if (rq->cpu != this_cpu() && !sched_idle_polling(rq))
			arch_send_reschedule(rq->cpu->id);
	}
}

/* Take a ready, unpinned task from another CPU for the idle @rq. Uses
 * trylock on the other queue: two idle CPUs pulling from each other can
 * never deadlock, they just miss this round. A queue whose ready tasks are
 * all pinned is not even trylocked (nr_pullable, read as a hint): its
 * lock is busy with its own CPU's switches. */
static struct task *rq_pull_locked(struct runqueue *rq) REQUIRES(&rq->lock)
{
	for (unsigned int i = 0; i < percpu_count(); i++) {
		struct percpu *c = percpu_get(i);
		struct runqueue *other = c ? c->rq : NULL;
		struct task *t, *found = NULL;

		if (!other || other == rq || !READ_ONCE(other->nr_pullable))
			continue;
		if (!spin_trylock(&other->lock))
			continue;
		list_for_each_entry (t, &other->ready, rq_link) {
			if (!t->pinned) {
				found = t;
				break;
			}
		}
		if (found) {
			list_del(&found->rq_link);
			other->nr_ready--;
			other->nr_pullable--;
			found->cpu = rq->cpu->id;
		}
		spin_unlock(&other->lock);
		if (found)
			return found;
	}
	return NULL;
}

/* ---- The switch ------------------------------------------------------- */

/* The second half of every switch, run by the task switched to: release
 * the run-queue lock the switcher took and reap an exited task. */
static void finish_switch(void)
{
	struct runqueue *rq = this_cpu()->rq;
	struct task *dead = rq->dead, *moving = rq->moving;
	unsigned int to = rq->moving_to;

	rq->dead = NULL;
	rq->moving = NULL;
	spin_unlock(&rq->lock);
	if (moving) {
		struct runqueue *other = percpu_get(to)->rq;

		spin_lock(&other->lock);
		sched_enqueue_locked(other, moving);
		spin_unlock(&other->lock);
	}
	if (dead)
		task_reap(dead);
}

void sched_switch_locked(struct runqueue *rq)
{
	struct percpu *c = rq->cpu;
	struct task *prev = c->current, *next;
	uint64_t now;

	spin_assert_held(&rq->lock);
	next = rq_pop_locked(rq);
	if (!next)
		next = rq_pull_locked(rq);
	if (!next)
		next = c->idle;
	if (next == prev) {
		prev->state = TASK_RUNNING;
		prev->need_resched = false;
		spin_unlock(&rq->lock);
		return;
	}
	now = ktime_ns();
	if (prev->is_idle && rq->idle_since)
		sched_idle_end(rq, now);
	prev->runtime_ns += now - prev->slice_start_ns;
	if (!prev->is_idle)
		rq->busy_ns += now - prev->slice_start_ns;
	prev->need_resched = false;
	if (prev->is_idle)
		prev->state = TASK_READY; /* waits off-queue for an empty queue */
	next->slice_start_ns = now;
	next->state = TASK_RUNNING;
	next->cpu = c->id;
	next->need_resched = false;
	rq->switches++;
	rq->wake_pending = false;
	if (!next->is_idle)
		rq->tasks_run++;
	c->current = next;
	arch_switch_to(&prev->ctx, &next->ctx);
	finish_switch(); /* back in prev, perhaps on another CPU */
}

/* Switch to the next task. @preempted: prev was interrupted, not blocking,
 * so it stays runnable whatever its state says (it may be half-way into a
 * wait_event() and must get to re-test its condition). */
static void schedule(bool preempted)
{
	unsigned long flags = arch_irq_save();
	struct runqueue *rq = this_cpu()->rq;
	struct task *prev = current_task();

	spin_lock(&rq->lock);
	if (!prev->is_idle && (prev->state == TASK_RUNNING || preempted))
		rq_push_locked(rq, prev);
	sched_switch_locked(rq);
	arch_irq_restore(flags);
}

void sched_move_current(int cpu)
{
	unsigned long flags = arch_irq_save();
	struct runqueue *rq = this_cpu()->rq;
	struct task *t = current_task();

	spin_lock(&rq->lock);
	/* Not queued while it runs: nr_pullable does not count it. */
	t->pinned = cpu >= 0;
	if (cpu < 0 || (unsigned int)cpu == rq->cpu->id) {
		spin_unlock(&rq->lock);
		arch_irq_restore(flags);
		return;
	}
	rq->moving = t;
	rq->moving_to = (unsigned int)cpu;
	sched_switch_locked(rq); // never picks t: it is in no queue
	arch_irq_restore(flags);
}

void sched_task_entry(void)
{
	struct task *t;

	finish_switch();
	arch_irq_enable();
	t = current_task();
	task_exit(t->fn(t->arg));
}

void sched_exit_current(void)
{
	struct runqueue *rq;
	struct task *t = current_task();

	arch_irq_disable();
	rq = this_cpu()->rq;
	spin_lock(&rq->lock);
	t->state = TASK_EXITED;
	rq->dead = t;
	sched_switch_locked(rq);
	panic("sched: exited task '%s' was resumed", t->name);
}

/* ---- Preemption ------------------------------------------------------- */

void preempt_disable(void)
{
	current_task()->preempt_count++;
	barrier();
}

void preempt_enable(void)
{
	struct task *t = current_task();

	barrier();
	if (--t->preempt_count == 0 && READ_ONCE(t->need_resched) && READ_ONCE(running) &&
	    arch_irqs_enabled())
		schedule(true);
}

void sched_irq_exit(void)
{
	struct task *t = current_task();

	if (READ_ONCE(t->need_resched) && t->preempt_count == 0 && READ_ONCE(running) &&
	    this_cpu()->irq_depth == 0)
		schedule(true);
}

void might_sleep_at(const char *where)
{
	struct task *t = current_task();

	if (!CONFIG_DEBUG_ENABLED || !READ_ONCE(running))
		return;
	if (this_cpu()->irq_depth)
		panic("sched: %s may sleep but was called from an interrupt handler", where);
	if (t->preempt_count)
		panic("sched: %s may sleep but task '%s' holds a spinlock or disabled preemption (count %d)",
		      where, t->name, t->preempt_count);
	if (!arch_irqs_enabled())
		panic("sched: %s may sleep but interrupts are disabled", where);
}

/* Load averages (lib/loadavg.h): CPU 0's tick folds in the number of
 * runnable tasks every LOADAVG_PERIOD_NS. Written by that tick only, read
 * racily (a word at a time) by /proc/loadavg. */
static struct loadavg load;
static uint64_t load_next_ns;

/* Tasks running (not idle) or waiting in a run queue, on every CPU; read
 * without the queue locks, as a sample may be. */
static unsigned long nr_runnable(void)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < percpu_count(); i++) {
		struct percpu *c = percpu_get(i);
		struct task *cur;

		if (!c || !c->rq)
			continue;
		cur = READ_ONCE(c->current);
		n += READ_ONCE(c->rq->nr_ready) + (cur && !cur->is_idle);
	}
	return n;
}

static void loadavg_tick(uint64_t now)
{
	struct loadavg next = load;

	if (now < load_next_ns)
		return;
	load_next_ns = now + LOADAVG_PERIOD_NS;
	loadavg_sample(&next, nr_runnable());
	for (int i = 0; i < 3; i++)
		WRITE_ONCE(load.avg[i], next.avg[i]);
}

void sched_loadavg(unsigned long avg[3])
{
	for (int i = 0; i < 3; i++)
		avg[i] = READ_ONCE(load.avg[i]);
}

void sched_tick(void)
{
	struct percpu *c = this_cpu();
	struct runqueue *rq = c->rq;
	struct task *cur = c->current, *t;
	uint64_t now = ktime_ns();

	if (!rq || !READ_ONCE(running))
		return;
	spin_lock(&rq->lock);
	while (!list_empty(&rq->sleepers)) {
		t = list_first_entry(&rq->sleepers, struct task, sleep_link);
		if (t->wake_ns > now)
			break;
		list_del(&t->sleep_link);
		rq_push_locked(rq, t);
	}
	if (rq->nr_ready &&
	    (cur->is_idle || now - cur->slice_start_ns >= SCHED_SLICE_NS ||
	     (rq->wake_pending && now - cur->slice_start_ns >= SCHED_WAKEUP_GRAN_NS))) {
		if (rq->wake_pending && !cur->is_idle)
			rq->wake_preempts++;
		cur->need_resched = true;
	}
	spin_unlock(&rq->lock);
	if (c->id == 0)
		loadavg_tick(now);
}

/* ---- Blocking and waking ---------------------------------------------- */

/* Lock the run queue of the CPU @t belongs to (t->cpu can change under a
 * pull until we hold that CPU's lock). */
static struct runqueue *task_rq_lock(struct task *t, unsigned long *flags)
{
	for (;;) {
		struct runqueue *rq = percpu_get(READ_ONCE(t->cpu))->rq;

		*flags = spin_lock_irqsave(&rq->lock);
		if (READ_ONCE(t->cpu) == rq->cpu->id)
			return rq;
		spin_unlock_irqrestore(&rq->lock, *flags);
	}
}

/*
 * A task woken onto a busy CPU would wait for the rest of the current
 * slice (up to 10 ms) - long for a pipe reader or a shell whose child
 * just exited. So, in this order:
 * - an unpinned wakee whose CPU is busy is offered to an idle CPU: that
 *   CPU is kicked and its idle loop pulls the task (it is pullable);
 * - otherwise the current task is asked to give way once it has had
 *   SCHED_WAKEUP_GRAN_NS of its slice (Linux's wake-up granularity idea):
 *   at once if it has, else by the tick when it has. The wakee is queued
 *   at the tail, so a task that keeps waking others cannot starve the
 *   queue, and two tasks waking each other switch at most once per
 *   granule.
 */
static struct percpu *idle_cpu_other_than(const struct percpu *self)
{
	unsigned int n = percpu_count();

	for (unsigned int k = 1; k < n; k++) {
		struct percpu *c = percpu_get((self->id + k) % n);
		struct task *cur = c ? READ_ONCE(c->current) : NULL;

		if (c && c->rq && READ_ONCE(c->online) && cur && cur->is_idle &&
		    !READ_ONCE(c->rq->nr_ready))
			return c;
	}
	return NULL;
}

static void wake_preempt_locked(struct runqueue *rq, struct task *t) REQUIRES(&rq->lock)
{
	struct task *cur = rq->cpu->current;
	struct percpu *idle;

	if (!cur || cur->is_idle)
		return; /* sched_enqueue_locked kicked it already */
	if (!t->pinned && (idle = idle_cpu_other_than(rq->cpu))) {
		rq->wake_offered++;
		/* Its idle task's need_resched ends a poll, or its switch
		 * at the reschedule interrupt's exit pulls the wakee. */
		WRITE_ONCE(idle->idle->need_resched, true);
		if (idle != this_cpu() && !sched_idle_polling(idle->rq))
			arch_send_reschedule(idle->id);
		return;
	}
	rq->wake_pending = true;
	if (ktime_ns() - cur->slice_start_ns < SCHED_WAKEUP_GRAN_NS)
		return; /* the tick asks once the granule is used */
	rq->wake_preempts++;
	WRITE_ONCE(cur->need_resched, true);
	if (rq->cpu != this_cpu())
		arch_send_reschedule(rq->cpu->id);
}

bool sched_wake(struct task *t)
{
	unsigned long flags;
	struct runqueue *rq = task_rq_lock(t, &flags);
	bool woken = false;

	if (t->state == TASK_BLOCKED || t->state == TASK_SLEEPING) {
		if (list_is_linked(&t->sleep_link))
			list_del(&t->sleep_link);
		if (rq->cpu->current == t) {
			t->state = TASK_RUNNING; /* not switched out yet: don't block */
		} else {
			sched_enqueue_locked(rq, t);
			wake_preempt_locked(rq, t);
		}
		woken = true;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	return woken;
}

/* Park the caller (state already set) with an optional wake time. */
static void park_current(enum task_state state, uint64_t deadline_ns)
{
	unsigned long flags = arch_irq_save();
	struct runqueue *rq = this_cpu()->rq;
	struct task *t = current_task();

	spin_lock(&rq->lock);
	if (state == TASK_SLEEPING)
		t->state = TASK_SLEEPING;
	if (t->state != state) { /* woken before we got here */
		t->state = TASK_RUNNING;
		spin_unlock(&rq->lock);
		arch_irq_restore(flags);
		return;
	}
	if (deadline_ns) {
		t->wake_ns = deadline_ns;
		rq_add_sleeper_locked(rq, t);
	}
	sched_switch_locked(rq);
	arch_irq_restore(flags);
}

void sched_block(uint64_t deadline_ns)
{
	might_sleep();
	if (!READ_ONCE(running)) {
		/* Boot: nothing else to run; poll by halting until an interrupt. */
		if (current_task()->state == TASK_BLOCKED &&
		    (!deadline_ns || ktime_ns() < deadline_ns))
			arch_wait_for_interrupt();
		current_task()->state = TASK_RUNNING;
		return;
	}
	park_current(TASK_BLOCKED, deadline_ns);
}

void task_sleep_ns(uint64_t ns)
{
	uint64_t deadline = ktime_ns() + ns;

	might_sleep();
	if (!READ_ONCE(running)) {
		while (ktime_ns() < deadline)
			arch_wait_for_interrupt();
		return;
	}
	park_current(TASK_SLEEPING, deadline);
}

void task_yield(void)
{
	might_sleep();
	if (READ_ONCE(running))
		schedule(false);
}

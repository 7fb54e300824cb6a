/*
 * Waiting for signals (proc/signal.h): pause, sigsuspend, the temporary
 * masks of ppoll/pselect6, sigtimedwait, and ITIMER_REAL with the itimer
 * task that sends SIGALRM when a timer is due. Reference: Linux
 * kernel/signal.c (sigsuspend, do_sigtimedwait), kernel/time/itimer.c.
 * Locking: proc_lock for every process's mask, pending set and timer;
 * itimer_wq wakes the itimer task.
 */
#include "proc/signal.h"

#include "core/log.h"
#include "include/uapi/errno.h"
#include "proc/proc_internal.h"
#include "proc/thread.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "time/ktime.h"

#define LOG_PREFIX "signal: "
#define SIGALRM 14

/* ---- waiting for signals ---- */

long signal_pause(void)
{
	while (!wait_event_interruptible(&proc_child_wq, false))
		;
	return -ERESTARTNOHAND;
}

/* Put @mask in place of the calling thread's, the old one saved for
 * after the wait (or the handler). */
static void swap_mask(uint64_t mask)
{
	struct thread *th = thread_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	th->saved_sigmask = th->sigmask;
	th->restore_sigmask = true;
	th->sigmask = mask & ~SIG_UNBLOCKABLE;
	signal_recalc_locked(th);
	signal_reroute_locked(th->proc);
	spin_unlock_irqrestore(&proc_lock, flags);
}

void proc_sigmask_for_wait(uint64_t mask)
{
	swap_mask(mask);
}

void proc_sigmask_after_wait(bool interrupted)
{
	struct thread *th = thread_current();
	unsigned long flags;

	if (interrupted)
		return; /* the delivery restores it once the handler's frame is set */
	flags = spin_lock_irqsave(&proc_lock);
	if (th->restore_sigmask) {
		th->restore_sigmask = false;
		th->sigmask = th->saved_sigmask;
		signal_recalc_locked(th);
		signal_reroute_locked(th->proc);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
}

long signal_suspend(uint64_t mask)
{
	swap_mask(mask);
	return signal_pause();
}

/* Take the lowest pending signal of @set (the thread's own first), or 0. */
static int take_from_set(struct thread *th, uint64_t set, struct proc_siginfo *info)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	uint64_t own = th->sigpending & set, ready = (th->sigpending | th->proc->sigpending) & set;
	int sig = 0;

	if (ready) {
		sig = __builtin_ctzll(own ? own : ready) + 1;
		*info = signal_dequeue_locked(th, sig);
		th->sigwaiting = 0;
		signal_recalc_locked(th);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return sig;
}

long signal_timedwait(uint64_t set, uint64_t timeout_ns, struct proc_siginfo *info)
{
	struct thread *th = thread_current();
	uint64_t now0 = ktime_ns();
	uint64_t deadline = timeout_ns > UINT64_MAX - now0 ? UINT64_MAX : now0 + timeout_ns;
	unsigned long flags;
	int sig;

	set &= ~SIG_UNBLOCKABLE;
	for (;;) {
		uint64_t gen = READ_ONCE(proc_events), now;
		int r;

		flags = spin_lock_irqsave(&proc_lock);
		th->sigwaiting = set;
		spin_unlock_irqrestore(&proc_lock, flags);
		sig = take_from_set(th, set, info);
		if (sig)
			return sig;
		now = ktime_ns();
		if (now >= deadline) {
			sig = -EAGAIN;
			break;
		}
		/* an hour at most per sleep: the deadline is re-checked */
		r = wait_event_interruptible_timeout(&proc_child_wq, READ_ONCE(proc_events) != gen,
						     deadline - now > 3600ull * 1000000000u
							     ? 3600ull * 1000000000u
							     : deadline - now);
		if (r < 0) {
			sig = -EINTR;
			break;
		}
	}
	flags = spin_lock_irqsave(&proc_lock);
	th->sigwaiting = 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	return sig;
}

/* ---- ITIMER_REAL and the itimer task ---- */

static struct waitqueue itimer_wq = WAITQUEUE_INIT(itimer_wq, "itimer");
static uint64_t itimer_gen; /* Atomic: bumped when a timer is armed */
static bool itimer_started GUARDED_BY(&proc_lock);

/* Fire due timers; the next deadline (UINT64_MAX: none). */
static uint64_t itimer_scan(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	uint64_t now = ktime_ns(), next = UINT64_MAX;
	struct proc *p;

	list_for_each_entry (p, &proc_all, link) {
		if (p->state != PROC_ALIVE || !p->alarm_ns)
			continue;
		if (p->alarm_ns <= now) {
			(void)signal_send_locked(p, SIGALRM, NULL);
			p->alarm_ns = p->alarm_period_ns ? now + p->alarm_period_ns : 0;
		}
		if (p->alarm_ns && p->alarm_ns < next)
			next = p->alarm_ns;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	return next;
}

static int itimer_main(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t gen = READ_ONCE(itimer_gen);
		uint64_t next = itimer_scan(), now = ktime_ns();
		uint64_t ns = next == UINT64_MAX ? 3600ull * 1000000000u
			      : next > now	 ? next - now
						 : 0;

		if (ns)
			(void)wait_event_timeout(&itimer_wq, READ_ONCE(itimer_gen) != gen, ns);
	}
	return 0;
}

static void itimer_start(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	bool start = !itimer_started;
	struct task *t;

	itimer_started = true;
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!start)
		return;
	t = task_create(itimer_main, NULL, "itimer");
	if (!t) {
		log_err("cannot start the itimer task: alarms will not fire\n");
		return;
	}
	task_detach(t);
}

void signal_get_alarm(uint64_t *value, uint64_t *period)
{
	struct proc *p = proc_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	uint64_t now = ktime_ns();

	*value = p->alarm_ns ? (p->alarm_ns > now ? p->alarm_ns - now : 1) : 0;
	*period = p->alarm_period_ns;
	spin_unlock_irqrestore(&proc_lock, flags);
}

void signal_set_alarm(uint64_t value_ns, uint64_t period_ns, uint64_t *old_value,
		      uint64_t *old_period)
{
	struct proc *p = proc_current();
	unsigned long flags;

	if (value_ns)
		itimer_start();
	signal_get_alarm(old_value, old_period);
	flags = spin_lock_irqsave(&proc_lock);
	p->alarm_ns = value_ns ? ktime_ns() + value_ns : 0;
	p->alarm_period_ns = value_ns ? period_ns : 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	atomic_fetch_add(&itimer_gen, 1);
	waitq_wake_all(&itimer_wq);
}

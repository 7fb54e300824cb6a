/*
 * Signals: the pending set, sending with Linux's rules (ignored signals
 * dropped at sending, SIGCONT and stop signals cancel each other, SIGKILL
 * always acts), the next signal to deliver on the way to user mode with
 * the default actions carried out here (terminate, core, stop until
 * SIGCONT, continue, ignore), SIGCHLD and the stop/continue reports
 * wait4 reads, faults as signals (Linux's force_sig_fault) and kill's
 * targets; waiting for signals and ITIMER_REAL are in signal_wait.c. The
 * arch code (x86_64/signal_frame.c) builds the
 * handler's frame. Reference: signal(7), Linux kernel/signal.c,
 * kernel/exit.c (wait_task_stopped/continued), kernel/time/itimer.c.
 * Threads (proc/thread.h): a process-directed signal (kill, the tty,
 * alarms, SIGCHLD) is pending on the process and taken by the first of
 * its threads that does not block it - the sender itself if it is one,
 * else the first in creation order - which is interrupted (Linux's
 * complete_signal, without its round robin); a thread-directed one
 * (tgkill, tkill, a fault) is pending on that thread alone, taken before
 * the process's, and does not queue even when real-time. SIGKILL and a
 * fatal default action end every thread (exit_group); a stop stops the
 * whole group, each thread parking on its way to user mode.
 * Locking: proc_lock for every process's and thread's signal state
 * (proc.h, thread.h); a thread's interrupt mark (task_interrupt) is
 * recomputed under it.
 */
#include "proc/signal.h"

#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "proc/mm_internal.h"
#include "proc/proc_internal.h"
#include "proc/thread.h"
#include "sched/task.h"
#include "time/ktime.h"

#define LOG_PREFIX "signal: "
#define RLIMIT_CORE 4

enum sig_default { DEF_TERM, DEF_CORE, DEF_STOP, DEF_CONT, DEF_IGN };

/* signal(7)'s table, by number (index 0 unused; 32-64: terminate). */
static const uint8_t default_action[32] = {
	[1] = DEF_TERM,	 [2] = DEF_TERM,  [3] = DEF_CORE,  [4] = DEF_CORE,  [5] = DEF_CORE,
	[6] = DEF_CORE,	 [7] = DEF_CORE,  [8] = DEF_CORE,  [9] = DEF_TERM,  [10] = DEF_TERM,
	[11] = DEF_CORE, [12] = DEF_TERM, [13] = DEF_TERM, [14] = DEF_TERM, [15] = DEF_TERM,
	[16] = DEF_TERM, [17] = DEF_IGN,  [18] = DEF_CONT, [19] = DEF_STOP, [20] = DEF_STOP,
	[21] = DEF_STOP, [22] = DEF_STOP, [23] = DEF_IGN,  [24] = DEF_CORE, [25] = DEF_CORE,
	[26] = DEF_TERM, [27] = DEF_TERM, [28] = DEF_IGN,  [29] = DEF_TERM, [30] = DEF_TERM,
	[31] = DEF_CORE,
};

#define STOP_SIGS (SIG_BIT(19) | SIG_BIT(20) | SIG_BIT(21) | SIG_BIT(22))

static enum sig_default def_of(int sig)
{
	return sig < 32 ? (enum sig_default)default_action[sig] : DEF_TERM;
}

/* Would @sig be dropped on arrival (ignored, and no thread blocks it or
 * waits for it)? */
static bool ignored_locked(const struct proc *p, int sig)
{
	uint64_t h = p->sigactions[sig - 1].handler;
	const struct thread *th;

	if (sig == PROC_SIGKILL || sig == PROC_SIGSTOP)
		return false;
	list_for_each_entry (th, &p->threads, link)
		if ((th->sigmask | th->sigwaiting) & SIG_BIT(sig))
			return false; /* blocked stays pending; rt_sigtimedwait takes it */
	return h == SIG_IGN_HANDLER || (h == SIG_DFL_HANDLER && def_of(sig) == DEF_IGN);
}

/* What @th could take now: its own and its process's pending signals
 * that it does not block. */
static uint64_t ready_locked(const struct thread *th)
{
	return (th->sigpending | th->proc->sigpending) & ~th->sigmask;
}

void signal_recalc_locked(struct thread *th)
{
	spin_assert_held(&proc_lock);
	if (!th->task)
		return;
	if (READ_ONCE(th->killed) || th->proc->stopped || ready_locked(th))
		task_interrupt(th->task);
	else
		task_clear_interrupt(th->task);
}

/* Could @th take process-directed @sig now? */
static bool wants_locked(const struct thread *th, int sig)
{
	return th->task && !READ_ONCE(th->killed) && !(th->sigmask & SIG_BIT(sig));
}

/* Interrupt one thread of @p that will take its pending @sig: the
 * calling thread if it is one of them and does not block it, else the
 * first that does not. None: it waits for an unblock (or a sigwait). */
static void wake_one_locked(struct proc *p, int sig)
{
	struct thread *cur = thread_current(), *th;

	if (cur && cur->proc == p && wants_locked(cur, sig)) {
		signal_recalc_locked(cur);
		return;
	}
	list_for_each_entry (th, &p->threads, link) {
		if (wants_locked(th, sig)) {
			signal_recalc_locked(th);
			return;
		}
	}
}

void signal_reroute_locked(struct proc *p)
{
	uint64_t pend = p->sigpending;

	spin_assert_held(&proc_lock);
	while (pend) {
		int sig = __builtin_ctzll(pend) + 1;

		pend &= pend - 1;
		wake_one_locked(p, sig);
	}
}

/* The effects of @sig on arrival that do not depend on its target
 * thread (SIGKILL ends the group, SIGCONT and stops cancel each other);
 * false when nothing is left to queue. */
static bool arrive_locked(struct proc *p, int sig)
{
	if (p->state != PROC_ALIVE || sig < 1 || sig > SIG_NSIG)
		return false;
	proc_changed_locked(); /* stop/continue reports, sigtimedwait and the stop sleep */
	if (sig == PROC_SIGKILL) {
		if (!p->group_exiting) {
			p->group_exiting = true;
			p->group_exit_status = PROC_SIGKILL;
		}
		p->stopped = false;
		thread_kill_others_locked(p, NULL);
		return false;
	}
	if (sig == PROC_SIGCONT) {
		p->sigpending &= ~STOP_SIGS;
		if (p->stopped) {
			p->stopped = false;
			p->stop_report = 0;
			p->cont_report = true;
			(void)signal_notify_parent_locked(p, CLD_CONTINUED, PROC_SIGCONT);
		}
	} else if (SIG_BIT(sig) & STOP_SIGS) {
		struct thread *th;

		p->sigpending &= ~SIG_BIT(PROC_SIGCONT);
		list_for_each_entry (th, &p->threads, link)
			th->sigpending &= ~SIG_BIT(PROC_SIGCONT);
	}
	return !ignored_locked(p, sig);
}

int signal_send_thread_locked(struct thread *th, int sig, const struct proc_siginfo *info)
{
	spin_assert_held(&proc_lock);
	if (!arrive_locked(th->proc, sig))
		return 0;
	if (!(th->sigpending & SIG_BIT(sig))) { /* does not queue, even real-time */
		th->sigpending |= SIG_BIT(sig);
		th->siginfo[sig - 1] = info ? *info : (struct proc_siginfo){ .code = SI_KERNEL };
	}
	signal_recalc_locked(th);
	return 0;
}

int signal_send_locked(struct proc *p, int sig, const struct proc_siginfo *info)
{
	spin_assert_held(&proc_lock);
	if (!arrive_locked(p, sig))
		return 0;
	if (sig >= SIG_RTMIN) { /* real-time signals queue, each with its siginfo */
		if (p->rtq_len == PROC_RTQ_MAX)
			return -EAGAIN;
		p->rtq_sig[p->rtq_len] = (uint8_t)sig;
		p->rtq_info[p->rtq_len++] =
			info ? *info : (struct proc_siginfo){ .code = SI_KERNEL };
		p->sigpending |= SIG_BIT(sig);
	} else if (!(p->sigpending & SIG_BIT(sig))) { /* standard signals do not queue */
		p->sigpending |= SIG_BIT(sig);
		if (info)
			p->siginfo[sig - 1] = *info;
		else
			p->siginfo[sig - 1] = (struct proc_siginfo){ .code = SI_KERNEL };
	}
	wake_one_locked(p, sig);
	return 0;
}

/* Take pending @sig off @p: its siginfo (the oldest queued one for a
 * real-time signal, whose bit stays while more are queued). */
struct proc_siginfo signal_take_locked(struct proc *p, int sig)
{
	struct proc_siginfo info = p->siginfo[sig - 1];
	bool more = false;
	int i, n;

	if (sig < SIG_RTMIN) {
		p->sigpending &= ~SIG_BIT(sig);
		return info;
	}
	for (i = 0; i < p->rtq_len && p->rtq_sig[i] != sig; i++)
		;
	if (i < p->rtq_len) {
		info = p->rtq_info[i];
		for (n = i + 1; n < p->rtq_len; n++) {
			p->rtq_sig[n - 1] = p->rtq_sig[n];
			p->rtq_info[n - 1] = p->rtq_info[n];
			more |= p->rtq_sig[n] == sig;
		}
		p->rtq_len--;
	}
	if (!more)
		p->sigpending &= ~SIG_BIT(sig);
	return info;
}

/* Take pending @sig off thread @th (its own pending set). */
static struct proc_siginfo take_thread_locked(struct thread *th, int sig)
{
	th->sigpending &= ~SIG_BIT(sig);
	return th->siginfo[sig - 1];
}

struct proc_siginfo signal_dequeue_locked(struct thread *th, int sig)
{
	spin_assert_held(&proc_lock);
	if (th->sigpending & SIG_BIT(sig))
		return take_thread_locked(th, sig);
	return signal_take_locked(th->proc, sig);
}

void signal_discard_locked(struct proc *p, int sig)
{
	struct thread *th;
	int n = 0;

	spin_assert_held(&proc_lock);
	p->sigpending &= ~SIG_BIT(sig);
	for (int i = 0; i < p->rtq_len; i++) {
		if (p->rtq_sig[i] == sig)
			continue;
		p->rtq_sig[n] = p->rtq_sig[i];
		p->rtq_info[n++] = p->rtq_info[i];
	}
	p->rtq_len = n;
	list_for_each_entry (th, &p->threads, link) {
		th->sigpending &= ~SIG_BIT(sig);
		signal_recalc_locked(th);
	}
}

void signal_send(struct proc *p, int sig, const struct proc_siginfo *info)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	(void)signal_send_locked(p, sig, info);
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
}

void signal_set_mask(uint64_t mask)
{
	struct thread *th = thread_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	th->sigmask = mask & ~SIG_UNBLOCKABLE;
	signal_recalc_locked(th);
	signal_reroute_locked(th->proc); /* what it now blocks goes to another */
	spin_unlock_irqrestore(&proc_lock, flags);
}

bool signal_notify_parent_locked(struct proc *c, int code, int status)
{
	struct proc *parent = c->parent;
	const struct proc_sigaction *act;
	struct proc_siginfo info = { .code = code, .pid = c->pid, .status = status };
	bool exited = code != CLD_STOPPED && code != CLD_CONTINUED;
	int sig = exited ? c->exit_signal : PROC_SIGCHLD;

	spin_assert_held(&proc_lock);
	if (!parent)
		return false;
	act = &parent->sigactions[PROC_SIGCHLD - 1];
	if (!exited && (act->flags & SA_NOCLDSTOP))
		return false;
	(void)signal_send_locked(parent, sig, &info);
	return exited && sig == PROC_SIGCHLD &&
	       (act->handler == SIG_IGN_HANDLER || (act->flags & SA_NOCLDWAIT));
}

/* The wait status of death by @sig: WCOREDUMP's bit for a core action
 * when RLIMIT_CORE allows one (Linux's default soft limit 0 gives none;
 * Corvid never writes the file). */
static int death_status(const struct proc *p, int sig)
{
	bool core = def_of(sig) == DEF_CORE && p->rlimits_set && p->rlimits[RLIMIT_CORE].cur;

	return sig | (core ? 0x80 : 0);
}

void signal_force_exit(int sig)
{
	proc_exit(death_status(proc_current(), sig));
}

/* Stop the calling thread's process with @sig until SIGCONT or
 * SIGKILL: every thread parks (signal_next). Called with proc_lock held
 * (flags from its irqsave); returns with it dropped. */
static void do_stop(struct thread *self, int sig, unsigned long flags) RELEASE(&proc_lock)
{
	struct proc *p = self->proc;
	struct thread *th;

	p->stopped = true;
	p->stop_report = sig;
	p->cont_report = false;
	list_for_each_entry (th, &p->threads, link)
		signal_recalc_locked(th); /* interrupted: they park on their way out */
	(void)signal_notify_parent_locked(p, CLD_STOPPED, sig);
	proc_changed_locked();
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
}

bool signal_next(struct signal_delivery *d)
{
	struct thread *th = thread_current();
	struct proc *p = th->proc;

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&proc_lock);
		uint64_t ready = ready_locked(th), own = th->sigpending & ~th->sigmask;
		struct proc_sigaction *act;
		int sig;

		if (READ_ONCE(th->killed)) {
			spin_unlock_irqrestore(&proc_lock, flags);
			proc_thread_exit(p->group_exit_status);
		}
		if (p->stopped) {
			spin_unlock_irqrestore(&proc_lock, flags);
			wait_event(&proc_child_wq, !READ_ONCE(p->stopped) || READ_ONCE(th->killed));
			continue;
		}
		if (!ready) {
			if (th->restore_sigmask) {
				th->restore_sigmask = false;
				th->sigmask = th->saved_sigmask;
				signal_reroute_locked(p);
			}
			signal_recalc_locked(th);
			spin_unlock_irqrestore(&proc_lock, flags);
			return false;
		}
		/* its own (faults, tgkill) first, as Linux's dequeue_signal */
		sig = __builtin_ctzll(own ? own : ready) + 1;
		d->sig = sig;
		d->info = own ? take_thread_locked(th, sig) : signal_take_locked(p, sig);
		act = &p->sigactions[sig - 1];
		d->act = *act;
		if (act->handler == SIG_IGN_HANDLER) {
			spin_unlock_irqrestore(&proc_lock, flags);
			continue;
		}
		if (act->handler == SIG_DFL_HANDLER) {
			enum sig_default def = def_of(sig);

			if (def == DEF_IGN || def == DEF_CONT || (p->pid == 1 && def != DEF_STOP)) {
				spin_unlock_irqrestore(&proc_lock, flags);
				continue; /* init gets only the signals it handles (Linux) */
			}
			if (def == DEF_STOP) {
				if (p->pid == 1) {
					spin_unlock_irqrestore(&proc_lock, flags);
					continue;
				}
				do_stop(th, sig, flags);
				continue;
			}
			spin_unlock_irqrestore(&proc_lock, flags);
			proc_exit(death_status(p, sig));
		}
		d->old_mask = th->restore_sigmask ? th->saved_sigmask : th->sigmask;
		th->restore_sigmask = false;
		th->sigmask |= act->mask;
		if (!(act->flags & SA_NODEFER))
			th->sigmask |= SIG_BIT(sig);
		th->sigmask &= ~SIG_UNBLOCKABLE;
		if (act->flags & SA_RESETHAND)
			act->handler = SIG_DFL_HANDLER;
		signal_recalc_locked(th);
		signal_reroute_locked(p);
		spin_unlock_irqrestore(&proc_lock, flags);
		return true;
	}
}

/* ---- faults (Linux's force_sig_fault) ---- */

/* Is @addr inside one of the calling process's regions? */
static bool mapped(uintptr_t addr)
{
	struct proc *p = proc_current();
	unsigned long flags;
	bool found;

	if (!p->mm)
		return false;
	flags = mm_lock(p->mm);
	found = mm_find_vma_locked(p->mm, addr) != NULL;
	mm_unlock(p->mm, flags);
	return found;
}

static int fault_code(const struct proc_fault *f)
{
	switch (f->signal) {
	case PROC_SIGSEGV:
		if (!f->is_page_fault)
			return SI_KERNEL; /* #GP and the like: no address */
		/* a region that forbids the access, or none (Linux's rule) */
		return (f->error_code & 1) || mapped(f->addr) ? SEGV_ACCERR : SEGV_MAPERR;
	case PROC_SIGBUS:
		return f->is_page_fault ? BUS_ADRERR : SI_KERNEL;
	case PROC_SIGFPE:
		return FPE_INTDIV;
	case PROC_SIGILL:
		return ILL_ILLOPN;
	default:
		return SI_KERNEL;
	}
}

bool proc_signal_fault(const struct proc_fault *f)
{
	struct proc *p = proc_current();
	struct thread *th = thread_current();
	struct proc_sigaction *act;
	struct proc_siginfo info = { .code = fault_code(f) };
	unsigned long flags;
	bool caught;
	int sig = f->signal;

	if (!p || !th || sig < 1 || sig > SIG_NSIG || sig == PROC_SIGKILL)
		return false;
	if (f->is_page_fault && info.code != SI_KERNEL)
		info.addr = f->addr;
	else if (sig == PROC_SIGFPE || sig == PROC_SIGILL)
		info.addr = f->ip;
	flags = spin_lock_irqsave(&proc_lock);
	act = &p->sigactions[sig - 1];
	if ((th->sigmask & SIG_BIT(sig)) || act->handler == SIG_IGN_HANDLER) {
		/* blocked or ignored: it cannot be caught, so the default */
		act->handler = SIG_DFL_HANDLER;
		th->sigmask &= ~SIG_BIT(sig);
	}
	caught = act->handler != SIG_DFL_HANDLER;
	if (caught) { /* the faulting thread's own (force_sig_fault) */
		th->sigpending |= SIG_BIT(sig);
		th->siginfo[sig - 1] = info;
		signal_recalc_locked(th);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return caught;
}

int proc_fault_status(int sig)
{
	return death_status(proc_current(), sig);
}

/* ---- the alternate stack ---- */

bool signal_on_altstack(uint64_t sp)
{
	struct thread *p = thread_current();

	return p->altstack_size && sp > p->altstack_sp && sp - p->altstack_sp <= p->altstack_size;
}

int signal_altstack_set(uint64_t sp, uint64_t ss_sp, int ss_flags, uint64_t ss_size)
{
	struct thread *p = thread_current();
	unsigned int mode = (unsigned int)ss_flags & ~SS_AUTODISARM;

	if (signal_on_altstack(sp))
		return -EPERM;
	if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		ss_sp = 0;
		ss_size = 0;
	} else if (ss_size < MINSIGSTKSZ) {
		return -ENOMEM;
	}
	p->altstack_sp = ss_sp;
	p->altstack_size = ss_size;
	p->altstack_flags = (int)((unsigned int)ss_flags & SS_AUTODISARM);
	return 0;
}

/* ---- kill, tkill, tgkill ---- */

/* Send @sig (0: probe) to @p as kill() from @self; init gets only what
 * it has a handler for (checked at delivery). */
static int kill_one_locked(struct proc *p, struct proc *self, int sig, int code)
{
	struct proc_siginfo info = { .code = code, .pid = self ? self->pid : 0 };

	return sig ? signal_send_locked(p, sig, &info) : 0;
}

long signal_kill(int pid, int sig)
{
	struct proc *self = proc_current(), *p;
	unsigned long flags;
	long ret = -ESRCH;

	if (sig < 0 || sig > SIG_NSIG)
		return -EINVAL;
	if (pid == -2147483647 - 1)
		return -ESRCH;
	flags = spin_lock_irqsave(&proc_lock);
	if (pid > 0) {
		struct thread *th;

		p = proc_find_locked(pid);
		if (!p && (th = thread_find_locked(pid)))
			p = th->proc; /* a tid names its process, as Linux's */
		if (p)
			ret = kill_one_locked(p, self, sig, SI_USER);
	} else {
		int pgid = pid == 0 ? (self ? self->pgid : 0) : -pid;

		list_for_each_entry (p, &proc_all, link) {
			if (p->state != PROC_ALIVE)
				continue;
			if (pid == -1 ? (p->pid == 1 || p == self) : p->pgid != pgid)
				continue;
			if (ret == -ESRCH)
				ret = 0;
			if (kill_one_locked(p, self, sig, SI_USER))
				ret = -EAGAIN;
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	return ret;
}

long signal_tgkill(int tgid, int tid, int sig)
{
	struct proc *self = proc_current();
	struct proc_siginfo info = { .code = SI_TKILL, .pid = self ? self->pid : 0 };
	struct thread *th;
	unsigned long flags;
	long ret = -ESRCH;

	if (sig < 0 || sig > SIG_NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_lock);
	th = thread_find_locked(tid);
	if (th && th->proc->state == PROC_ALIVE && (tgid == -1 || th->proc->pid == tgid))
		ret = sig ? signal_send_thread_locked(th, sig, &info) : 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	return ret;
}

int proc_kill_signal(int pid, int sig)
{
	unsigned long flags;
	struct proc *p;
	int err = -ESRCH;

	if (sig < 1 || sig > SIG_NSIG)
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_lock);
	p = proc_find_locked(pid);
	if (p && p->state == PROC_ALIVE)
		err = kill_one_locked(p, NULL, sig, SI_USER);
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	return err;
}

int proc_signal_pgrp(int pgid, int sig)
{
	struct proc_siginfo info = { .code = SI_KERNEL };
	unsigned long flags;
	struct proc *p;
	int err = -ESRCH;

	if (sig < 1 || sig > SIG_NSIG)
		return -EINVAL;
	if (pgid <= 0)
		return -ESRCH;
	flags = spin_lock_irqsave(&proc_lock);
	list_for_each_entry (p, &proc_all, link) {
		if (p->state != PROC_ALIVE || p->pgid != pgid)
			continue;
		(void)signal_send_locked(p, sig, &info);
		err = 0;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	return err;
}

bool proc_signal_blocked_or_ignored(int sig)
{
	struct proc *p = proc_current();
	struct thread *th = thread_current();
	unsigned long flags;
	bool r;

	if (!p || !th)
		return true;
	flags = spin_lock_irqsave(&proc_lock);
	r = (th->sigmask & SIG_BIT(sig)) || p->sigactions[sig - 1].handler == SIG_IGN_HANDLER;
	spin_unlock_irqrestore(&proc_lock, flags);
	return r;
}

/* The pipe layer's EPIPE: SIGPIPE to the calling process. */
void proc_send_sigpipe(void)
{
	struct proc *p = proc_current();
	struct thread *th = thread_current();
	struct proc_siginfo info = { .code = SI_USER, .pid = p ? p->pid : 0 };
	unsigned long flags;

	if (!th)
		return;
	flags = spin_lock_irqsave(&proc_lock); /* the writing thread's (Linux's send_sig) */
	(void)signal_send_thread_locked(th, 13, &info);
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
}

void signal_fill_siginfo(struct linux_siginfo *out, int sig, const struct proc_siginfo *i)
{
	memset(out, 0, sizeof(*out));
	out->signo = sig;
	out->code = i->code;
	if ((sig == PROC_SIGSEGV || sig == PROC_SIGBUS || sig == PROC_SIGILL ||
	     sig == PROC_SIGFPE || sig == PROC_SIGTRAP) &&
	    i->code > 0 && i->code != SI_KERNEL) {
		out->u.addr = i->addr; /* a fault: si_addr */
		return;
	}
	if (i->code == SI_KERNEL)
		return;
	out->u.kill.pid = i->pid; /* kill, tkill, SIGCHLD */
	out->u.kill.uid = (uint32_t)i->uid;
	out->u.kill.status = i->status;
}

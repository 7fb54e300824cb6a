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
 * Locking: proc_lock for every process's signal state (proc.h); the
 * thread's interrupt mark (task_interrupt) is recomputed under it.
 */
#include "proc/signal.h"

#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "proc/mm_internal.h"
#include "proc/proc_internal.h"
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

/* Would @sig be dropped on arrival (ignored and not blocked)? */
static bool ignored_locked(const struct proc *p, int sig)
{
	uint64_t h = p->sigactions[sig - 1].handler;

	if (sig == PROC_SIGKILL || sig == PROC_SIGSTOP || (p->sigmask & SIG_BIT(sig)))
		return false;
	if (p->sigwaiting & SIG_BIT(sig))
		return false; /* rt_sigtimedwait takes it */
	return h == SIG_IGN_HANDLER || (h == SIG_DFL_HANDLER && def_of(sig) == DEF_IGN);
}

void signal_recalc_locked(struct proc *p)
{
	spin_assert_held(&proc_lock);
	if (!p->task)
		return;
	if (READ_ONCE(p->killed) || (p->sigpending & ~p->sigmask))
		task_interrupt(p->task);
	else
		task_clear_interrupt(p->task);
}

bool signal_work_pending(void)
{
	struct proc *p = proc_current();

	return p && (READ_ONCE(p->killed) || (READ_ONCE(p->sigpending) & ~READ_ONCE(p->sigmask)));
}

int signal_send_locked(struct proc *p, int sig, const struct proc_siginfo *info)
{
	spin_assert_held(&proc_lock);
	if (p->state != PROC_ALIVE || sig < 1 || sig > SIG_NSIG)
		return 0;
	proc_changed_locked(); /* stop/continue reports, sigtimedwait and the stop sleep */
	if (sig == PROC_SIGKILL) {
		WRITE_ONCE(p->killed, true);
		p->stopped = false;
	} else if (sig == PROC_SIGCONT) {
		p->sigpending &= ~STOP_SIGS;
		if (p->stopped) {
			p->stopped = false;
			p->stop_report = 0;
			p->cont_report = true;
			(void)signal_notify_parent_locked(p, CLD_CONTINUED, PROC_SIGCONT);
		}
	} else if (SIG_BIT(sig) & STOP_SIGS) {
		p->sigpending &= ~SIG_BIT(PROC_SIGCONT);
	}
	if (ignored_locked(p, sig))
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
	signal_recalc_locked(p);
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

void signal_discard_locked(struct proc *p, int sig)
{
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
	signal_recalc_locked(p);
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
	struct proc *p = proc_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	p->sigmask = mask & ~SIG_UNBLOCKABLE;
	signal_recalc_locked(p);
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

/* Stop the calling process with @sig until SIGCONT or SIGKILL. Called
 * with proc_lock held (flags from its irqsave); returns with it dropped. */
static void do_stop(struct proc *p, int sig, unsigned long flags) RELEASE(&proc_lock)
{
	p->stopped = true;
	p->stop_report = sig;
	p->cont_report = false;
	(void)signal_notify_parent_locked(p, CLD_STOPPED, sig);
	proc_changed_locked();
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	wait_event(&proc_child_wq, !READ_ONCE(p->stopped) || READ_ONCE(p->killed));
}

bool signal_next(struct signal_delivery *d)
{
	struct proc *p = proc_current();

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&proc_lock);
		uint64_t ready = p->sigpending & ~p->sigmask;
		struct proc_sigaction *act;
		int sig;

		if (READ_ONCE(p->killed)) {
			spin_unlock_irqrestore(&proc_lock, flags);
			proc_exit(PROC_SIGKILL);
		}
		if (!ready) {
			if (p->restore_sigmask) {
				p->restore_sigmask = false;
				p->sigmask = p->saved_sigmask;
			}
			signal_recalc_locked(p);
			spin_unlock_irqrestore(&proc_lock, flags);
			return false;
		}
		sig = __builtin_ctzll(ready) + 1;
		d->sig = sig;
		d->info = signal_take_locked(p, sig);
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
				do_stop(p, sig, flags);
				continue;
			}
			spin_unlock_irqrestore(&proc_lock, flags);
			proc_exit(death_status(p, sig));
		}
		d->old_mask = p->restore_sigmask ? p->saved_sigmask : p->sigmask;
		p->restore_sigmask = false;
		p->sigmask |= act->mask;
		if (!(act->flags & SA_NODEFER))
			p->sigmask |= SIG_BIT(sig);
		p->sigmask &= ~SIG_UNBLOCKABLE;
		if (act->flags & SA_RESETHAND)
			act->handler = SIG_DFL_HANDLER;
		signal_recalc_locked(p);
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
	struct proc_sigaction *act;
	struct proc_siginfo info = { .code = fault_code(f) };
	unsigned long flags;
	bool caught;
	int sig = f->signal;

	if (!p || sig < 1 || sig > SIG_NSIG || sig == PROC_SIGKILL)
		return false;
	if (f->is_page_fault && info.code != SI_KERNEL)
		info.addr = f->addr;
	else if (sig == PROC_SIGFPE || sig == PROC_SIGILL)
		info.addr = f->ip;
	flags = spin_lock_irqsave(&proc_lock);
	act = &p->sigactions[sig - 1];
	if ((p->sigmask & SIG_BIT(sig)) || act->handler == SIG_IGN_HANDLER) {
		/* blocked or ignored: it cannot be caught, so the default */
		act->handler = SIG_DFL_HANDLER;
		p->sigmask &= ~SIG_BIT(sig);
	}
	caught = act->handler != SIG_DFL_HANDLER;
	if (caught) {
		p->sigpending |= SIG_BIT(sig);
		p->siginfo[sig - 1] = info;
		signal_recalc_locked(p);
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
	struct proc *p = proc_current();

	return p->altstack_size && sp > p->altstack_sp && sp - p->altstack_sp <= p->altstack_size;
}

int signal_altstack_set(uint64_t sp, uint64_t ss_sp, int ss_flags, uint64_t ss_size)
{
	struct proc *p = proc_current();
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
		p = proc_find_locked(pid);
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
	struct proc *p;
	unsigned long flags;
	long ret = -ESRCH;

	if (sig < 0 || sig > SIG_NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_lock);
	p = proc_find_locked(tid);
	if (p && p->state == PROC_ALIVE && (tgid == -1 || p->pid == tgid))
		ret = kill_one_locked(p, proc_current(), sig, SI_TKILL);
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
	unsigned long flags;
	bool r;

	if (!p)
		return true;
	flags = spin_lock_irqsave(&proc_lock);
	r = (p->sigmask & SIG_BIT(sig)) || p->sigactions[sig - 1].handler == SIG_IGN_HANDLER;
	spin_unlock_irqrestore(&proc_lock, flags);
	return r;
}

/* The pipe layer's EPIPE: SIGPIPE to the calling process. */
void proc_send_sigpipe(void)
{
	struct proc *p = proc_current();
	struct proc_siginfo info = { .code = SI_USER, .pid = p ? p->pid : 0 };

	if (p)
		signal_send(p, 13, &info);
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

/*
 * Signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, rt_sigtimedwait, sigaltstack, kill, tkill, tgkill,
 * pause, alarm, getitimer and setitimer (ITIMER_REAL), with Linux's
 * argument checks and errnos. The signal machinery is proc/signal.c;
 * rt_sigreturn is the arch code's (it rewrites every register).
 * Reference: rt_sigaction(2), sigprocmask(2), sigaltstack(2), kill(2),
 * tgkill(2), setitimer(2), Linux kernel/signal.c, kernel/time/itimer.c.
 * Locking: proc/signal.c takes proc_lock; the mask and the alternate
 * stack are the calling thread's own (sigaction's table is the process's).
 */
#include "proc/signal.h"
#include "arch/arch.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "proc/thread.h"
#include "syscall/syscall_internal.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define NSEC 1000000000ull
#define ITIMER_REAL 0
#define ITIMER_PROF 2
extern struct spinlock proc_lock;

long sys_rt_sigaction(int sig, uptr_t act, uptr_t oact, size_t sigsetsize)
{
	struct proc *p = proc_current();
	struct proc_sigaction k, old;
	unsigned long flags;

	if (sigsetsize != sizeof(uint64_t) || sig < 1 || sig > PROC_NSIG)
		return -EINVAL;
	if (!uptr_is_null(act) && (sig == PROC_SIGKILL || sig == PROC_SIGSTOP))
		return -EINVAL;
	if (!uptr_is_null(act) && copy_from_user(&k, act, sizeof(k)))
		return -EFAULT;
	flags = spin_lock_irqsave(&proc_lock);
	old = p->sigactions[sig - 1];
	if (!uptr_is_null(act)) {
		k.mask &= ~SIG_UNBLOCKABLE;
		p->sigactions[sig - 1] = k;
		/* Setting SIG_IGN (or SIG_DFL on a default-ignored signal)
		 * discards it pending (POSIX). */
		if (k.handler == SIG_IGN_HANDLER ||
		    (k.handler == SIG_DFL_HANDLER &&
		     (sig == PROC_SIGCHLD || sig == PROC_SIGCONT || sig == 23 || sig == 28))) {
			signal_discard_locked(p, sig);
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!uptr_is_null(oact) && copy_to_user(oact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, uptr_t set, uptr_t oset, size_t sigsetsize)
{
	struct thread *th = thread_current();
	uint64_t old = th->sigmask, s, m;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (!uptr_is_null(set)) {
		if (copy_from_user(&s, set, sizeof(s)))
			return -EFAULT;
		if (how == SIG_BLOCK)
			m = old | s;
		else if (how == SIG_UNBLOCK)
			m = old & ~s;
		else if (how == SIG_SETMASK)
			m = s;
		else
			return -EINVAL;
		signal_set_mask(m);
	}
	if (!uptr_is_null(oset) && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(uptr_t set, size_t sigsetsize)
{
	struct thread *th = thread_current();
	uint64_t pend;
	unsigned long flags;

	if (sigsetsize > sizeof(uint64_t))
		return -EINVAL;
	flags = spin_lock_irqsave(&proc_lock);
	pend = (th->sigpending | th->proc->sigpending) & th->sigmask;
	spin_unlock_irqrestore(&proc_lock, flags);
	return copy_to_user(set, &pend, sigsetsize) ? -EFAULT : 0;
}

long sys_rt_sigsuspend(uptr_t set, size_t sigsetsize)
{
	uint64_t m;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&m, set, sizeof(m)))
		return -EFAULT;
	return signal_suspend(m);
}

struct linux_timespec64 {
	int64_t tv_sec, tv_nsec;
};

long sys_rt_sigtimedwait(uptr_t set, uptr_t uinfo, uptr_t uts, size_t sigsetsize)
{
	struct proc_siginfo info;
	struct linux_timespec64 ts;
	uint64_t s, ns = UINT64_MAX;
	long sig;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&s, set, sizeof(s)))
		return -EFAULT;
	if (!uptr_is_null(uts)) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC)
			return -EINVAL;
		ns = (uint64_t)ts.tv_sec > UINT64_MAX / NSEC - 1
			     ? UINT64_MAX - 1
			     : (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
	}
	sig = signal_timedwait(s, ns, &info);
	if (sig > 0 && !uptr_is_null(uinfo)) {
		struct linux_siginfo li;

		signal_fill_siginfo(&li, (int)sig, &info);
		if (copy_to_user(uinfo, &li, sizeof(li)))
			return -EFAULT;
	}
	return sig;
}

struct linux_stack_t {
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};

long sys_sigaltstack(uptr_t uss, uptr_t uoss)
{
	struct thread *p = thread_current();
	uint64_t sp = arch_user_sp();
	bool on = signal_on_altstack(sp);
	struct linux_stack_t old = {
		.ss_sp = p->altstack_sp,
		.ss_size = p->altstack_size,
		.ss_flags = (on			 ? SS_ONSTACK
			     : !p->altstack_size ? SS_DISABLE
						 : 0) |
			    p->altstack_flags,
	};
	struct linux_stack_t ss;

	if (!uptr_is_null(uss)) {
		int err;

		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		err = signal_altstack_set(sp, ss.ss_sp, ss.ss_flags, ss.ss_size);
		if (err)
			return err;
	}
	if (!uptr_is_null(uoss) && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_kill(int pid, int sig)
{
	return signal_kill(pid, sig);
}

long sys_tkill(int tid, int sig)
{
	return signal_tgkill(-1, tid, sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return signal_tgkill(tgid, tid, sig);
}

long sys_pause(void)
{
	return signal_pause();
}

struct linux_itimerval {
	int64_t interval_sec, interval_usec, value_sec, value_usec;
};

static void to_itimerval(uint64_t value, uint64_t period, struct linux_itimerval *out)
{
	/* a running timer never reads as 0 (Linux rounds up to 1 us) */
	uint64_t vus = (value + 999) / 1000;

	out->value_sec = (int64_t)(vus / 1000000);
	out->value_usec = (int64_t)(vus % 1000000);
	out->interval_sec = (int64_t)(period / NSEC);
	out->interval_usec = (int64_t)(period % NSEC / 1000);
}

long sys_getitimer(int which, uptr_t uval)
{
	struct linux_itimerval v = { 0 };
	uint64_t value, period;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (which == ITIMER_REAL) {
		signal_get_alarm(&value, &period);
		to_itimerval(value, period, &v);
	}
	return copy_to_user(uval, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(int which, uptr_t unew, uptr_t uold)
{
	struct linux_itimerval n = { 0 }, o = { 0 };
	uint64_t value, period;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (!uptr_is_null(unew) && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (n.value_usec < 0 || n.value_usec >= 1000000 || n.interval_usec < 0 ||
	    n.interval_usec >= 1000000 || n.value_sec < 0 || n.interval_sec < 0)
		return -EINVAL;
	if (which != ITIMER_REAL)
		return -EINVAL; /* ITIMER_VIRTUAL and ITIMER_PROF: not yet */
	signal_set_alarm((uint64_t)n.value_sec * NSEC + (uint64_t)n.value_usec * 1000,
			 (uint64_t)n.interval_sec * NSEC + (uint64_t)n.interval_usec * 1000, &value,
			 &period);
	to_itimerval(value, period, &o);
	if (!uptr_is_null(uold) && copy_to_user(uold, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

long sys_alarm(unsigned int seconds)
{
	uint64_t value, period;

	signal_set_alarm((uint64_t)seconds * NSEC, 0, &value, &period);
	/* the old remainder in seconds, rounded to nearest, at least 1 */
	return value ? (long)((value + NSEC / 2) / NSEC ?: 1) : 0;
}

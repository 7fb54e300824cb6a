/*
 * Signals (signal.c): sending, the pending set and its siginfo, default
 * actions (terminate, core, stop, continue, ignore), the choice of the
 * next signal to deliver on the way back to user mode (the arch code then
 * builds Linux's rt_sigframe), stop/continue for wait4, SIGCHLD, the
 * ITIMER_REAL timer and the kill family's target rules. Reference: Linux
 * signal(7), kernel/signal.c.
 * Locking: proc_lock guards every process's pending set, siginfo, mask,
 * actions, stop state and timer (see proc.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"
#include "proc/proc.h"
#include "proc/thread.h"
#include "sync/spinlock.h"

extern struct spinlock proc_lock;
struct thread;

#define SIG_NSIG 64
#define SIG_RTMIN 32 /* the first real-time signal: these queue */
#define SIG_BIT(s) (1ull << ((s)-1))
#define SIG_DFL_HANDLER 0
#define SIG_IGN_HANDLER 1
#define SA_NOCLDSTOP 0x1
#define SA_NOCLDWAIT 0x2
#define SA_SIGINFO 0x4
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000u
#define SIG_UNBLOCKABLE (SIG_BIT(PROC_SIGKILL) | SIG_BIT(PROC_SIGSTOP))
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* si_code values (Linux's). */
enum {
	SI_USER = 0,
	SI_KERNEL = 0x80,
	SI_TKILL = -6,
	SEGV_MAPERR = 1,
	SEGV_ACCERR = 2,
	BUS_ADRERR = 2,
	ILL_ILLOPN = 2,
	FPE_INTDIV = 1,
	TRAP_BRKPT = 1,
	CLD_EXITED = 1,
	CLD_KILLED = 2,
	CLD_DUMPED = 3,
	CLD_STOPPED = 5,
	CLD_CONTINUED = 6,
};

/* Linux's error codes for restarting an interrupted system call (never
 * seen by user mode: the return to user mode turns them into -EINTR or
 * a restart). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514

/* Make @sig pending on @p with @info (NULL: SI_KERNEL) and wake it if it
 * must act; an ignored signal is dropped, SIGCONT continues a stopped
 * process, a stop signal cancels a pending SIGCONT and the reverse; a
 * real-time signal is queued (-EAGAIN when PROC_RTQ_MAX are). Returns 0
 * or -EAGAIN. */
int signal_send_locked(struct proc *p, int sig, const struct proc_siginfo *info)
	REQUIRES(&proc_lock);

/* The same directed at thread @th (tgkill, tkill): pending on it alone,
 * not queued even when real-time. Returns 0. */
int signal_send_thread_locked(struct thread *th, int sig, const struct proc_siginfo *info)
	REQUIRES(&proc_lock);

/* Interrupt a thread for each of @p's pending process-directed signals
 * that one could take (after a mask change or a thread's exit). */
void signal_reroute_locked(struct proc *p) REQUIRES(&proc_lock);

/* Take pending @sig off @th's own set, else off its process's. */
struct proc_siginfo signal_dequeue_locked(struct thread *th, int sig) REQUIRES(&proc_lock);

/* Drop every pending @sig of @p (an action set to ignore it). */
void signal_discard_locked(struct proc *p, int sig) REQUIRES(&proc_lock);

/* Take pending @sig off @p and return its siginfo (the oldest queued one
 * for a real-time signal, whose bit stays while more are queued). */
struct proc_siginfo signal_take_locked(struct proc *p, int sig) REQUIRES(&proc_lock);
void signal_send(struct proc *p, int sig, const struct proc_siginfo *info);

/* Interrupt @th when it must act (a signal it does not block is pending
 * on it or its process, it is killed, the group is stopping), else clear
 * the mark. */
void signal_recalc_locked(struct thread *th) REQUIRES(&proc_lock);

/* Set the calling thread's mask (SIGKILL and SIGSTOP never blocked). */
void signal_set_mask(uint64_t mask);

/* The next signal whose handler must run on the way to user mode: true
 * with @d filled (the mask already updated to sa_mask | sig, SA_RESETHAND
 * applied; @d->old_mask is what the frame saves), false when none is left.
 * Carries out default actions itself: terminate and core never return,
 * stop sleeps until SIGCONT or SIGKILL. May sleep. */
struct signal_delivery {
	int sig;
	struct proc_sigaction act;
	struct proc_siginfo info;
	uint64_t old_mask;
};
bool signal_next(struct signal_delivery *d);

/* A signal the calling process cannot survive now (a frame that cannot
 * be built or restored): it dies with @sig. */
void signal_force_exit(int sig) __noreturn;

/* Whether the calling process has something to act on at the return to
 * user mode (a hint read without the lock). Inline: every system call
 * asks on its way out. */
static inline bool signal_work_pending(void)
{
	struct thread *th = thread_current();
	struct proc *p;

	if (!th)
		return false;
	p = th->proc;
	return READ_ONCE(th->killed) || READ_ONCE(p->stopped) ||
	       ((READ_ONCE(th->sigpending) | READ_ONCE(p->sigpending)) & ~READ_ONCE(th->sigmask));
}

/* sigaltstack's change of the calling process's alternate stack, with
 * the user stack pointer @sp: 0, -EPERM (running on it), -EINVAL (bad
 * flags), -ENOMEM (smaller than MINSIGSTKSZ). Also rt_sigreturn's
 * restore of uc_stack (errors ignored, as Linux). */
int signal_altstack_set(uint64_t sp, uint64_t ss_sp, int ss_flags, uint64_t ss_size);
bool signal_on_altstack(uint64_t sp);

/* kill(2)'s targets and rules: 0, -ESRCH, -EPERM, -EINVAL. */
long signal_kill(int pid, int sig);
/* tgkill/tkill (@tgid -1: tkill): to thread @tid alone. */
long signal_tgkill(int tgid, int tid, int sig);

/* The SIGCHLD (or clone exit signal) of child @c that changed: exited
 * or killed (@code CLD_*, @status), stopped or continued. Returns true
 * when the parent auto-reaps (SIG_IGN or SA_NOCLDWAIT on SIGCHLD). */
bool signal_notify_parent_locked(struct proc *c, int code, int status) REQUIRES(&proc_lock);

/* ITIMER_REAL: arm @p's timer to fire @value_ns from now (0: disarm),
 * then every @period_ns; returns the old remaining and period in *@old_*.
 * May sleep (starts the timer task the first time). */
void signal_set_alarm(uint64_t value_ns, uint64_t period_ns, uint64_t *old_value,
		      uint64_t *old_period);
void signal_get_alarm(uint64_t *value, uint64_t *period);

/* Block until a signal interrupts the caller (pause): -ERESTARTNOHAND. */
long signal_pause(void);
/* rt_sigsuspend with @mask. */
long signal_suspend(uint64_t mask);
/* rt_sigtimedwait: take a pending signal of @set (its siginfo in *@info)
 * within @timeout_ns (UINT64_MAX: forever). Returns the signal, -EAGAIN,
 * -EINTR. */
long signal_timedwait(uint64_t set, uint64_t timeout_ns, struct proc_siginfo *info);

/* Linux's siginfo_t (128 bytes) for @sig with @i: si_signo, si_errno,
 * si_code, then the union (si_pid/si_uid for kill, si_status too for
 * SIGCHLD, si_addr for faults). */
struct linux_siginfo {
	int32_t signo, errno_, code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;
		} kill;
		uint64_t addr;
		uint8_t raw[112];
	} u;
};
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t");
void signal_fill_siginfo(struct linux_siginfo *out, int sig, const struct proc_siginfo *i);

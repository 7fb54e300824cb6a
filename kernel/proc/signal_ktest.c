/*
 * In-kernel tests of proc/signal.c's sending rules on a process that was
 * never published, with one thread that has no task: standard signals do
 * not queue, ignored ones are dropped unless blocked, SIGCONT and the
 * stop signals cancel each other, SIGKILL marks the thread killed, a
 * thread-directed signal stays on its thread; and the siginfo layout
 * user mode reads (kill, SIGCHLD, faults).
 */
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc_internal.h"
#include "proc/signal.h"
#include "proc/thread.h"

static struct thread fake_thread;

/* A process with fake_thread (zeroed, no task) as its only thread. */
static struct proc *fake(void)
{
	struct proc *p = proc_alloc();

	KASSERT(p);
	memset(&fake_thread, 0, sizeof(fake_thread));
	fake_thread.proc = p;
	list_add_tail(&fake_thread.link, &p->threads);
	return p;
}

static void send(struct proc *p, int sig, const struct proc_siginfo *info)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	(void)signal_send_locked(p, sig, info);
	spin_unlock_irqrestore(&proc_lock, flags);
}

KTEST(signal_pending_rules)
{
	struct proc *p = fake();
	struct proc_siginfo a = { .code = SI_USER, .pid = 7 }, b = { .code = SI_USER, .pid = 8 };
	unsigned long flags;

	send(p, 10, &a);
	send(p, 10, &b); /* not queued: the first one's siginfo stays */
	KASSERT_EQ(p->sigpending, SIG_BIT(10));
	KASSERT_EQ(p->siginfo[9].pid, 7);
	send(p, PROC_SIGCHLD, NULL); /* default-ignored: dropped */
	send(p, 28, NULL);	     /* SIGWINCH */
	KASSERT_EQ(p->sigpending, SIG_BIT(10));
	fake_thread.sigmask = SIG_BIT(PROC_SIGCHLD); /* blocked: kept pending */
	send(p, PROC_SIGCHLD, NULL);
	KASSERT_EQ(p->sigpending, SIG_BIT(10) | SIG_BIT(PROC_SIGCHLD));
	KASSERT_EQ(p->siginfo[PROC_SIGCHLD - 1].code, SI_KERNEL);
	p->sigactions[11].handler = SIG_IGN_HANDLER; /* SIGUSR2 ignored */
	send(p, 12, NULL);
	KASSERT(!(p->sigpending & SIG_BIT(12)));
	fake_thread.sigmask = SIG_BIT(PROC_SIGCONT) | SIG_BIT(20);
	send(p, PROC_SIGCONT, NULL);
	KASSERT(p->sigpending & SIG_BIT(PROC_SIGCONT));
	send(p, 20, NULL); /* SIGTSTP cancels the pending SIGCONT */
	KASSERT(!(p->sigpending & SIG_BIT(PROC_SIGCONT)));
	KASSERT(p->sigpending & SIG_BIT(20));
	send(p, PROC_SIGCONT, NULL); /* and the reverse */
	KASSERT(!(p->sigpending & SIG_BIT(20)));
	KASSERT(!fake_thread.killed);
	flags = spin_lock_irqsave(&proc_lock);
	(void)signal_send_thread_locked(&fake_thread, 10, NULL); /* tgkill: its own */
	spin_unlock_irqrestore(&proc_lock, flags);
	KASSERT_EQ(fake_thread.sigpending, SIG_BIT(10));
	send(p, PROC_SIGKILL, NULL);
	KASSERT(fake_thread.killed);
	KASSERT(p->group_exiting);
	KASSERT_EQ(p->group_exit_status, PROC_SIGKILL);
	p->state = PROC_ZOMBIE;
	p->sigpending = 0;
	send(p, 10, NULL); /* a zombie takes nothing */
	KASSERT_EQ(p->sigpending, 0);
	kfree(p);
}

KTEST(signal_siginfo_layout)
{
	struct linux_siginfo si;
	struct proc_siginfo kill = { .code = SI_USER, .pid = 42, .uid = 0 };
	struct proc_siginfo chld = { .code = CLD_EXITED, .pid = 9, .status = 3 };
	struct proc_siginfo segv = { .code = SEGV_MAPERR, .addr = 0x1234 };
	const uint8_t *raw = (const uint8_t *)&si;
	int32_t v;
	uint64_t addr;

	signal_fill_siginfo(&si, 10, &kill);
	memcpy(&v, raw + 0, 4);
	KASSERT_EQ(v, 10); /* si_signo */
	memcpy(&v, raw + 8, 4);
	KASSERT_EQ(v, SI_USER); /* si_code */
	memcpy(&v, raw + 16, 4);
	KASSERT_EQ(v, 42); /* si_pid */
	signal_fill_siginfo(&si, PROC_SIGCHLD, &chld);
	memcpy(&v, raw + 24, 4);
	KASSERT_EQ(v, 3); /* si_status */
	signal_fill_siginfo(&si, PROC_SIGSEGV, &segv);
	memcpy(&addr, raw + 16, 8);
	KASSERT_EQ(addr, 0x1234); /* si_addr */
}

KTEST(signal_rt_queue)
{
	struct proc *p = fake();
	struct proc_siginfo info = { .code = SI_USER };
	unsigned long flags;
	int i;

	for (i = 0; i < PROC_RTQ_MAX; i++) {
		info.pid = i;
		flags = spin_lock_irqsave(&proc_lock);
		KASSERT_EQ(signal_send_locked(p, 40 + (i & 1), &info), 0);
		spin_unlock_irqrestore(&proc_lock, flags);
	}
	flags = spin_lock_irqsave(&proc_lock);
	KASSERT_EQ(signal_send_locked(p, 40, &info), -EAGAIN); /* full */
	KASSERT_EQ(signal_send_locked(p, 10, &info), 0);       /* standard ones still go */
	signal_discard_locked(p, 40);
	spin_unlock_irqrestore(&proc_lock, flags);
	KASSERT_EQ(p->rtq_len, PROC_RTQ_MAX / 2);
	KASSERT_EQ(p->sigpending, SIG_BIT(41) | SIG_BIT(10));
	for (i = 0; i < p->rtq_len; i++) {
		KASSERT_EQ(p->rtq_sig[i], 41);
		KASSERT_EQ(p->rtq_info[i].pid, 2 * i + 1); /* in sending order */
	}
	kfree(p);
}

/*
 * User threads (proc/thread.h): creation bookkeeping (tids from the pid
 * space, the PROC_THREAD_MAX cap), one thread's exit (robust list and
 * clear_child_tid through futex.c, then off the process; the last one
 * ends it through proc_finish), killing the others (exit_group, fatal
 * signals) and execve's de_thread, and set/get_robust_list. A thread that
 * is not the last detaches its task, which the scheduler frees once it is
 * off its stack; the last one's task is joined by the reap, as before.
 * Reference: Linux kernel/exit.c (do_exit, do_group_exit,
 * zap_other_threads), fs/exec.c de_thread, kernel/futex/syscalls.c
 * (set_robust_list, get_robust_list).
 * Locking: proc_lock for the lists, counts and tids; nr_threads_all too.
 */
#include "proc/thread.h"

#include "arch/arch.h"
#include "core/log.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
#include "proc/futex.h"
#include "proc/proc_internal.h"
#include "proc/signal.h"
#include "sched/task.h"

#define LOG_PREFIX "thread: "
#define ROBUST_HEAD_SIZE 24 /* struct robust_list_head */

static int nr_threads_all GUARDED_BY(&proc_lock);

struct thread *thread_alloc(void)
{
	struct thread *th = kzalloc(sizeof(*th));

	if (!th)
		return NULL;
	th->fpu = arch_fpu_alloc();
	if (!th->fpu) {
		kfree(th);
		return NULL;
	}
	list_init(&th->link);
	return th;
}

void thread_free(struct thread *th)
{
	if (!th)
		return;
	arch_fpu_free(th->fpu);
	kfree(th);
}

void thread_attach(struct thread *th)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	th->task = task_current();
	task_current()->thread = th;
	signal_recalc_locked(th);
	spin_unlock_irqrestore(&proc_lock, flags);
}

int thread_link_locked(struct proc *p, struct thread *th, int tid)
{
	spin_assert_held(&proc_lock);
	if (nr_threads_all >= PROC_THREAD_MAX)
		return -EAGAIN;
	th->proc = p;
	th->tid = tid;
	list_add_tail(&th->link, &p->threads);
	p->nr_threads++;
	nr_threads_all++;
	return 0;
}

void thread_unlink_all_locked(struct proc *p)
{
	spin_assert_held(&proc_lock);
	while (!list_empty(&p->threads)) {
		struct thread *th = list_first_entry(&p->threads, struct thread, link);

		list_del(&th->link);
		list_init(&th->link);
		p->nr_threads--;
		nr_threads_all--;
	}
}

void thread_unpublish(struct proc *p, struct thread *th)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	list_del(&th->link);
	list_init(&th->link);
	p->nr_threads--;
	nr_threads_all--;
	spin_unlock_irqrestore(&proc_lock, flags);
}

int thread_publish(struct proc *p, struct thread *th)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	int tid = -ERESTARTNOINTR;

	/* no new thread escapes an exit_group or an exec's de_thread */
	if (!p->group_exiting && !p->exec_thread)
		tid = proc_alloc_pid_locked();
	if (tid >= 0 && thread_link_locked(p, th, tid))
		tid = -EAGAIN;
	spin_unlock_irqrestore(&proc_lock, flags);
	return tid < 0 ? tid : 0;
}

void thread_kill_others_locked(struct proc *p, struct thread *except)
{
	struct thread *th;

	spin_assert_held(&proc_lock);
	list_for_each_entry (th, &p->threads, link) {
		if (th == except)
			continue;
		WRITE_ONCE(th->killed, true);
		if (th->task)
			task_interrupt(th->task);
	}
	proc_changed_locked(); /* a stopped thread's sleep looks at killed */
}

struct thread *thread_find_locked(int tid)
{
	struct proc *p;
	struct thread *th;

	spin_assert_held(&proc_lock);
	list_for_each_entry (p, &proc_all, link)
		list_for_each_entry (th, &p->threads, link)
			if (th->tid == tid)
				return th;
	return NULL;
}

int proc_thread_count(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	int n = p->nr_threads;

	spin_unlock_irqrestore(&proc_lock, flags);
	return n;
}

void proc_thread_exit(int status)
{
	struct thread *th = thread_current();
	struct proc *p = th->proc;
	struct task *t = task_current();
	unsigned long flags;
	bool last;

	futex_thread_release(th); /* while the mm is still there */
	/* Off the mm's page tables and the FPU area BEFORE this thread stops
	 * counting: once it has, an exec or the last thread may free them
	 * while this CPU still runs on them. */
	arch_context_set_user(&t->ctx, 0, NULL);
	flags = spin_lock_irqsave(&proc_lock);
	list_del(&th->link);
	p->nr_threads--;
	nr_threads_all--;
	last = p->nr_threads == 0;
	p->threads_ns += READ_ONCE(t->runtime_ns);
	if (last && p->group_exiting)
		status = p->group_exit_status;
	t->thread = NULL;
	if (!last)
		signal_reroute_locked(p); /* what this thread was to take */
	proc_changed_locked();		  /* an exec's de_thread waits for this */
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	thread_free(th);
	if (last)
		proc_finish(status);
	task_detach(t); /* freed once off its stack */
	task_exit(0);
}

int thread_make_sole(void)
{
	struct thread *th = thread_current();
	struct proc *p = th->proc;
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	bool killed = READ_ONCE(th->killed) || p->group_exiting || p->exec_thread;

	if (!killed && p->nr_threads > 1) {
		p->exec_thread = th;
		thread_kill_others_locked(p, th);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	if (killed)
		return -EINTR;
	proc_wake();
	for (;;) {
		uint64_t gen = READ_ONCE(proc_events);
		bool done;

		flags = spin_lock_irqsave(&proc_lock);
		killed = READ_ONCE(th->killed);
		done = p->nr_threads == 1;
		if (done || killed) {
			if (p->exec_thread == th)
				p->exec_thread = NULL;
			if (done && !killed)
				th->tid = p->pid; /* the leader now (Linux's de_thread) */
		}
		spin_unlock_irqrestore(&proc_lock, flags);
		if (done || killed)
			return killed ? -EINTR : 0;
		wait_event(&proc_child_wq, READ_ONCE(proc_events) != gen);
	}
}

long thread_set_robust_list(uptr_t head, size_t len)
{
	struct thread *th = thread_current();

	if (len != ROBUST_HEAD_SIZE)
		return -EINVAL;
	th->robust_list = head;
	th->robust_len = len;
	return 0;
}

long thread_get_robust_list(int tid, uptr_t head_ptr, uptr_t len_ptr)
{
	struct thread *th = thread_current();
	uint64_t head = th->robust_list.addr_, len = ROBUST_HEAD_SIZE;

	if (tid) {
		unsigned long flags = spin_lock_irqsave(&proc_lock);
		struct thread *t = thread_find_locked(tid);

		if (t)
			head = t->robust_list.addr_;
		spin_unlock_irqrestore(&proc_lock, flags);
		if (!t)
			return -ESRCH;
	}
	if (copy_to_user(len_ptr, &len, sizeof(len)))
		return -EFAULT;
	return copy_to_user(head_ptr, &head, sizeof(head)) ? -EFAULT : 0;
}

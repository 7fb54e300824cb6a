/*
 * User threads: a process (proc.h) has one or more, each a struct task
 * (sched/task.h) with the per-thread half of the user state here - its
 * tid, FPU area, signal mask, thread-directed pending signals, alternate
 * stack, clear_child_tid and robust-list head. Everything else (mm, fds,
 * cwd, sigactions, process-directed signals, ids, limits) is the
 * process's and shared. Threads are made by clone(CLONE_THREAD), end with
 * exit (60) one at a time or all at once (exit_group, a fatal signal,
 * execve); the process ends when its last thread does. doc/threads.md
 * has the model. Reference: clone(2), Linux kernel/fork.c,
 * kernel/exit.c, fs/exec.c de_thread().
 * Locking: proc_lock guards the thread lists, tids, pending sets and
 * masks (a thread writes its own mask under it, reads it freely); the
 * Owner fields are only the thread's own.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"
#include "include/list.h"
#include "mm/usercopy.h"
#include "proc/proc.h"
#include "sched/task.h"

struct task;

/*
 * User threads alive at once, all processes together (each process's
 * first thread included). A thread costs a 16 KiB kernel stack, its FPU
 * area and this struct (~2 KiB) plus its user stack; 512 keep a thread
 * bomb to ~12 MiB of kernel memory inside the smallest VM the tests
 * boot. clone past it is -EAGAIN, as Linux's threads-max / RLIMIT_NPROC.
 */
#define PROC_THREAD_MAX 512

struct thread {
	/* Immutable after creation: */
	struct proc *proc;
	/* Protected by proc_lock: */
	int tid;	       /* in the pid space; exec from a non-leader makes it the pid */
	struct task *task;     /* NULL until the thread's first step (thread_attach) */
	struct list_head link; /* proc->threads */
	uint64_t sigpending;   /* thread-directed (tgkill, faults): bit n-1 is signal n */
	struct proc_siginfo siginfo[PROC_NSIG]; /* of each (real-time ones do not queue here) */
	uint64_t sigwaiting;			/* rt_sigtimedwait's set while it waits */
	/* Written by the thread with proc_lock held, read by senders under it: */
	uint64_t sigmask;
	/* Atomic: */
	bool killed; /* must end: at its next return to user mode; its waits give up */
	/* Owner (the thread itself): */
	void *fpu;		/* its FPU area (arch_fpu_alloc) */
	uptr_t clear_child_tid; /* set_tid_address / CLONE_CHILD_CLEARTID */
	uptr_t robust_list;	/* set_robust_list's head (0: none) */
	size_t robust_len;	/* its size as given (must be 24) */
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	bool restore_sigmask; /* rt_sigsuspend: saved_sigmask comes back after delivery */
	uint64_t saved_sigmask;
};

/* The calling task's user thread, or NULL for a kernel task (or a thread
 * past its last step). */
static inline struct thread *thread_current(void)
{
	return task_current()->thread;
}

/* A zeroed thread with an initial FPU area, or NULL when memory runs
 * out. Free with thread_free until it is published. */
struct thread *thread_alloc(void);
void thread_free(struct thread *th);

/* The calling task becomes @th's (the new thread's first step): it is
 * signalled from now on. */
void thread_attach(struct thread *th);

/* clone(CLONE_THREAD)'s half in proc/: give @th a tid and add it to @p.
 * Returns 0, -EAGAIN (PROC_THREAD_MAX threads, or no free tid),
 * -ERESTARTNOINTR (the process is ending). */
int thread_publish(struct proc *p, struct thread *th) __must_check;

/* Undo thread_publish() for a thread whose task could not be made. */
void thread_unpublish(struct proc *p, struct thread *th);

/* exit (60): end the calling thread with @status (wait status encoding,
 * used when it is the last). clear_child_tid is zeroed and woken, the
 * robust list walked; the last thread ends the process. */
void proc_thread_exit(int status) __noreturn;

/* Mark every thread of @p but @except (NULL: all) killed and interrupt
 * them: they end at their next return to user mode. */
void thread_kill_others_locked(struct proc *p, struct thread *except) REQUIRES(&proc_lock);

/* The thread @tid of any process, or NULL. */
struct thread *thread_find_locked(int tid) REQUIRES(&proc_lock);

/* execve's de_thread: end every other thread of the calling process and
 * wait until they are gone; the caller becomes the leader (tid = pid).
 * Returns 0, or -EINTR... when the caller was killed meanwhile (then it
 * must not exec). May sleep. */
int thread_make_sole(void) __must_check;

/* Threads of @p alive now (for /proc/PID/status). */
int proc_thread_count(struct proc *p);

/* set_robust_list / get_robust_list (Linux's robust-futex ABI). */
long thread_set_robust_list(uptr_t head, size_t len);
long thread_get_robust_list(int tid, uptr_t head_ptr, uptr_t len_ptr);

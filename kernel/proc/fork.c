/*
 * fork, vfork and clone (proc.h's proc_clone). With CLONE_THREAD the
 * child is a new thread of the caller's process (proc/thread.h): same
 * mm, descriptors, cwd and handlers, the caller's mask, its own tid, TLS
 * (CLONE_SETTLS), stack and clear_child_tid - musl's pthread_create. The
 * process forms make a new process with a copy-on-write copy of the address space
 * (mm_dup, proc/mm.h), the same open files (fd_table_dup), cwd, umask,
 * signal actions and mask, and a thread that returns to user mode with
 * the parent's registers, FPU state and FS base and rax = 0.
 * vfork (and clone with CLONE_VM | CLONE_VFORK, musl's posix_spawn) is a
 * fork whose parent waits until the child execs or ends, as Linux's; the
 * memory is copied rather than shared, which a correct vfork child (one
 * that only execs or _exits) cannot tell. The sharing forms without
 * CLONE_THREAD (CLONE_VM alone, CLONE_FILES, CLONE_FS, CLONE_SIGHAND)
 * and namespaces are -ENOSYS, logged once, after Linux's -EINVAL checks.
 * References: clone(2), Linux kernel/fork.c
 * copy_process(), arch/x86/kernel/process.c copy_thread().
 * Locking: proc_lock inside proc_publish and for the vfork wait.
 */
#include "arch/arch.h"
#include "core/log.h"
#include "fs/fdtable.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "proc/mm.h"
#include "proc/proc_internal.h"
#include "proc/thread.h"
#include "sched/task.h"

#define LOG_PREFIX "proc: "

enum {
	CSIGNAL = 0xff,
	CLONE_VM = 0x100,
	CLONE_FS = 0x200,
	CLONE_FILES = 0x400,
	CLONE_SIGHAND = 0x800,
	CLONE_PTRACE = 0x2000,
	CLONE_VFORK = 0x4000,
	CLONE_THREAD = 0x10000,
	CLONE_NEWNS = 0x20000,
	CLONE_SYSVSEM = 0x40000, /* no System V semaphores here: nothing to share */
	CLONE_SETTLS = 0x80000,
	CLONE_PARENT_SETTID = 0x100000,
	CLONE_CHILD_CLEARTID = 0x200000,
	CLONE_DETACHED = 0x400000,
	CLONE_UNTRACED = 0x800000,
	CLONE_CHILD_SETTID = 0x1000000,
	CLONE_NEWUSER = 0x10000000,
};

/* What the process and thread forms take; the rest is namespaces and
 * the like. */
#define CLONE_SUPPORTED                                                                \
	(CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID |       \
	 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_UNTRACED | \
	 CLONE_PTRACE | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define CLONE_SHARING (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND)

/* The child's first steps, handed to its thread. */
struct fork_start {
	struct thread *thread;
	struct arch_user_regs regs;
	uint64_t fs_base;
	uintptr_t sp;
	uptr_t child_tid; /* CLONE_CHILD_SETTID */
};

static int child_main(void *arg)
{
	struct fork_start *s = arg;
	struct arch_user_regs regs = s->regs;
	struct proc *p = proc_current();
	struct arch_context *ctx = &task_current()->ctx;
	struct thread *th = s->thread;
	uintptr_t sp = s->sp;
	int pid = th->tid;

	thread_attach(th);
	arch_context_set_user(ctx, p->mm->root, th->fpu);
	arch_set_fs_base(ctx, s->fs_base);
	if (!uptr_is_null(s->child_tid) && copy_to_user(s->child_tid, &pid, sizeof(pid)))
		log_debug("pid %d: CLONE_CHILD_SETTID address not writable\n", pid);
	kfree(s);
	proc_user_return(); /* killed before it ever ran */
	arch_enter_user_regs(ctx, &regs, 0, sp);
}

/* Linux's refusals first, then what this kernel does not do yet. */
static long check_flags(unsigned long flags, uintptr_t tls)
{
	static bool logged;

	if ((flags & CLONE_FS) && (flags & (CLONE_NEWNS | CLONE_NEWUSER)))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & ~(unsigned long)CLONE_SUPPORTED) ||
	    (!(flags & CLONE_THREAD) && (flags & CLONE_SHARING) &&
	     (flags & CLONE_SHARING) != (flags & CLONE_VFORK ? CLONE_VM : 0))) {
		if (!atomic_exchange(&logged, true))
			log_warn(
				"clone flags %#lx: namespaces and sharing without CLONE_THREAD are not supported (-ENOSYS)\n",
				flags);
		return -ENOSYS;
	}
	if ((flags & CLONE_SETTLS) && tls >= USER_END)
		return -EPERM; /* as arch_prctl(ARCH_SET_FS) */
	return 0;
}

/* Copy the parent's state into child @c (not yet published), whose
 * thread is s->thread. */
static int copy_state(struct proc *parent, struct proc *c, struct fork_start *s)
{
	struct thread *self = thread_current(), *th = s->thread;

	memcpy(c->name, parent->name, sizeof(c->name));
	c->umask = parent->umask;
	c->rlimits_set = parent->rlimits_set;
	memcpy(c->rlimits, parent->rlimits, sizeof(c->rlimits));
	th->sigmask = self->sigmask;
	memcpy(c->sigactions, parent->sigactions, sizeof(c->sigactions));
	th->altstack_sp = self->altstack_sp; /* pending, timers: none (fork(2)) */
	th->altstack_size = self->altstack_size;
	th->altstack_flags = self->altstack_flags;
	proc_copy_cmdline(c, parent);
	c->cwd = parent->cwd;
	if (c->cwd.mnt)
		vfs_path_get(&c->cwd);
	c->fds = fd_table_dup(parent->fds);
	if (!c->fds)
		return -ENOMEM;
	arch_user_regs_save(&task_current()->ctx, &s->regs, th->fpu);
	s->fs_base = task_current()->ctx.fs_base;
	c->mm = mm_dup(parent->mm);
	return c->mm ? 0 : -ENOMEM;
}

/* vfork: wait until the child has exec'd or ended (or we are killed). */
static void wait_vfork_child(struct proc *c)
{
	for (;;) {
		uint64_t gen = READ_ONCE(proc_events);
		unsigned long flags = spin_lock_irqsave(&proc_lock);
		bool done = c->vfork_done;

		spin_unlock_irqrestore(&proc_lock, flags);
		if (done || proc_is_killed())
			return;
		wait_event(&proc_child_wq, READ_ONCE(proc_events) != gen);
	}
}

/* clone(CLONE_THREAD): a new thread of the calling process. */
static long clone_thread(unsigned long flags, uintptr_t newsp, uptr_t ptid, uptr_t ctid,
			 uintptr_t tls)
{
	struct proc *p = proc_current();
	struct thread *th = thread_alloc();
	struct fork_start *s = kzalloc(sizeof(*s));
	struct task *t;
	long err = th && s ? 0 : -ENOMEM;
	int tid;

	if (err)
		goto err_free;
	s->thread = th;
	arch_user_regs_save(&task_current()->ctx, &s->regs, th->fpu);
	s->fs_base = flags & CLONE_SETTLS ? tls : task_current()->ctx.fs_base;
	s->sp = newsp;
	if (flags & CLONE_CHILD_SETTID)
		s->child_tid = ctid;
	th->sigmask = thread_current()->sigmask; /* no alternate stack (Linux: CLONE_VM) */
	if (flags & CLONE_CHILD_CLEARTID)
		th->clear_child_tid = ctid;
	err = thread_publish(p, th);
	if (err)
		goto err_free;
	tid = th->tid;
	if ((flags & CLONE_PARENT_SETTID) && copy_to_user(ptid, &tid, sizeof(tid)))
		log_debug("tid %d: CLONE_PARENT_SETTID address not writable\n", tid);
	t = task_create_user(child_main, s, p->name, p);
	if (!t) {
		thread_unpublish(p, th);
		err = -ENOMEM;
		goto err_free;
	}
	return tid;
err_free:
	kfree(s);
	thread_free(th);
	return err;
}

long proc_clone(unsigned long flags, uintptr_t newsp, uptr_t ptid, uptr_t ctid, uintptr_t tls)
{
	struct proc *parent = proc_current(), *c;
	struct fork_start *s;
	struct thread *th;
	struct task *t;
	long err = check_flags(flags, tls);
	int pid;

	if (err)
		return err;
	if (flags & CLONE_THREAD)
		return clone_thread(flags, newsp, ptid, ctid, tls);
	c = proc_alloc();
	s = kzalloc(sizeof(*s));
	th = thread_alloc();
	if (s)
		s->thread = th;
	err = c && s && th ? copy_state(parent, c, s) : -ENOMEM;
	if (err)
		goto err_free;
	c->exit_signal = (int)(flags & CSIGNAL);
	c->vfork_done = !(flags & CLONE_VFORK); /* nobody waits for the others' exec */
	if (flags & CLONE_CHILD_CLEARTID)
		th->clear_child_tid = ctid;
	if (flags & CLONE_CHILD_SETTID)
		s->child_tid = ctid;
	if (flags & CLONE_SETTLS)
		s->fs_base = tls;
	s->sp = newsp;
	err = proc_publish(c, th, parent, false);
	if (err)
		goto err_free;
	pid = c->pid;
	if ((flags & CLONE_PARENT_SETTID) && copy_to_user(ptid, &pid, sizeof(pid)))
		log_debug("pid %d: CLONE_PARENT_SETTID address not writable\n", parent->pid);
	t = task_create_user(child_main, s, c->name, c);
	if (!t) {
		proc_unpublish(c);
		err = -ENOMEM;
		goto err_free;
	}
	/* its last thread's task is joined when the child is reaped */
	if (flags & CLONE_VFORK)
		wait_vfork_child(c); /* c stays ours to look at until we reap it */
	return pid;
err_free:
	kfree(s);
	thread_free(th);
	if (c)
		proc_free(c);
	return err;
}

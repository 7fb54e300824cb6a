/*
 * fork, vfork and clone's process forms (proc.h's proc_clone): the child
 * is a new process with a copy-on-write copy of the address space
 * (mm_dup, proc/mm.h), the same open files (fd_table_dup), cwd, umask,
 * signal actions and mask, and a thread that returns to user mode with
 * the parent's registers, FPU state and FS base and rax = 0.
 * vfork (and clone with CLONE_VM | CLONE_VFORK, musl's posix_spawn) is a
 * fork whose parent waits until the child execs or ends, as Linux's; the
 * memory is copied rather than shared, which a correct vfork child (one
 * that only execs or _exits) cannot tell. Thread flags (CLONE_THREAD,
 * CLONE_VM alone, CLONE_FILES, ...) are -ENOSYS, logged once, after
 * Linux's -EINVAL checks. References: clone(2), Linux kernel/fork.c
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
#include "sched/task.h"

#define LOG_PREFIX "proc: "

enum {
	CSIGNAL = 0xff,
	CLONE_VM = 0x100,
	CLONE_FS = 0x200,
	CLONE_SIGHAND = 0x800,
	CLONE_PTRACE = 0x2000,
	CLONE_VFORK = 0x4000,
	CLONE_THREAD = 0x10000,
	CLONE_NEWNS = 0x20000,
	CLONE_SETTLS = 0x80000,
	CLONE_PARENT_SETTID = 0x100000,
	CLONE_CHILD_CLEARTID = 0x200000,
	CLONE_DETACHED = 0x400000,
	CLONE_UNTRACED = 0x800000,
	CLONE_CHILD_SETTID = 0x1000000,
	CLONE_NEWUSER = 0x10000000,
};

/* What the process forms need; everything else is a thread or namespace
 * feature. */
#define CLONE_SUPPORTED                                                                \
	(CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID |       \
	 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_UNTRACED | \
	 CLONE_PTRACE)

/* The child's first steps, handed to its thread. */
struct fork_start {
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
	uintptr_t sp = s->sp;
	int pid = p->pid;

	proc_attach_task(p);
	arch_context_set_user(ctx, p->mm->root, p->fpu);
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
	    ((flags & CLONE_VM) && !(flags & CLONE_VFORK))) {
		if (!atomic_exchange(&logged, true))
			log_warn(
				"clone flags %#lx: threads and namespaces are not supported yet (-ENOSYS)\n",
				flags);
		return -ENOSYS;
	}
	if ((flags & CLONE_SETTLS) && tls >= USER_END)
		return -EPERM; /* as arch_prctl(ARCH_SET_FS) */
	return 0;
}

/* Copy the parent's state into child @c (not yet published). */
static int copy_state(struct proc *parent, struct proc *c, struct fork_start *s)
{
	memcpy(c->name, parent->name, sizeof(c->name));
	c->umask = parent->umask;
	c->rlimits_set = parent->rlimits_set;
	memcpy(c->rlimits, parent->rlimits, sizeof(c->rlimits));
	c->sigmask = parent->sigmask;
	memcpy(c->sigactions, parent->sigactions, sizeof(c->sigactions));
	c->altstack_sp = parent->altstack_sp; /* pending, timers: none (fork(2)) */
	c->altstack_size = parent->altstack_size;
	c->altstack_flags = parent->altstack_flags;
	proc_copy_cmdline(c, parent);
	c->cwd = parent->cwd;
	if (c->cwd.mnt)
		vfs_path_get(&c->cwd);
	c->fds = fd_table_dup(parent->fds);
	c->fpu = arch_fpu_alloc();
	if (!c->fds || !c->fpu)
		return -ENOMEM;
	arch_user_regs_save(&task_current()->ctx, &s->regs, c->fpu);
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

long proc_clone(unsigned long flags, uintptr_t newsp, uptr_t ptid, uptr_t ctid, uintptr_t tls)
{
	struct proc *parent = proc_current(), *c;
	struct fork_start *s;
	struct task *t;
	long err = check_flags(flags, tls);
	int pid;

	if (err)
		return err;
	c = proc_alloc();
	s = kzalloc(sizeof(*s));
	err = c && s ? copy_state(parent, c, s) : -ENOMEM;
	if (err)
		goto err_free;
	c->exit_signal = (int)(flags & CSIGNAL);
	c->vfork_done = !(flags & CLONE_VFORK); /* nobody waits for the others' exec */
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = ctid;
	if (flags & CLONE_CHILD_SETTID)
		s->child_tid = ctid;
	if (flags & CLONE_SETTLS)
		s->fs_base = tls;
	s->sp = newsp;
	err = proc_publish(c, parent, false);
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
	proc_set_thread(c, t); /* joined when the child is reaped */
	if (flags & CLONE_VFORK)
		wait_vfork_child(c); /* c stays ours to look at until we reap it */
	return pid;
err_free:
	kfree(s);
	if (c)
		proc_free(c);
	return err;
}

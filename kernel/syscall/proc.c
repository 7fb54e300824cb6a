/*
 * Process system calls: exit, fork/vfork/clone, execve, wait4, the id,
 * group and session calls, arch_prctl, set_tid_address and the
 * signal calls, which only store for now (no signal is ever delivered
 * yet). The process work is in proc/ (proc.h); these are the ABI side.
 * Locking: the fields touched are the calling process's own (Owner);
 * proc/ takes proc_lock for the tree.
 */
#include "proc/proc.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "sched/task.h"
#include "syscall/syscall_internal.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGKILL 9
#define SIGSTOP 19
#define SIGCHLD 17
#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000

long sys_exit_group(int code)
{
	proc_exit((code & 0xff) << 8);
}

long sys_getpid(void)
{
	return proc_current()->pid;
}

long sys_getppid(void)
{
	return proc_getppid();
}

long sys_clone(unsigned long flags, unsigned long newsp, uptr_t ptid, uptr_t ctid,
	       unsigned long tls)
{
	return proc_clone(flags, newsp, ptid, ctid, tls);
}

long sys_fork(void)
{
	return proc_clone(SIGCHLD, 0, uptr(0), uptr(0), 0);
}

long sys_vfork(void)
{
	return proc_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, uptr(0), uptr(0), 0);
}

long sys_execve(uptr_t path, uptr_t argv, uptr_t envp)
{
	return proc_execve(path, argv, envp);
}

long sys_wait4(int pid, uptr_t status, int options, uptr_t rusage)
{
	return proc_wait4(pid, status, options, rusage);
}

long sys_setpgid(int pid, int pgid)
{
	return proc_setpgid(pid, pgid);
}

long sys_getpgid(int pid)
{
	return proc_getpgid(pid);
}

long sys_setsid(void)
{
	return proc_setsid();
}

long sys_getsid(int pid)
{
	return proc_getsid(pid);
}

long sys_arch_prctl(int code, unsigned long addr)
{
	struct task *t = task_current();

	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_END)
			return -EPERM; /* as Linux: a non-canonical or kernel base */
		arch_set_fs_base(&t->ctx, addr);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(uptr(addr), &t->ctx.fs_base, sizeof(uint64_t));
	default:
		return -EINVAL;
	}
}

long sys_set_tid_address(uptr_t tidptr)
{
	struct proc *p = proc_current();

	p->clear_child_tid = tidptr; /* zeroed at exit */
	return p->pid;
}

long sys_rt_sigaction(int sig, uptr_t act, uptr_t oact, size_t sigsetsize)
{
	struct proc *p = proc_current();
	struct proc_sigaction k;

	if (sigsetsize != sizeof(uint64_t) || sig < 1 || sig > PROC_NSIG)
		return -EINVAL;
	if (!uptr_is_null(act) && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (!uptr_is_null(act) && copy_from_user(&k, act, sizeof(k)))
		return -EFAULT;
	if (!uptr_is_null(oact) &&
	    copy_to_user(oact, &p->sigactions[sig - 1], sizeof(p->sigactions[0])))
		return -EFAULT;
	if (!uptr_is_null(act))
		p->sigactions[sig - 1] = k;
	return 0;
}

long sys_rt_sigprocmask(int how, uptr_t set, uptr_t oset, size_t sigsetsize)
{
	struct proc *p = proc_current();
	const uint64_t unblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
	uint64_t old = p->sigmask, s;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (!uptr_is_null(set)) {
		if (copy_from_user(&s, set, sizeof(s)))
			return -EFAULT;
		if (how == SIG_BLOCK)
			p->sigmask |= s;
		else if (how == SIG_UNBLOCK)
			p->sigmask &= ~s;
		else if (how == SIG_SETMASK)
			p->sigmask = s;
		else
			return -EINVAL;
		p->sigmask &= ~unblockable;
	}
	if (!uptr_is_null(oset) && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

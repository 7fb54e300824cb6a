/*
 * Process system calls: exit (one thread) and exit_group, fork/vfork/
 * clone, execve, wait4, the id, group and session calls, arch_prctl,
 * set_tid_address, futex and the robust-list calls (the signal calls are
 * in signal.c).
 * The process work is in proc/ (proc.h); these are the ABI side.
 * Locking: the fields touched are the calling process's own (Owner);
 * proc/ takes proc_lock for the tree.
 */
#include "proc/proc.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "proc/futex.h"
#include "proc/thread.h"
#include "sched/task.h"
#include "syscall/syscall_internal.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define SIGCHLD 17
#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000

long sys_exit_group(int code)
{
	proc_exit((code & 0xff) << 8);
}

long sys_exit(int code)
{
	proc_thread_exit((code & 0xff) << 8);
}

long sys_getpid(void)
{
	return proc_current()->pid; /* the thread group's id */
}

long sys_gettid(void)
{
	return thread_current()->tid;
}

long sys_futex(uptr_t uaddr, int op, uint32_t val, uptr_t utime, uptr_t uaddr2, uint32_t val3)
{
	return futex_syscall(uaddr, op, val, utime, uaddr2, val3);
}

long sys_set_robust_list(uptr_t head, size_t len)
{
	return thread_set_robust_list(head, len);
}

long sys_get_robust_list(int pid, uptr_t head_ptr, uptr_t len_ptr)
{
	return thread_get_robust_list(pid, head_ptr, len_ptr);
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
	struct thread *th = thread_current();

	th->clear_child_tid = tidptr; /* zeroed and woken at exit */
	return th->tid;
}

/*
 * The system-call dispatcher (syscall/syscall.h): Linux numbers to sys_*
 * functions, arguments narrowed to the types the Linux prototypes give
 * (an int argument uses the low 32 bits of its register, as on Linux).
 * Locking: nosys_seen is a bitmap updated atomically.
 */
#include "syscall/syscall.h"

#include "core/log.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "proc/proc.h"
#include "sched/task.h"
#include "syscall/syscall_internal.h"

#define LOG_PREFIX "syscall: "

static uint64_t nosys_seen[NR_MAX / 64 + 1]; /* Atomic */

static long nosys(unsigned long nr)
{
	unsigned long slot = nr < NR_MAX ? nr : NR_MAX;
	uint64_t bit = 1ull << (slot % 64);
	struct proc *p = proc_current();

	if (!(atomic_fetch_or(&nosys_seen[slot / 64], bit) & bit))
		log_warn("pid %d (%s): unknown system call %lu: -ENOSYS%s\n", p ? p->pid : 0,
			 p ? p->name : "?", nr, nr >= NR_MAX ? " (and other large numbers)" : "");
	return -ENOSYS;
}

static long dispatch(unsigned long nr, const unsigned long a[6])
{
	switch (nr) {
	/* ---- files and descriptors (fs.c) ---- */
	case NR_read:
		return sys_read((int)a[0], uptr(a[1]), a[2]);
	case NR_write:
		return sys_write((int)a[0], uptr(a[1]), a[2]);
	case NR_open:
		return sys_openat(AT_FDCWD, uptr(a[0]), (int)a[1], (uint32_t)a[2]);
	case NR_openat:
		return sys_openat((int)a[0], uptr(a[1]), (int)a[2], (uint32_t)a[3]);
	case NR_close:
		return sys_close((int)a[0]);
	case NR_stat:
		return sys_newfstatat(AT_FDCWD, uptr(a[0]), uptr(a[1]), 0);
	case NR_lstat:
		return sys_newfstatat(AT_FDCWD, uptr(a[0]), uptr(a[1]), AT_SYMLINK_NOFOLLOW);
	case NR_fstat:
		return sys_fstat((int)a[0], uptr(a[1]));
	case NR_newfstatat:
		return sys_newfstatat((int)a[0], uptr(a[1]), uptr(a[2]), (int)a[3]);
	case NR_lseek:
		return sys_lseek((int)a[0], (int64_t)a[1], (int)a[2]);
	case NR_getdents64:
		return sys_getdents64((int)a[0], uptr(a[1]), a[2]);
	case NR_ioctl:
		return sys_ioctl((int)a[0], (unsigned int)a[1], a[2]);
	case NR_fcntl:
		return sys_fcntl((int)a[0], (int)a[1], a[2]);
	case NR_readv:
		return sys_readv((int)a[0], uptr(a[1]), (int)a[2]);
	case NR_writev:
		return sys_writev((int)a[0], uptr(a[1]), (int)a[2]);
	case NR_pread64:
		return sys_pread64((int)a[0], uptr(a[1]), a[2], (int64_t)a[3]);
	case NR_pwrite64:
		return sys_pwrite64((int)a[0], uptr(a[1]), a[2], (int64_t)a[3]);
	case NR_sendfile:
		return sys_sendfile((int)a[0], (int)a[1], uptr(a[2]), a[3]);
	case NR_creat:
		return sys_creat(uptr(a[0]), (uint32_t)a[1]);
	case NR_statx:
		return sys_statx((int)a[0], uptr(a[1]), (int)a[2], (unsigned int)a[3], uptr(a[4]));
	case NR_truncate:
		return sys_truncate(uptr(a[0]), (int64_t)a[1]);
	case NR_ftruncate:
		return sys_ftruncate((int)a[0], (int64_t)a[1]);
	case NR_fsync:
	case NR_fdatasync: /* no metadata-only write-back: the same */
		return sys_fsync((int)a[0]);
	case NR_sync:
		return sys_sync();
	case NR_statfs:
		return sys_statfs(uptr(a[0]), uptr(a[1]));
	case NR_fstatfs:
		return sys_fstatfs((int)a[0], uptr(a[1]));
	case NR_dup:
		return sys_dup((int)a[0]);
	case NR_dup2:
		return sys_dup2((int)a[0], (int)a[1]);
	case NR_dup3:
		return sys_dup3((int)a[0], (int)a[1], (int)a[2]);
	case NR_mkdir:
		return sys_mkdirat(AT_FDCWD, uptr(a[0]), (uint32_t)a[1]);
	case NR_mkdirat:
		return sys_mkdirat((int)a[0], uptr(a[1]), (uint32_t)a[2]);
	case NR_rmdir:
		return sys_unlinkat(AT_FDCWD, uptr(a[0]), 0x200 /* AT_REMOVEDIR */);
	case NR_unlink:
		return sys_unlinkat(AT_FDCWD, uptr(a[0]), 0);
	case NR_unlinkat:
		return sys_unlinkat((int)a[0], uptr(a[1]), (int)a[2]);
	case NR_rename:
		return sys_renameat2(AT_FDCWD, uptr(a[0]), AT_FDCWD, uptr(a[1]), 0);
	case NR_renameat:
		return sys_renameat2((int)a[0], uptr(a[1]), (int)a[2], uptr(a[3]), 0);
	case NR_renameat2:
		return sys_renameat2((int)a[0], uptr(a[1]), (int)a[2], uptr(a[3]),
				     (unsigned int)a[4]);
	case NR_link:
		return sys_linkat(AT_FDCWD, uptr(a[0]), AT_FDCWD, uptr(a[1]), 0);
	case NR_linkat:
		return sys_linkat((int)a[0], uptr(a[1]), (int)a[2], uptr(a[3]), (int)a[4]);
	case NR_symlink:
		return sys_symlinkat(uptr(a[0]), AT_FDCWD, uptr(a[1]));
	case NR_symlinkat:
		return sys_symlinkat(uptr(a[0]), (int)a[1], uptr(a[2]));
	case NR_readlink:
		return sys_readlinkat(AT_FDCWD, uptr(a[0]), uptr(a[1]), (int)a[2]);
	case NR_readlinkat:
		return sys_readlinkat((int)a[0], uptr(a[1]), uptr(a[2]), (int)a[3]);
	case NR_chdir:
		return sys_chdir(uptr(a[0]));
	case NR_fchdir:
		return sys_fchdir((int)a[0]);
	case NR_getcwd:
		return sys_getcwd(uptr(a[0]), a[1]);
	case NR_access:
		return sys_faccessat2(AT_FDCWD, uptr(a[0]), (int)a[1], 0);
	case NR_faccessat: /* no flags argument */
		return sys_faccessat2((int)a[0], uptr(a[1]), (int)a[2], 0);
	case NR_faccessat2:
		return sys_faccessat2((int)a[0], uptr(a[1]), (int)a[2], (int)a[3]);
	case NR_chmod:
		return sys_fchmodat(AT_FDCWD, uptr(a[0]), (uint32_t)a[1]);
	case NR_fchmodat:
		return sys_fchmodat((int)a[0], uptr(a[1]), (uint32_t)a[2]);
	case NR_fchmod:
		return sys_fchmod((int)a[0], (uint32_t)a[1]);
	case NR_chown:
		return sys_fchownat(AT_FDCWD, uptr(a[0]), (uint32_t)a[1], (uint32_t)a[2], 0);
	case NR_lchown:
		return sys_fchownat(AT_FDCWD, uptr(a[0]), (uint32_t)a[1], (uint32_t)a[2],
				    AT_SYMLINK_NOFOLLOW);
	case NR_fchownat:
		return sys_fchownat((int)a[0], uptr(a[1]), (uint32_t)a[2], (uint32_t)a[3],
				    (int)a[4]);
	case NR_fchown:
		return sys_fchown((int)a[0], (uint32_t)a[1], (uint32_t)a[2]);
	case NR_utimensat:
		return sys_utimensat((int)a[0], uptr(a[1]), uptr(a[2]), (int)a[3]);
	case NR_umask:
		return sys_umask((uint32_t)a[0]);

	/* ---- pipes, FIFOs, poll and select (pipe.c, poll.c) ---- */
	case NR_pipe:
		return sys_pipe2(uptr(a[0]), 0);
	case NR_pipe2:
		return sys_pipe2(uptr(a[0]), (int)a[1]);
	case NR_mknod:
		return sys_mknodat(AT_FDCWD, uptr(a[0]), (uint32_t)a[1], (unsigned int)a[2]);
	case NR_mknodat:
		return sys_mknodat((int)a[0], uptr(a[1]), (uint32_t)a[2], (unsigned int)a[3]);
	case NR_poll:
		return sys_poll(uptr(a[0]), (unsigned int)a[1], (int)a[2]);
	case NR_ppoll:
		return sys_ppoll(uptr(a[0]), (unsigned int)a[1], uptr(a[2]), uptr(a[3]), a[4]);
	case NR_select:
		return sys_select((int)a[0], uptr(a[1]), uptr(a[2]), uptr(a[3]), uptr(a[4]));
	case NR_pselect6:
		return sys_pselect6((int)a[0], uptr(a[1]), uptr(a[2]), uptr(a[3]), uptr(a[4]),
				    uptr(a[5]));

	/* ---- memory (mm.c) ---- */
	case NR_mmap:
		return sys_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4], (int64_t)a[5]);
	case NR_munmap:
		return sys_munmap(a[0], a[1]);
	case NR_brk:
		return sys_brk(a[0]);
	case NR_mprotect:
		return sys_mprotect(a[0], a[1], (int)a[2]);
	case NR_madvise:
		return sys_madvise(a[0], a[1], (int)a[2]);
	case NR_mremap:
		return sys_mremap(a[0], a[1], a[2], (int)a[3], a[4]);

	/* ---- processes: ids, fork, exec, wait, exit (proc.c) ---- */
	case NR_getpid:
		return sys_getpid();
	case NR_gettid:
		return sys_gettid();
	case NR_getppid:
		return sys_getppid();
	case NR_getuid:
	case NR_geteuid:
	case NR_getgid:
	case NR_getegid:
		return 0; /* everyone is root for now */
	case NR_arch_prctl:
		return sys_arch_prctl((int)a[0], a[1]);
	case NR_set_tid_address:
		return sys_set_tid_address(uptr(a[0]));
	case NR_exit:
		return sys_exit((int)a[0]);
	case NR_exit_group:
		return sys_exit_group((int)a[0]);
	case NR_futex:
		return sys_futex(uptr(a[0]), (int)a[1], (uint32_t)a[2], uptr(a[3]), uptr(a[4]),
				 (uint32_t)a[5]);
	case NR_set_robust_list:
		return sys_set_robust_list(uptr(a[0]), a[1]);
	case NR_get_robust_list:
		return sys_get_robust_list((int)a[0], uptr(a[1]), uptr(a[2]));
	case NR_clone:
		return sys_clone(a[0], a[1], uptr(a[2]), uptr(a[3]), a[4]);
	case NR_fork:
		return sys_fork();
	case NR_vfork:
		return sys_vfork();
	case NR_execve:
		return sys_execve(uptr(a[0]), uptr(a[1]), uptr(a[2]));
	case NR_wait4:
		return sys_wait4((int)a[0], uptr(a[1]), (int)a[2], uptr(a[3]));
	case NR_setpgid:
		return sys_setpgid((int)a[0], (int)a[1]);
	case NR_getpgid:
		return sys_getpgid((int)a[0]);
	case NR_getpgrp:
		return sys_getpgid(0);
	case NR_setsid:
		return sys_setsid();
	case NR_getsid:
		return sys_getsid((int)a[0]);

	/* ---- signals (signal.c; rt_sigreturn is the arch entry's) ---- */
	case NR_rt_sigaction:
		return sys_rt_sigaction((int)a[0], uptr(a[1]), uptr(a[2]), a[3]);
	case NR_rt_sigprocmask:
		return sys_rt_sigprocmask((int)a[0], uptr(a[1]), uptr(a[2]), a[3]);
	case NR_rt_sigpending:
		return sys_rt_sigpending(uptr(a[0]), a[1]);
	case NR_rt_sigsuspend:
		return sys_rt_sigsuspend(uptr(a[0]), a[1]);
	case NR_rt_sigtimedwait:
		return sys_rt_sigtimedwait(uptr(a[0]), uptr(a[1]), uptr(a[2]), a[3]);
	case NR_sigaltstack:
		return sys_sigaltstack(uptr(a[0]), uptr(a[1]));
	case NR_kill:
		return sys_kill((int)a[0], (int)a[1]);
	case NR_tkill:
		return sys_tkill((int)a[0], (int)a[1]);
	case NR_tgkill:
		return sys_tgkill((int)a[0], (int)a[1], (int)a[2]);
	case NR_pause:
		return sys_pause();
	case NR_alarm:
		return sys_alarm((unsigned int)a[0]);
	case NR_getitimer:
		return sys_getitimer((int)a[0], uptr(a[1]));
	case NR_setitimer:
		return sys_setitimer((int)a[0], uptr(a[1]), uptr(a[2]));

	/* ---- time and sleeping (time.c) ---- */
	case NR_clock_gettime:
		return sys_clock_gettime((int)a[0], uptr(a[1]));
	case NR_clock_getres:
		return sys_clock_getres((int)a[0], uptr(a[1]));
	case NR_gettimeofday:
		return sys_gettimeofday(uptr(a[0]), uptr(a[1]));
	case NR_time:
		return sys_time(uptr(a[0]));
	case NR_nanosleep:
		return sys_nanosleep(uptr(a[0]), uptr(a[1]));
	case NR_clock_nanosleep:
		return sys_clock_nanosleep((int)a[0], (int)a[1], uptr(a[2]), uptr(a[3]));

	/* ---- system information, limits, scheduling (info.c) ---- */
	case NR_sched_yield:
		task_yield();
		return 0;
	case NR_uname:
		return sys_uname(uptr(a[0]));
	case NR_getgroups:
		return sys_getgroups((int)a[0], uptr(a[1]));
	case NR_prlimit64:
		return sys_prlimit64((int)a[0], (unsigned int)a[1], uptr(a[2]), uptr(a[3]));
	case NR_getrlimit:
		return sys_getrlimit((unsigned int)a[0], uptr(a[1]));
	case NR_setrlimit:
		return sys_setrlimit((unsigned int)a[0], uptr(a[1]));
	case NR_getrusage:
		return sys_getrusage((int)a[0], uptr(a[1]));
	case NR_times:
		return sys_times(uptr(a[0]));
	case NR_sysinfo:
		return sys_sysinfo(uptr(a[0]));
	case NR_getrandom:
		return sys_getrandom(uptr(a[0]), a[1], (unsigned int)a[2]);
	case NR_getcpu:
		return sys_getcpu(uptr(a[0]), uptr(a[1]));
	case NR_sched_setaffinity:
		return sys_sched_setaffinity((int)a[0], (unsigned int)a[1], uptr(a[2]));
	case NR_sched_getaffinity:
		return sys_sched_getaffinity((int)a[0], (unsigned int)a[1], uptr(a[2]));
	case NR_reboot:
		return sys_reboot((int)a[0], (int)a[1], (int)a[2]);
	case NR_mount:
		return sys_mount(uptr(a[0]), uptr(a[1]), uptr(a[2]), a[3], uptr(a[4]));
	case NR_umount2:
		return sys_umount2(uptr(a[0]), (int)a[1]);
	case NR_syslog:
		return sys_syslog((int)a[0], uptr(a[1]), (int)a[2]);
	case NR_prctl:
		return sys_prctl((int)a[0], a[1]);
	case NR_rseq:
		return -ENOSYS; /* quietly: musl and glibc cope without it */

	default:
		return nosys(nr);
	}
}

long syscall_dispatch(unsigned long nr, const unsigned long a[6])
{
	long ret = dispatch(nr, a);

	if (READ_ONCE(task_current()->need_resched))
		task_yield(); /* a wake-up or the tick asked for the CPU */
	return ret;
}

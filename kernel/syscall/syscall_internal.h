/*
 * The sys_* functions table.c dispatches to, by family, and the Linux
 * system call numbers they answer (arch/x86/entry/syscalls/syscall_64.tbl).
 * Nothing outside syscall/ includes this.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/types.h"
#include "mm/usercopy.h"

enum {
	NR_read = 0,
	NR_write = 1,
	NR_open = 2,
	NR_close = 3,
	NR_stat = 4,
	NR_fstat = 5,
	NR_lstat = 6,
	NR_poll = 7,
	NR_lseek = 8,
	NR_mmap = 9,
	NR_mprotect = 10,
	NR_munmap = 11,
	NR_brk = 12,
	NR_rt_sigaction = 13,
	NR_rt_sigprocmask = 14,
	NR_rt_sigreturn = 15,
	NR_ioctl = 16,
	NR_pread64 = 17,
	NR_pwrite64 = 18,
	NR_readv = 19,
	NR_writev = 20,
	NR_access = 21,
	NR_pipe = 22,
	NR_select = 23,
	NR_sched_yield = 24,
	NR_mremap = 25,
	NR_msync = 26,
	NR_mincore = 27,
	NR_madvise = 28,
	NR_dup = 32,
	NR_dup2 = 33,
	NR_pause = 34,
	NR_nanosleep = 35,
	NR_getitimer = 36,
	NR_alarm = 37,
	NR_setitimer = 38,
	NR_getpid = 39,
	NR_sendfile = 40,
	NR_clone = 56,
	NR_fork = 57,
	NR_vfork = 58,
	NR_execve = 59,
	NR_exit = 60,
	NR_wait4 = 61,
	NR_kill = 62,
	NR_uname = 63,
	NR_fcntl = 72,
	NR_flock = 73,
	NR_fsync = 74,
	NR_fdatasync = 75,
	NR_truncate = 76,
	NR_ftruncate = 77,
	NR_getdents = 78,
	NR_getcwd = 79,
	NR_chdir = 80,
	NR_fchdir = 81,
	NR_rename = 82,
	NR_mkdir = 83,
	NR_rmdir = 84,
	NR_creat = 85,
	NR_link = 86,
	NR_unlink = 87,
	NR_symlink = 88,
	NR_readlink = 89,
	NR_chmod = 90,
	NR_fchmod = 91,
	NR_chown = 92,
	NR_fchown = 93,
	NR_lchown = 94,
	NR_umask = 95,
	NR_gettimeofday = 96,
	NR_getrlimit = 97,
	NR_getrusage = 98,
	NR_sysinfo = 99,
	NR_times = 100,
	NR_getuid = 102,
	NR_syslog = 103,
	NR_getgid = 104,
	NR_setuid = 105,
	NR_setgid = 106,
	NR_geteuid = 107,
	NR_getegid = 108,
	NR_setpgid = 109,
	NR_getppid = 110,
	NR_getpgrp = 111,
	NR_setsid = 112,
	NR_setreuid = 113,
	NR_setregid = 114,
	NR_getgroups = 115,
	NR_setgroups = 116,
	NR_setresuid = 117,
	NR_getresuid = 118,
	NR_setresgid = 119,
	NR_getresgid = 120,
	NR_getpgid = 121,
	NR_setfsuid = 122,
	NR_setfsgid = 123,
	NR_getsid = 124,
	NR_rt_sigpending = 127,
	NR_rt_sigtimedwait = 128,
	NR_rt_sigqueueinfo = 129,
	NR_rt_sigsuspend = 130,
	NR_sigaltstack = 131,
	NR_utime = 132,
	NR_mknod = 133,
	NR_statfs = 137,
	NR_fstatfs = 138,
	NR_getpriority = 140,
	NR_setpriority = 141,
	NR_prctl = 157,
	NR_arch_prctl = 158,
	NR_setrlimit = 160,
	NR_sync = 162,
	NR_reboot = 169,
	NR_mount = 165,
	NR_umount2 = 166,
	NR_sethostname = 170,
	NR_gettid = 186,
	NR_tkill = 200,
	NR_time = 201,
	NR_futex = 202,
	NR_sched_setaffinity = 203,
	NR_sched_getaffinity = 204,
	NR_getdents64 = 217,
	NR_set_tid_address = 218,
	NR_fadvise64 = 221,
	NR_clock_settime = 227,
	NR_clock_gettime = 228,
	NR_clock_getres = 229,
	NR_clock_nanosleep = 230,
	NR_exit_group = 231,
	NR_tgkill = 234,
	NR_utimes = 235,
	NR_waitid = 247,
	NR_openat = 257,
	NR_mkdirat = 258,
	NR_mknodat = 259,
	NR_fchownat = 260,
	NR_futimesat = 261,
	NR_newfstatat = 262,
	NR_unlinkat = 263,
	NR_renameat = 264,
	NR_linkat = 265,
	NR_symlinkat = 266,
	NR_readlinkat = 267,
	NR_fchmodat = 268,
	NR_faccessat = 269,
	NR_pselect6 = 270,
	NR_ppoll = 271,
	NR_unshare = 272,
	NR_set_robust_list = 273,
	NR_get_robust_list = 274,
	NR_utimensat = 280,
	NR_dup3 = 292,
	NR_pipe2 = 293,
	NR_prlimit64 = 302,
	NR_getcpu = 309,
	NR_renameat2 = 316,
	NR_getrandom = 318,
	NR_statx = 332,
	NR_rseq = 334,
	NR_clone3 = 435,
	NR_faccessat2 = 439,
	NR_MAX = 512, /* numbers the ENOSYS log remembers */
};

/* *at() conventions (Linux include/uapi/linux/fcntl.h). */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define AT_STATX_SYNC_TYPE 0x6000
#define SYS_PATH_MAX 4096 // PATH_MAX, with its NUL

/* fs.c */
long sys_read(int fd, uptr_t buf, size_t count);
long sys_write(int fd, uptr_t buf, size_t count);
long sys_readv(int fd, uptr_t iov, int iovcnt);
long sys_writev(int fd, uptr_t iov, int iovcnt);
long sys_openat(int dirfd, uptr_t path, int flags, uint32_t mode);
long sys_close(int fd);
long sys_lseek(int fd, int64_t off, int whence);
long sys_fstat(int fd, uptr_t st);
long sys_newfstatat(int dirfd, uptr_t path, uptr_t st, int flags);
long sys_getdents64(int fd, uptr_t buf, size_t count);
long sys_pread64(int fd, uptr_t buf, size_t count, int64_t off);
long sys_pwrite64(int fd, uptr_t buf, size_t count, int64_t off);
long sys_sendfile(int out_fd, int in_fd, uptr_t off, size_t count);
long sys_reboot(int magic1, int magic2, int cmd);

/* fs_mount.c: mount(2), umount2(2) and syslog(2). */
long sys_mount(uptr_t source, uptr_t target, uptr_t type, unsigned long flags, uptr_t data);
long sys_umount2(uptr_t target, int flags);
long sys_syslog(int type, uptr_t buf, int len);
long sys_creat(uptr_t path, uint32_t mode);
long sys_statx(int dirfd, uptr_t path, int flags, unsigned int mask, uptr_t buf);
long sys_truncate(uptr_t path, int64_t len);
long sys_ftruncate(int fd, int64_t len);
long sys_fsync(int fd);
long sys_sync(void);
long sys_statfs(uptr_t path, uptr_t buf);
long sys_fstatfs(int fd, uptr_t buf);
/* Helpers the files family shares (fs.c): the open file at @fd with a
 * reference, or NULL (-EBADF); a path copied in (kmalloc'd into *@out,
 * SYS_PATH_MAX bytes, kfree it; returns its length or -EFAULT,
 * -ENAMETOOLONG, -ENOMEM); the referenced start directory of an *at call
 * (the working directory for AT_FDCWD or an absolute path; -EBADF, and
 * -ENOTDIR for a non-directory unless @path is ""); and both at once,
 * "" being -ENOENT first unless @empty_ok (AT_EMPTY_PATH). */
struct file;
struct vfs_path;
struct file *sys_file(int fd);
long sys_get_path(uptr_t path, char **out);
long sys_at_start(int dirfd, const char *path, struct vfs_path *out);
long sys_at_path(int dirfd, uptr_t upath, bool empty_ok, char **path, struct vfs_path *start);

/* fs_fd.c */
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_ioctl(int fd, unsigned long cmd, unsigned long arg);
long sys_fcntl(int fd, int cmd, unsigned long arg);
/* Is @f a terminal (the console or a tty device)? */
bool sys_is_tty(struct file *f);

/* pipe.c, poll.c: pipes, FIFOs, poll and select */
long sys_pipe2(uptr_t fds, int flags);
long sys_mknodat(int dirfd, uptr_t path, uint32_t mode, unsigned int dev);
long sys_poll(uptr_t fds, unsigned int nfds, int timeout_ms);
long sys_ppoll(uptr_t fds, unsigned int nfds, uptr_t tsp, uptr_t sigmask, size_t sigsetsize);
long sys_select(int n, uptr_t in, uptr_t out, uptr_t ex, uptr_t tv);
long sys_pselect6(int n, uptr_t in, uptr_t out, uptr_t ex, uptr_t ts, uptr_t sig);

/* fs_path.c */
long sys_mkdirat(int dirfd, uptr_t path, uint32_t mode);
long sys_unlinkat(int dirfd, uptr_t path, int flags);
long sys_renameat2(int olddirfd, uptr_t oldpath, int newdirfd, uptr_t newpath, unsigned int flags);
long sys_linkat(int olddirfd, uptr_t oldpath, int newdirfd, uptr_t newpath, int flags);
long sys_symlinkat(uptr_t target, int newdirfd, uptr_t linkpath);
long sys_readlinkat(int dirfd, uptr_t path, uptr_t buf, int bufsiz);
long sys_chdir(uptr_t path);
long sys_fchdir(int fd);
long sys_getcwd(uptr_t buf, size_t size);
long sys_faccessat2(int dirfd, uptr_t path, int mode, int flags);
long sys_fchmodat(int dirfd, uptr_t path, uint32_t mode);
long sys_fchmod(int fd, uint32_t mode);
long sys_fchownat(int dirfd, uptr_t path, uint32_t uid, uint32_t gid, int flags);
long sys_fchown(int fd, uint32_t uid, uint32_t gid);
long sys_utimensat(int dirfd, uptr_t path, uptr_t times, int flags);
long sys_umask(uint32_t mask);

/* proc.c */
long sys_exit_group(int code);
long sys_exit(int code);
long sys_gettid(void);
long sys_futex(uptr_t uaddr, int op, uint32_t val, uptr_t utime, uptr_t uaddr2, uint32_t val3);
long sys_set_robust_list(uptr_t head, size_t len);
long sys_get_robust_list(int pid, uptr_t head_ptr, uptr_t len_ptr);
long sys_getpid(void);
long sys_getppid(void);
long sys_arch_prctl(int code, unsigned long addr);
long sys_set_tid_address(uptr_t tidptr);
long sys_clone(unsigned long flags, unsigned long newsp, uptr_t ptid, uptr_t ctid,
	       unsigned long tls);
long sys_fork(void);
long sys_vfork(void);
long sys_execve(uptr_t path, uptr_t argv, uptr_t envp);
long sys_wait4(int pid, uptr_t status, int options, uptr_t rusage);
long sys_setpgid(int pid, int pgid);
long sys_getpgid(int pid);
long sys_setsid(void);
long sys_getsid(int pid);

/* mm.c */
long sys_brk(unsigned long addr);
long sys_mmap(unsigned long addr, size_t len, int prot, int flags, int fd, int64_t off);
long sys_munmap(unsigned long addr, size_t len);
long sys_mprotect(unsigned long addr, size_t len, int prot);
long sys_madvise(unsigned long addr, size_t len, int advice);
long sys_mremap(unsigned long addr, size_t old_len, size_t new_len, int flags,
		unsigned long new_addr);

/* time.c */
long sys_clock_gettime(int clk, uptr_t tp);
long sys_clock_getres(int clk, uptr_t res);
long sys_gettimeofday(uptr_t tv, uptr_t tz);
long sys_time(uptr_t tloc);
long sys_nanosleep(uptr_t req, uptr_t rem);
long sys_clock_nanosleep(int clk, int flags, uptr_t req, uptr_t rem);

/* info.c */
long sys_uname(uptr_t buf);
long sys_getgroups(int size, uptr_t list);
long sys_prlimit64(int pid, unsigned int res, uptr_t new_rlim, uptr_t old_rlim);
long sys_getrlimit(unsigned int res, uptr_t rlim);
long sys_setrlimit(unsigned int res, uptr_t rlim);
long sys_getrusage(int who, uptr_t ru);
long sys_times(uptr_t buf);
long sys_sysinfo(uptr_t info);
long sys_getrandom(uptr_t buf, size_t count, unsigned int flags);
long sys_sched_getaffinity(int pid, unsigned int len, uptr_t mask);
long sys_sched_setaffinity(int pid, unsigned int len, uptr_t mask);
long sys_getcpu(uptr_t cpu, uptr_t node);
long sys_prctl(int option, unsigned long arg2);
/* The calling process's soft limit for RLIMIT_* @res (RLIM_INFINITY for
 * an unknown one). */
uint64_t sys_rlimit_cur(unsigned int res);

/* ---- signals (signal.c) ---- */
long sys_rt_sigaction(int sig, uptr_t act, uptr_t oact, size_t sigsetsize);
long sys_rt_sigprocmask(int how, uptr_t set, uptr_t oset, size_t sigsetsize);
long sys_rt_sigpending(uptr_t set, size_t sigsetsize);
long sys_rt_sigsuspend(uptr_t set, size_t sigsetsize);
long sys_rt_sigtimedwait(uptr_t set, uptr_t info, uptr_t ts, size_t sigsetsize);
long sys_sigaltstack(uptr_t ss, uptr_t oss);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_pause(void);
long sys_alarm(unsigned int seconds);
long sys_getitimer(int which, uptr_t value);
long sys_setitimer(int which, uptr_t new_value, uptr_t old_value);

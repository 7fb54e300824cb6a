/*
 * The sys_* functions table.c dispatches to, by family, and the Linux
 * system call numbers they answer (arch/x86/entry/syscalls/syscall_64.tbl).
 * Nothing outside syscall/ includes this.
 */
#pragma once

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
	NR_lseek = 8,
	NR_mmap = 9,
	NR_mprotect = 10,
	NR_munmap = 11,
	NR_brk = 12,
	NR_rt_sigaction = 13,
	NR_rt_sigprocmask = 14,
	NR_ioctl = 16,
	NR_readv = 19,
	NR_writev = 20,
	NR_sched_yield = 24,
	NR_fcntl = 72,
	NR_getpid = 39,
	NR_exit = 60,
	NR_uname = 63,
	NR_getuid = 102,
	NR_getgid = 104,
	NR_geteuid = 107,
	NR_getegid = 108,
	NR_getppid = 110,
	NR_arch_prctl = 158,
	NR_gettid = 186,
	NR_getdents64 = 217,
	NR_set_tid_address = 218,
	NR_clock_gettime = 228,
	NR_exit_group = 231,
	NR_openat = 257,
	NR_newfstatat = 262,
	NR_MAX = 512, /* numbers the ENOSYS log remembers */
};

/* *at() conventions (Linux include/uapi/linux/fcntl.h). */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH 0x1000

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
long sys_ioctl(int fd, unsigned long cmd, unsigned long arg);
long sys_fcntl(int fd, int cmd, unsigned long arg);

/* proc.c */
long sys_exit_group(int code);
long sys_getpid(void);
long sys_getppid(void);
long sys_uname(uptr_t buf);
long sys_arch_prctl(int code, unsigned long addr);
long sys_set_tid_address(uptr_t tidptr);
long sys_rt_sigaction(int sig, uptr_t act, uptr_t oact, size_t sigsetsize);
long sys_rt_sigprocmask(int how, uptr_t set, uptr_t oset, size_t sigsetsize);

/* mm.c */
long sys_brk(unsigned long addr);
long sys_mmap(unsigned long addr, size_t len, int prot, int flags, int fd, int64_t off);
long sys_munmap(unsigned long addr, size_t len);

/* time.c */
long sys_clock_gettime(int clk, uptr_t tp);

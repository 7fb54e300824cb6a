/*
 * usertests: bad pointers into every system call that takes one. Each
 * pointer argument is tried with NULL, a kernel text address
 * (0xffffffff80000000), the start of the kernel half (0xffff800000000000),
 * the first non-canonical address, an unmapped page, a PROT_NONE page, a
 * range straddling the end of an accessible mapping, and (for what the kernel writes) a read-only page:
 * each must give EFAULT, as on Linux, and the process carries on. A
 * misaligned but valid pointer must work. Each call runs in a child, so a
 * kernel that kills the caller instead is caught with the call's name.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ut.h"

#define PAGE 4096l

/* Argument placeholders, replaced before the call. */
enum {
	P_BAD = -1000001, /* the bad pointer under test */
	P_FD,		  /* a regular file, O_RDWR, 4 KiB of data */
	P_DIRFD,	  /* the scratch directory, O_RDONLY */
	P_PATH,		  /* the path of that file */
	P_NEW,		  /* a path that does not exist (in the scratch directory) */
	P_LINK,		  /* a symbolic link's path */
	P_BUF,		  /* a valid 8 KiB buffer */
	P_BADIOV,	  /* one iovec whose base is the bad pointer */
	P_GARBAGE,	  /* an executable file that is not a program */
	P_ARGV,		  /* a valid argv/envp: {"x", NULL} */
	P_TTY,		  /* fd of a terminal, when there is one */
	P_BADVEC,	  /* an argv/envp {"x", the bad pointer, NULL} */
};

/* How the kernel uses the pointer. */
enum {
	F_OUT = 1,   /* it writes there: also try a read-only page and a misaligned buffer */
	F_STR = 2,   /* a NUL-terminated string */
	F_SHORT = 4, /* straddling: a short count is fine (read/write) */
	F_EXEC = 8,  /* execve: ENOEXEC is also accepted (format checked first) */
	F_NULL = 16, /* NULL means "none" here: not an error */
	F_NONE = 32, /* returning 0 (nothing to write) is fine too */
};

struct call {
	const char *name;
	long nr;
	long args[6];
	int size; /* bytes the kernel touches at the pointer (straddle) */
	int flags;
};

#define IO64 64

static const struct call file_calls[] = {
	{ "read", SYS_read, { P_FD, P_BAD, IO64 }, IO64, F_OUT | F_SHORT },
	{ "write", SYS_write, { P_FD, P_BAD, IO64 }, IO64, F_SHORT },
	{ "pread64", SYS_pread64, { P_FD, P_BAD, IO64, 0 }, IO64, F_OUT | F_SHORT },
	{ "pwrite64", SYS_pwrite64, { P_FD, P_BAD, IO64, 0 }, IO64, F_SHORT },
	{ "readv iov", SYS_readv, { P_FD, P_BAD, 1 }, 16, 0 },
	{ "readv base", SYS_readv, { P_FD, P_BADIOV, 1 }, 16, F_SHORT },
	{ "writev iov", SYS_writev, { P_FD, P_BAD, 1 }, 16, 0 },
	{ "writev base", SYS_writev, { P_FD, P_BADIOV, 1 }, 16, F_SHORT },
	{ "open", SYS_open, { P_BAD, O_RDONLY }, 0, F_STR },
	{ "openat", SYS_openat, { AT_FDCWD, P_BAD, O_RDONLY }, 0, F_STR },
	{ "stat path", SYS_stat, { P_BAD, P_BUF }, 0, F_STR },
	{ "stat buf", SYS_stat, { P_PATH, P_BAD }, 144, F_OUT },
	{ "lstat path", SYS_lstat, { P_BAD, P_BUF }, 0, F_STR },
	{ "lstat buf", SYS_lstat, { P_PATH, P_BAD }, 144, F_OUT },
	{ "fstat", SYS_fstat, { P_FD, P_BAD }, 144, F_OUT },
	{ "newfstatat path", SYS_newfstatat, { AT_FDCWD, P_BAD, P_BUF, 0 }, 0, F_STR },
	{ "newfstatat buf", SYS_newfstatat, { AT_FDCWD, P_PATH, P_BAD, 0 }, 144, F_OUT },
	{ "statx path", SYS_statx, { AT_FDCWD, P_BAD, 0, 0xfff, P_BUF }, 0, F_STR },
	{ "statx buf", SYS_statx, { AT_FDCWD, P_PATH, 0, 0xfff, P_BAD }, 256, F_OUT },
	{ "getdents64", SYS_getdents64, { P_DIRFD, P_BAD, 4096 }, 4096, F_OUT | F_SHORT },
	{ "mkdir", SYS_mkdir, { P_BAD, 0755 }, 0, F_STR },
	{ "mkdirat", SYS_mkdirat, { AT_FDCWD, P_BAD, 0755 }, 0, F_STR },
	{ "rmdir", SYS_rmdir, { P_BAD }, 0, F_STR },
	{ "unlink", SYS_unlink, { P_BAD }, 0, F_STR },
	{ "unlinkat", SYS_unlinkat, { AT_FDCWD, P_BAD, 0 }, 0, F_STR },
	{ "rename old", SYS_rename, { P_BAD, P_NEW }, 0, F_STR },
	{ "rename new", SYS_rename, { P_PATH, P_BAD }, 0, F_STR },
	{ "renameat2 new", SYS_renameat2, { AT_FDCWD, P_PATH, AT_FDCWD, P_BAD, 0 }, 0, F_STR },
	{ "link old", SYS_link, { P_BAD, P_NEW }, 0, F_STR },
	{ "link new", SYS_link, { P_PATH, P_BAD }, 0, F_STR },
	{ "linkat new", SYS_linkat, { AT_FDCWD, P_PATH, AT_FDCWD, P_BAD, 0 }, 0, F_STR },
	{ "renameat old", SYS_renameat, { AT_FDCWD, P_BAD, AT_FDCWD, P_NEW }, 0, F_STR },
	{ "symlinkat path", SYS_symlinkat, { P_PATH, AT_FDCWD, P_BAD }, 0, F_STR },
	{ "creat", SYS_creat, { P_BAD, 0644 }, 0, F_STR },
	{ "symlink target", SYS_symlink, { P_BAD, P_NEW }, 0, F_STR },
	{ "symlink path", SYS_symlink, { P_PATH, P_BAD }, 0, F_STR },
	{ "readlink path", SYS_readlink, { P_BAD, P_BUF, 64 }, 0, F_STR },
	{ "readlink buf", SYS_readlink, { P_LINK, P_BAD, 64 }, 64, F_OUT | F_SHORT },
	{ "readlinkat buf", SYS_readlinkat, { AT_FDCWD, P_LINK, P_BAD, 64 }, 64, F_OUT | F_SHORT },
	{ "readlinkat path", SYS_readlinkat, { AT_FDCWD, P_BAD, P_BUF, 64 }, 0, F_STR },
	{ "chdir", SYS_chdir, { P_BAD }, 0, F_STR },
	{ "getcwd", SYS_getcwd, { P_BAD, 4096 }, 2, F_OUT },
	{ "access", SYS_access, { P_BAD, F_OK }, 0, F_STR },
	{ "faccessat", SYS_faccessat, { AT_FDCWD, P_BAD, F_OK, 0 }, 0, F_STR },
	{ "chmod", SYS_chmod, { P_BAD, 0644 }, 0, F_STR },
	{ "fchmodat", SYS_fchmodat, { AT_FDCWD, P_BAD, 0644 }, 0, F_STR },
	{ "faccessat2", SYS_faccessat2, { AT_FDCWD, P_BAD, F_OK, 0 }, 0, F_STR },
	{ "chown", SYS_chown, { P_BAD, 0, 0 }, 0, F_STR },
	{ "lchown", SYS_lchown, { P_BAD, 0, 0 }, 0, F_STR },
	{ "fchownat", SYS_fchownat, { AT_FDCWD, P_BAD, 0, 0, 0 }, 0, F_STR },
	{ "utimensat path", SYS_utimensat, { AT_FDCWD, P_BAD, 0, 0 }, 0, F_STR | F_NULL },
	{ "utimensat times", SYS_utimensat, { AT_FDCWD, P_PATH, P_BAD, 0 }, 32, F_NULL },
	{ "truncate", SYS_truncate, { P_BAD, 0 }, 0, F_STR },
	{ "statfs path", SYS_statfs, { P_BAD, P_BUF }, 0, F_STR },
	{ "statfs buf", SYS_statfs, { P_PATH, P_BAD }, 120, F_OUT },
	{ "fstatfs", SYS_fstatfs, { P_FD, P_BAD }, 120, F_OUT },
	{ "pipe", SYS_pipe, { P_BAD }, 8, F_OUT },
	{ "pipe2", SYS_pipe2, { P_BAD, 0 }, 8, F_OUT },
	{ "ioctl TCGETS", SYS_ioctl, { P_TTY, TCGETS, P_BAD }, 36, F_OUT },
	{ "ioctl TIOCGWINSZ", SYS_ioctl, { P_TTY, TIOCGWINSZ, P_BAD }, 8, F_OUT },
	{ NULL, 0, { 0 }, 0, 0 },
};

static const struct call proc_calls[] = {
	{ "execve path", SYS_execve, { P_BAD, P_ARGV, P_ARGV }, 0, F_STR },
	{ "execve argv", SYS_execve, { P_GARBAGE, P_BAD, P_ARGV }, 16, F_EXEC },
	{ "execve envp", SYS_execve, { P_GARBAGE, P_ARGV, P_BAD }, 16, F_EXEC },
	{ "execve argv[1]", SYS_execve, { P_GARBAGE, P_BADVEC, P_ARGV }, 0, F_EXEC | F_STR },
	{ "execve envp[1]", SYS_execve, { P_GARBAGE, P_ARGV, P_BADVEC }, 0, F_EXEC | F_STR },
	{ "getgroups", SYS_getgroups, { 64, P_BAD }, 4, F_OUT | F_NONE },
	{ "rt_sigaction act", SYS_rt_sigaction, { SIGUSR1, P_BAD, 0, 8 }, 32, F_NULL },
	{ "rt_sigaction old", SYS_rt_sigaction, { SIGUSR1, 0, P_BAD, 8 }, 32, F_OUT | F_NULL },
	{ "rt_sigprocmask set", SYS_rt_sigprocmask, { SIG_BLOCK, P_BAD, 0, 8 }, 8, F_NULL },
	{ "rt_sigprocmask old", SYS_rt_sigprocmask, { SIG_BLOCK, 0, P_BAD, 8 }, 8, F_OUT | F_NULL },
	{ "arch_prctl GET_FS", SYS_arch_prctl, { 0x1003, P_BAD }, 8, F_OUT },
	{ "uname", SYS_uname, { P_BAD }, 390, F_OUT },
	{ "getrlimit", SYS_getrlimit, { 7, P_BAD }, 16, F_OUT },
	{ "setrlimit", SYS_setrlimit, { 7, P_BAD }, 16, 0 },
	{ "prlimit64 new", SYS_prlimit64, { 0, 7, P_BAD, 0 }, 16, F_NULL },
	{ "prlimit64 old", SYS_prlimit64, { 0, 7, 0, P_BAD }, 16, F_OUT | F_NULL },
	{ "getrusage", SYS_getrusage, { 0, P_BAD }, 144, F_OUT },
	{ "times", SYS_times, { P_BAD }, 32, F_OUT | F_NULL },
	{ "sysinfo", SYS_sysinfo, { P_BAD }, 112, F_OUT },
	{ "getrandom", SYS_getrandom, { P_BAD, 16, 0 }, 16, F_OUT | F_SHORT },
	{ "sched_getaffinity", SYS_sched_getaffinity, { 0, 128, P_BAD }, 2, F_OUT },
	{ "clock_gettime", SYS_clock_gettime, { 0, P_BAD }, 16, F_OUT },
	{ "clock_getres", SYS_clock_getres, { 0, P_BAD }, 16, F_OUT | F_NULL },
	{ "gettimeofday", SYS_gettimeofday, { P_BAD, 0 }, 16, F_OUT | F_NULL },
	{ "time", SYS_time, { P_BAD }, 8, F_OUT | F_NULL },
	{ "nanosleep", SYS_nanosleep, { P_BAD, 0 }, 16, 0 },
	{ "clock_nanosleep", SYS_clock_nanosleep, { 0, 0, P_BAD, 0 }, 16, 0 },
	{ NULL, 0, { 0 }, 0, 0 },
};

/* rw_page, then gap_page (PROT_NONE), then ro_page (PROT_READ). */
static char *rw_page, *ro_page, *gap_page;
/* Far from anything either kernel maps (Corvid's and Linux's mmap are top-down near 2^47). */
#define UNMAPPED 0x7e0000000000ul
static const char *path_file, *path_new, *path_link, *path_garbage;
static int file_fd, dir_fd, tty_fd = -1;

static void setup(void)
{
	static char data[4096];

	rw_page = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(rw_page != MAP_FAILED);
	gap_page = rw_page + PAGE;
	ro_page = rw_page + 2 * PAGE;
	if (mprotect(gap_page, PAGE, PROT_NONE) < 0 || mprotect(ro_page, PAGE, PROT_READ) < 0) {
		ut_note("mprotect: %s: no PROT_NONE or read-only cases", ut_errname(errno));
		CHECK_OK(munmap(gap_page, 2 * PAGE)); /* straddling still runs into a hole */
		gap_page = ro_page = NULL;
	}
	memset(data, 'd', sizeof(data));
	path_file = ut_path("bp_file");
	path_new = ut_path("bp_new");
	path_link = ut_path("bp_link");
	path_garbage = ut_path("bp_garbage");
	CHECK(!ut_is_mapped(UNMAPPED));
	ut_write_file(path_file, data, sizeof(data), 0644);
	ut_write_file(path_garbage, "garbage\n", 8, 0755);
	unlink(path_link);
	if (symlink(path_file, path_link) < 0)
		ut_note("symlink: %s", ut_errname(errno));
	file_fd = CHECK_OK(open(path_file, O_RDWR));
	dir_fd = CHECK_OK(open(ut_path(""), O_RDONLY | O_DIRECTORY));
	for (int fd = 0; fd < 3 && tty_fd < 0; fd++)
		if (isatty(fd))
			tty_fd = fd;
}

static long arg(const struct call *c, int i, unsigned long bad)
{
	static char buf[8192];
	static struct iovec iov;
	static char *argv[] = { "x", NULL }, *badvec[] = { "x", NULL, NULL };

	switch (c->args[i]) {
	case P_BAD:
		return (long)bad;
	case P_FD:
		return file_fd;
	case P_DIRFD:
		return dir_fd;
	case P_PATH:
		return (long)path_file;
	case P_NEW:
		return (long)path_new;
	case P_LINK:
		return (long)path_link;
	case P_GARBAGE:
		return (long)path_garbage;
	case P_BUF:
		return (long)buf;
	case P_ARGV:
		return (long)argv;
	case P_BADVEC:
		badvec[1] = (char *)bad;
		return (long)badvec;
	case P_TTY:
		return tty_fd;
	case P_BADIOV:
		iov.iov_base = (void *)bad;
		iov.iov_len = 16;
		return (long)&iov;
	}
	return c->args[i];
}

static long call(const struct call *c, unsigned long bad)
{
	long a[6];

	for (int i = 0; i < 6; i++)
		a[i] = arg(c, i, bad);
	lseek(file_fd, 0, SEEK_SET);
	lseek(dir_fd, 0, SEEK_SET);
	errno = 0;
	return syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int bad_tail(const struct call *c, char *gap, unsigned long *p, const char **what, int n);

/* The bad pointers for @c: fills @p and @what; their count. */
static int bad_pointers(const struct call *c, unsigned long *p, const char **what)
{
	int n = 0;

	if (!(c->flags & F_NULL))
		p[n] = 0, what[n++] = "NULL";
	p[n] = 0xffffffff80000000ul, what[n++] = "kernel text";
	p[n] = 0xffff800000000000ul, what[n++] = "kernel half";
	p[n] = 0x0000800000000000ul, what[n++] = "non-canonical";
	p[n] = UNMAPPED, what[n++] = "unmapped";
	if (gap_page == NULL) { /* no mprotect: the hole after rw_page instead */
		p[n] = (unsigned long)(rw_page + PAGE), what[n++] = "unmapped (hole)";
		return bad_tail(c, rw_page + PAGE, p, what, n);
	}
	p[n] = (unsigned long)gap_page, what[n++] = "PROT_NONE";
	return bad_tail(c, gap_page, p, what, n);
}

/* The straddling and read-only cases, against @gap (not accessible). */
static int bad_tail(const struct call *c, char *gap, unsigned long *p, const char **what, int n)
{
	if (c->flags & F_STR) { /* a string running into the inaccessible page */
		memset(gap - 64, 'a', 64);
		p[n] = (unsigned long)(gap - 64), what[n++] = "straddling";
	} else if (c->size > 1) {
		p[n] = (unsigned long)(gap - c->size / 2), what[n++] = "straddling";
	}
	if ((c->flags & F_OUT) && ro_page)
		p[n] = (unsigned long)ro_page, what[n++] = "read-only";
	return n;
}

/* Every bad pointer into @c; the number of wrong answers. */
static int check_call(const struct call *c)
{
	unsigned long p[10];
	const char *what[10];
	int n = bad_pointers(c, p, what), wrong = 0;

	if (c->args[0] == P_TTY && tty_fd < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		long r = call(c, p[i]);
		int e = errno;

		if (r == -1 && e == ENOSYS) {
			ut_note("%s: not implemented (ENOSYS)", c->name);
			return 0;
		}
		if (r == -1 && e == EFAULT)
			continue;
		if ((c->flags & F_SHORT) && !strcmp(what[i], "straddling") && r >= 0 && r < c->size)
			continue;
		if ((c->flags & F_EXEC) && r == -1 && e == ENOEXEC)
			continue;
		if ((c->flags & F_NONE) && r == 0)
			continue;
		printf("  %s with a %s pointer: %ld (%s), want EFAULT\n", c->name, what[i], r,
		       r == -1 ? ut_errname(e) : "success");
		wrong++;
	}
	if ((c->flags & F_OUT) && !(c->flags & F_STR)) {
		long r = call(c, (unsigned long)(rw_page + 1)); /* misaligned but valid */

		if (r == -1 && errno == EFAULT) {
			printf("  %s with a misaligned valid pointer: EFAULT\n", c->name);
			wrong++;
		}
	}
	return wrong;
}

static void try_call(void *arg)
{
	_exit(check_call(arg));
}

static void run_table(const struct call *calls)
{
	int wrong = 0;

	setup();
	for (const struct call *c = calls; c->name; c++) {
		int st;

		if (ut_fork_missing) { /* a kernel without fork yet: in this process */
			wrong += check_call(c) > 0;
			continue;
		}
		st = ut_run_child(try_call, (void *)c);
		if (WIFSIGNALED(st)) {
			printf("  %s: the caller was killed by signal %d\n", c->name, WTERMSIG(st));
			wrong++;
		} else if (WEXITSTATUS(st)) {
			wrong++;
		}
	}
	unlink(path_link);
	unlink(path_new);
	unlink(path_file);
	unlink(path_garbage);
	if (wrong)
		FAIL("%d calls did not answer EFAULT", wrong);
}

static void badptr_files(void)
{
	run_table(file_calls);
}

static void badptr_proc(void)
{
	run_table(proc_calls);
}

/* wait4 with a bad status or rusage pointer, for a child that has exited. */
static void badptr_wait(void)
{
	static const unsigned long bad[] = { 0xffffffff80000000ul, 0xffff800000000000ul, 4096 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int arg = 1; arg <= 3; arg += 2) {
			pid_t pid = CHECK_OK(fork());
			long r;

			if (pid == 0)
				_exit(0);
			while ((r = syscall(SYS_wait4, pid, arg == 1 ? bad[i] : 0, WNOHANG,
					    arg == 3 ? bad[i] : 0)) == 0)
				ut_sleep_ms(1);
			if (r != -1 || errno != EFAULT)
				FAIL("wait4 with a bad %s pointer %#lx: %ld (%s)",
				     arg == 1 ? "status" : "rusage", bad[i], r, ut_errname(errno));
			waitpid(pid, NULL, WNOHANG); /* reaped or not, per kernel */
		}
	}
}

/* The child's clear_child_tid (set_tid_address) is bad: the kernel's write at exit must
 * fail quietly (Linux ignores it) and the exit status arrive. */
static void badptr_exit_tid(void)
{
	static const unsigned long bad[] = { 0xffffffff80000000ul, 0xffff800000000000ul,
					     0x0000800000000000ul, UNMAPPED, 1 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int st;
		pid_t pid = CHECK_OK(fork());

		if (pid == 0) {
			syscall(SYS_set_tid_address, bad[i]);
			_exit(33);
		}
		CHECK(waitpid(pid, &st, 0) == pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 33)
			FAIL("clear_child_tid %#lx: wait status %#x", bad[i], st);
	}
}

const struct ut_test ut_badptr_tests[] = {
	{ "badptr_files", badptr_files, 0 },
	{ "badptr_proc", badptr_proc, 0 },
	{ "badptr_wait", badptr_wait, 0 },
	{ "badptr_exit_tid", badptr_exit_tid, 0 },
	{ NULL, NULL, 0 },
};

/*
 * usertests: Corvid's user-mode test suite, in the spirit of xv6's
 * usertests (not a copy): bad pointers into every system call that takes
 * one, fork until the process cap, memory exhaustion, exec of bad files
 * and huge argument lists, wait statuses, file and directory operations,
 * mmap/mprotect/copy-on-write and brk. It runs unchanged on the host's
 * Linux, which is the oracle: every expected errno is what Linux gives.
 *
 * Usage: usertests [NAME...]  (NAMEs: run only tests whose names
 * start with one). Prints "test NAME: OK" per test, then "ALL TESTS
 * PASSED" (exit 0) or the failed tests' names (exit 1). Each test runs in
 * a child process, so a crash is a failure, not the end of the run. It
 * works in a scratch directory, $TMPDIR/usertests.PID (or /tmp/...),
 * which it removes at the end.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ut.h"

const char *ut_name, *ut_self;
int ut_on_corvid;
static char scratch[256];
int ut_fork_missing; /* no fork(): tests run in this process */
static jmp_buf in_process_fail;

void ut_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("test %s: FAILED: %s:%d: ", ut_name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ut_fork_missing)
		longjmp(in_process_fail, 1);
	_exit(1);
}

void ut_note(const char *fmt, ...)
{
	va_list ap;

	printf("  note %s: ", ut_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

const char *ut_errname(int err)
{
	static char buf[4][16];
	static int i;
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ 0, "no error" },
		{ EPERM, "EPERM" },
		{ ENOENT, "ENOENT" },
		{ ESRCH, "ESRCH" },
		{ EINTR, "EINTR" },
		{ EIO, "EIO" },
		{ E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" },
		{ EBADF, "EBADF" },
		{ ECHILD, "ECHILD" },
		{ EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" },
		{ EFAULT, "EFAULT" },
		{ EEXIST, "EEXIST" },
		{ ENOTDIR, "ENOTDIR" },
		{ EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" },
		{ EMFILE, "EMFILE" },
		{ ENOTTY, "ENOTTY" },
		{ EFBIG, "EFBIG" },
		{ ENOSPC, "ENOSPC" },
		{ ESPIPE, "ESPIPE" },
		{ ERANGE, "ERANGE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" },
		{ ENOTEMPTY, "ENOTEMPTY" },
		{ EXDEV, "EXDEV" },
		{ EBUSY, "EBUSY" },
		{ ENODEV, "ENODEV" },
		{ EOVERFLOW, "EOVERFLOW" },
	};

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (names[k].err == err)
			return names[k].name;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "errno %d", err);
	return buf[i];
}

long ut_check_ok(long ret, const char *what, const char *file, int line)
{
	if (ret == -1)
		ut_fail(file, line, "%s failed: %s", what, ut_errname(errno));
	return ret;
}

const char *ut_path(const char *name)
{
	char buf[512];
	char *p;

	snprintf(buf, sizeof(buf), "%s/%s", scratch, name);
	p = strdup(buf); /* freed when the test's process ends */
	if (!p)
		FAIL("out of memory");
	return p;
}

void ut_write_file(const char *path, const void *data, size_t len, int mode)
{
	int fd = CHECK_OK(open(path, O_WRONLY | O_CREAT | O_TRUNC, mode));

	if (write(fd, data, len) != (ssize_t)len)
		FAIL("write %s: %s", path, ut_errname(errno));
	CHECK_OK(close(fd));
}

int ut_is_mapped(unsigned long addr)
{
	void *p = mmap((void *)addr, 4096, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return errno == EEXIST;
	munmap(p, 4096);
	return p != (void *)addr; /* an old kernel took it as a hint: unknown, say mapped */
}

int ut_run_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = CHECK_OK(fork());

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		FAIL("waitpid %d: %s", pid, ut_errname(errno));
	return status;
}

void ut_expect_signal(void (*fn)(void *), void *arg, int sig, const char *what)
{
	int st = ut_run_child(fn, arg);

	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		FAIL("%s: wait status %#x, want death by signal %d", what, st, sig);
}

uint64_t ut_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void ut_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (nanosleep(&ts, NULL) < 0 && errno == ENOSYS)
		for (int i = 0; i < ms * 10; i++)
			sched_yield();
}

/* Runs one test; 1 if it passed. */
static int run(const struct ut_test *t)
{
	int status;
	pid_t pid;

	ut_name = t->name;
	fflush(stdout);
	pid = ut_fork_missing ? -1 : fork();
	if (pid < 0) {
		if (!ut_fork_missing) {
			printf("test %s: FAILED: fork: %s\n", t->name, ut_errname(errno));
			return 0;
		}
		if (setjmp(in_process_fail))
			return 0;
		t->fn();
		printf("test %s: OK\n", t->name);
		return 1;
	}
	if (pid == 0) {
		t->fn();
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("test %s: FAILED: waitpid: %s\n", t->name, ut_errname(errno));
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("test %s: OK\n", t->name);
		return 1;
	}
	if (WIFSIGNALED(status))
		printf("test %s: FAILED: killed by signal %d\n", t->name, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 1)
		printf("test %s: FAILED: exit status %d\n", t->name, WEXITSTATUS(status));
	return 0;
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc == 0)
		return 1;
	for (int i = 0; i < argc; i++)
		if (!strncmp(name, argv[i], strlen(argv[i])))
			return 1;
	return 0;
}

/* Removes @path and, if it is a directory, everything under it. */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[1024];

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
		rewinddir(d); /* the directory changed under the stream */
	}
	closedir(d);
	rmdir(path);
}

/* A fresh scratch directory under $TMPDIR or /tmp; main removes it at the end. */
static void make_scratch(void)
{
	const char *base = getenv("TMPDIR");
	struct utsname u;

	if (uname(&u) == 0)
		ut_on_corvid = !strcmp(u.sysname, "Corvid");
	snprintf(scratch, sizeof(scratch), "%s/usertests.%d", base ? base : "/tmp", (int)getpid());
	if (mkdir(scratch, 0755) < 0 && errno != EEXIST)
		printf("usertests: mkdir %s: %s\n", scratch, ut_errname(errno));
}

int main(int argc, char **argv)
{
	static const struct ut_test *const tables[] = { ut_badptr_tests, ut_proc_tests,
							ut_exec_tests,	 ut_file_tests,
							ut_mem_tests,	 ut_signal_tests,
							ut_pipe_tests,	 ut_thread_tests };
	const char *failed[256];
	int nfailed = 0, npassed = 0;

	ut_self = argv[0];
	if (argc > 2 && !strcmp(argv[1], "--child"))
		return ut_exec_child(argc - 2, argv + 2);
	make_scratch();
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			printf("usertests: fork: %s: tests run in one process\n",
			       ut_errname(errno));
			ut_fork_missing = 1;
		} else
			waitpid(pid, NULL, 0);
	}
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
		for (const struct ut_test *t = tables[k]; t->name; t++) {
			if (!selected(t->name, argc - 1, argv + 1))
				continue;
			if ((t->flags & UT_CORVID_ONLY) && !ut_on_corvid) {
				printf("test %s: skipped (Corvid only)\n", t->name);
				continue;
			}
			if (run(t))
				npassed++;
			else if (nfailed < 256)
				failed[nfailed++] = t->name;
		}
	remove_tree(scratch); /* with what failed tests left behind */
	if (!nfailed) {
		printf("ALL TESTS PASSED (%d)\n", npassed);
		return 0;
	}
	printf("%d TESTS FAILED:", nfailed);
	for (int i = 0; i < nfailed; i++)
		printf(" %s", failed[i]);
	printf("\n");
	return 1;
}

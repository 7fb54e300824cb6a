/*
 * usertests: processes. fork until the process cap, a fork bomb, wait
 * statuses (exit codes, deaths by SIGSEGV/SIGILL/SIGFPE, WNOHANG, ECHILD),
 * orphans. Linux man pages fork(2), wait4(2). execve is in exec.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"

extern char **environ;

static void exit_with(void *code)
{
	_exit((int)(intptr_t)code);
}

static void exit_codes(void)
{
	static const int codes[] = { 0, 1, 42, 127, 255, 256, 257 };

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		int st = ut_run_child(exit_with, (void *)(intptr_t)codes[i]);

		if (!WIFEXITED(st) || WEXITSTATUS(st) != (codes[i] & 0xff))
			FAIL("exit(%d): status %#x", codes[i], st);
	}
}

static volatile int zero;

static void do_null(void *arg)
{
	(void)arg;
	*(volatile int *)(uintptr_t)zero = 1;
}

static void do_kernel_write(void *arg)
{
	(void)arg;
	*(volatile long *)0xffffffff80000000ul = 1;
}

static void do_ud2(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

static void do_div0(void *arg)
{
	(void)arg;
	__asm__ volatile("xorl %%edx, %%edx; divl %0" : : "r"(zero), "a"(1) : "edx");
}

static void do_abort_stack(void *arg)
{
	(void)arg;
	/* Far below the 8 MiB stack: no VMA, not stack growth. */
	volatile char *p = (char *)__builtin_frame_address(0) - (64ul << 20);
	*p = 1;
}

static void fault_signals(void)
{
	ut_expect_signal(do_null, NULL, SIGSEGV, "NULL write");
	ut_expect_signal(do_kernel_write, NULL, SIGSEGV, "kernel write");
	ut_expect_signal(do_ud2, NULL, SIGILL, "ud2");
	ut_expect_signal(do_div0, NULL, SIGFPE, "divide by zero");
	ut_expect_signal(do_abort_stack, NULL, SIGSEGV, "below the stack");
}

static void wait_errors(void)
{
	int st;

	CHECK_ERR(wait4(-1, &st, 0, NULL), ECHILD);
	CHECK_ERR(wait4(-1, &st, WNOHANG, NULL), ECHILD);
	CHECK_ERR(wait4(1, &st, 0, NULL), ECHILD);	     /* not our child */
	CHECK_ERR(wait4(-1, &st, 0x01000000, NULL), EINVAL); /* WNOWAIT: waitid's only */
}

/* WNOHANG sees a running child as 0, then its status once it exits. */
static void wait_nohang(void)
{
	const char *flag = ut_path("nohang.flag");
	pid_t pid;
	int st, got = 0;

	unlink(flag);
	pid = CHECK_OK(fork());
	if (pid == 0) {
		for (uint64_t t0 = ut_now_ms();
		     ut_now_ms() - t0 < UT_DEADLINE_MS && access(flag, F_OK) != 0;)
			ut_sleep_ms(1);
		_exit(7);
	}
	CHECK(wait4(pid, &st, WNOHANG, NULL) == 0);
	ut_write_file(flag, "", 0, 0644);
	for (uint64_t t0 = ut_now_ms(); ut_now_ms() - t0 < UT_DEADLINE_MS && got == 0;) {
		got = wait4(pid, &st, WNOHANG, NULL);
		if (got == 0)
			ut_sleep_ms(1);
	}
	unlink(flag);
	CHECK(got == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

/* wait4(-1) returns each of several children once, with its own status. */
static void wait_many(void)
{
	enum { N = 20 };
	pid_t pids[N];
	int seen[N] = { 0 };

	for (int i = 0; i < N; i++) {
		pids[i] = CHECK_OK(fork());
		if (pids[i] == 0)
			_exit(i + 1);
	}
	for (int n = 0; n < N; n++) {
		int st, i;
		pid_t got = CHECK_OK(wait4(-1, &st, 0, NULL));

		for (i = 0; i < N && pids[i] != got; i++)
			;
		CHECK(i < N && !seen[i]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == i + 1);
		seen[i] = 1;
	}
	CHECK_ERR(wait4(-1, NULL, 0, NULL), ECHILD);
}

/* A child whose parent exits is re-parented (to PID 1 on Corvid). */
static void orphans(void)
{
	const char *out = ut_path("orphan.out");
	pid_t pid;
	char buf[32] = "";
	int fd = -1, st;

	unlink(out);
	pid = CHECK_OK(fork());
	if (pid == 0) {
		pid_t mid = getpid();

		if (CHECK_OK(fork()) == 0) {
			for (uint64_t t0 = ut_now_ms();
			     ut_now_ms() - t0 < UT_DEADLINE_MS && getppid() == mid;)
				ut_sleep_ms(1);
			snprintf(buf, sizeof(buf), "%d", (int)getppid());
			ut_write_file(ut_path("orphan.tmp"), buf, strlen(buf), 0644);
			rename(ut_path("orphan.tmp"), out);
			_exit(0);
		}
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	for (uint64_t t0 = ut_now_ms();
	     ut_now_ms() - t0 < UT_DEADLINE_MS && (fd = open(out, O_RDONLY)) < 0;)
		ut_sleep_ms(1);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	unlink(out);
	if (atoi(buf) == pid)
		FAIL("orphan's parent is still %s", buf);
	/* Corvid without a PID 1 (run from the kernel shell) re-parents to its reaper: 0. */
	if (ut_on_corvid && atoi(buf) != (getsid(1) >= 0 ? 1 : 0)) /* is there a PID 1? */
		FAIL("orphan's parent is %s, want %d", buf, getsid(1) >= 0 ? 1 : 0);
}

/* Fork until the cap: EAGAIN on Corvid; bounded on Linux. Then reap all. */
static void fork_cap(void)
{
	enum { HOST_BOUND = 300, CORVID_BOUND = 20000 };
	int n = 0, bound = ut_on_corvid ? CORVID_BOUND : HOST_BOUND;
	struct rlimit rl = { HOST_BOUND, HOST_BOUND };
	pid_t pid;

	if (!ut_on_corvid) /* keeps the host safe; root ignores it: the bound does that */
		setrlimit(RLIMIT_NPROC, &rl);
	for (; n < bound; n++) {
		pid = fork();
		if (pid == 0)
			_exit(0); /* a zombie holds its slot until reaped */
		if (pid < 0)
			break;
	}
	if (n == bound && ut_on_corvid)
		FAIL("%d forks and no EAGAIN", n);
	if (n < bound && errno != EAGAIN)
		FAIL("fork %d: %s, want EAGAIN", n, ut_errname(errno));
	if (n < 2 && ut_on_corvid) /* Linux: the user's other processes count against 300 */
		FAIL("only %d forks", n);
	for (int i = 0; i < n; i++)
		if (wait4(-1, NULL, 0, NULL) < 0)
			FAIL("wait %d of %d: %s", i, n, ut_errname(errno));
	CHECK_ERR(wait4(-1, NULL, 0, NULL), ECHILD);
	pid = CHECK_OK(fork()); /* the slots are back */
	if (pid == 0)
		_exit(0);
	CHECK(waitpid(pid, NULL, 0) == pid);
}

/* A tree of forks: every process forks twice until depth 6, all are reaped. */
static void fork_tree(void)
{
	int depth = 0;

	for (int level = 0; level < 6; level++) {
		pid_t a = fork(), b = a == 0 ? -1 : fork();

		if (a == 0 || b == 0) {
			depth++;
			continue;
		}
		if (a > 0)
			waitpid(a, NULL, 0);
		if (b > 0)
			waitpid(b, NULL, 0);
		break;
	}
	if (depth)
		_exit(0);
	CHECK_ERR(wait4(-1, NULL, 0, NULL), ECHILD);
}

/* Four processes fork, exit and reap children at once (xv6's forkfork): the
 * process table, pids and the reaper under contention. */
static void fork_concurrent(void)
{
	enum { NPROC = 4, ROUNDS = 40 };

	for (int i = 0; i < NPROC; i++) {
		if (CHECK_OK(fork()) != 0)
			continue;
		for (int r = 0; r < ROUNDS; r++) {
			int st;
			pid_t pid = fork();

			if (pid < 0)
				_exit(errno == EAGAIN ? 0
						      : 1); /* the cap, with the others': fine */
			if (pid == 0)
				_exit(r & 0x7f);
			if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
			    WEXITSTATUS(st) != (r & 0x7f))
				_exit(2);
		}
		_exit(0);
	}
	for (int i = 0; i < NPROC; i++) {
		int st;

		CHECK_OK(wait4(-1, &st, 0, NULL));
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			FAIL("a forker: status %#x", st);
	}
	CHECK_ERR(wait4(-1, NULL, 0, NULL), ECHILD);
}

/*
 * A fork bomb (Corvid only: the host's root ignores RLIMIT_NPROC). Every
 * process forks children, which do the same, until fork fails; each then
 * reaps its children and exits 1 if it or a descendant saw EAGAIN. The
 * kernel must survive and every process be reaped.
 */
static int bomb(int depth)
{
	pid_t kids[8];
	int n = 0, saw = 0;

	for (; n < 8 && depth < 12; n++) {
		kids[n] = fork();
		if (kids[n] < 0) {
			saw |= errno == EAGAIN;
			break;
		}
		if (kids[n] == 0)
			_exit(bomb(depth + 1));
	}
	for (int i = 0; i < n; i++) {
		int st;

		if (waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st))
			saw |= WEXITSTATUS(st);
	}
	return saw;
}

static void fork_bomb(void)
{
	pid_t pid;

	CHECK(bomb(0) == 1);
	CHECK_ERR(wait4(-1, NULL, 0, NULL), ECHILD);
	pid = CHECK_OK(fork()); /* the cap's slots are all back */
	if (pid == 0)
		_exit(0);
	CHECK(waitpid(pid, NULL, 0) == pid);
}

static void ids_after_fork(void)
{
	pid_t parent = getpid(), pid = CHECK_OK(fork());

	if (pid == 0)
		_exit(getppid() == parent && getpid() != parent ? 0 : 1);
	CHECK(pid != parent);
	{
		int st;

		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}

const struct ut_test ut_proc_tests[] = {
	{ "exit_codes", exit_codes, 0 },
	{ "fault_signals", fault_signals, 0 },
	{ "wait_errors", wait_errors, 0 },
	{ "wait_nohang", wait_nohang, 0 },
	{ "wait_many", wait_many, 0 },
	{ "ids_after_fork", ids_after_fork, 0 },
	{ "orphans", orphans, 0 },
	{ "fork_cap", fork_cap, 0 },
	{ "fork_tree", fork_tree, 0 },
	{ "fork_bomb", fork_bomb, UT_CORVID_ONLY },
	{ "fork_concurrent", fork_concurrent, 0 },
	{ NULL, NULL, 0 },
};

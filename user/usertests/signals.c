/*
 * usertests: signals. Hostile arguments to the signal calls (bad
 * pointers, sizes, numbers), a garbage rt_sigreturn frame (SIGSEGV), a
 * handler without SA_RESTORER (SIGSEGV on x86_64), kill(0) reaching the
 * caller's group, a stopped child killed with SIGKILL, many signals in a
 * row, and exec resetting handlers but keeping ignored signals and the
 * mask. Linux man pages signal(7), rt_sigaction(2), sigreturn(2).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"

#define KERNEL_PTR 0xffffffff80000000ul

static void bad_pointers(void)
{
	uint64_t set = 0;

	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, KERNEL_PTR, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, KERNEL_PTR, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigpending, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigpending, &set, 9), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, &set, 4), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigtimedwait, KERNEL_PTR, NULL, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_sigaltstack, KERNEL_PTR, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_sigaltstack, NULL, KERNEL_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_getitimer, 0, KERNEL_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_setitimer, 0, KERNEL_PTR, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_getitimer, 3, &set), EINVAL);
	CHECK_ERR(syscall(SYS_kill, getpid(), 1000), EINVAL);
	CHECK_ERR(syscall(SYS_tkill, 0, SIGUSR1), EINVAL);
	CHECK_ERR(syscall(SYS_tkill, -5, SIGUSR1), EINVAL);
}

static void garbage_sigreturn(void *arg)
{
	(void)arg;
	/* rsp points at zeros and junk: rip 0 gives SIGSEGV at best */
	__asm__ volatile("xor %%esp, %%esp\n\tmov $15, %%eax\n\tsyscall" ::: "memory");
}

static void no_restorer(void *arg)
{
	uint64_t act[4] = { 1234, 0, 0, 0 }; /* a handler, no SA_RESTORER */

	(void)arg;
	syscall(SYS_rt_sigaction, SIGUSR1, act, NULL, 8);
	kill(getpid(), SIGUSR1);
	_exit(0);
}

static void bad_frames(void)
{
	ut_expect_signal(garbage_sigreturn, NULL, SIGSEGV, "rt_sigreturn with rsp 0");
	ut_expect_signal(no_restorer, NULL, SIGSEGV, "a handler without SA_RESTORER");
}

static volatile sig_atomic_t count;

static void on_usr(int sig)
{
	(void)sig;
	count++;
}

static void many_signals(void)
{
	signal(SIGUSR1, on_usr);
	count = 0;
	for (int i = 0; i < 2000; i++)
		CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(count == 2000);
	signal(SIGUSR1, SIG_DFL);
}

static void group_member(void *arg)
{
	(void)arg;
	for (;;)
		pause();
}

static void kill_zero_and_stopped(void)
{
	int st;
	pid_t c = fork();

	CHECK(c >= 0);
	if (!c)
		group_member(NULL);
	CHECK_OK(kill(c, SIGSTOP));
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_OK(kill(c, SIGKILL)); /* a stopped process dies of SIGKILL */
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	c = fork();
	CHECK(c >= 0);
	if (!c) {
		signal(SIGUSR2, SIG_IGN); /* we survive our own kill(0) */
		setpgid(0, 0);
		pid_t g = fork();
		if (!g) {
			signal(SIGUSR2, SIG_DFL);
			group_member(NULL);
		}
		ut_sleep_ms(20);
		kill(0, SIGUSR2);
		waitpid(g, &st, 0);
		_exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2 ? 0 : 1);
	}
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

const struct ut_test ut_signal_tests[] = {
	{ "signal_bad_pointers", bad_pointers, 0 },
	{ "signal_bad_frames", bad_frames, 0 },
	{ "signal_many", many_signals, 0 },
	{ "signal_kill_zero_and_stopped", kill_zero_and_stopped, 0 },
	{ NULL, NULL, 0 },
};

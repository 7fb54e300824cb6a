/*
 * usertests' shared helpers: the test table, failure reporting and the
 * child-process helpers every test file uses. Each test is a function run
 * in a child process of its own (main.c); it returns normally when it
 * passes and calls ut_fail() (which exits) when it does not.
 */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* A test's flags: where it runs. */
enum {
	UT_CORVID_ONLY = 1, /* relies on Corvid's choices (its caps); skipped on Linux */
};

struct ut_test {
	const char *name;
	void (*fn)(void);
	int flags;
};

/* Each test file's table, ended by a NULL name. */
extern const struct ut_test ut_badptr_tests[], ut_proc_tests[], ut_exec_tests[], ut_file_tests[],
	ut_mem_tests[], ut_signal_tests[], ut_pipe_tests[];
extern const struct ut_test ut_thread_tests[];

/* The test running now, the program's path (for exec tests), and whether
 * the kernel is Corvid (uname's sysname). */
extern const char *ut_name, *ut_self;
extern int ut_on_corvid;
/* The kernel has no fork() yet: tests run in one process (main.c). */
extern int ut_fork_missing;

/* Prints "test NAME: FAILED: ..." and ends the test's process with 1. */
void ut_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
/* A note under the current test (not a failure). */
void ut_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define FAIL(...) ut_fail(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(cond)                        \
	do {                               \
		if (!(cond))               \
			FAIL("%s", #cond); \
	} while (0)
/* @expr (a libc or syscall() call) must fail with errno @err. */
#define CHECK_ERR(expr, err)                                                         \
	do {                                                                         \
		errno = 0;                                                           \
		long r_ = (long)(expr);                                              \
		if (r_ != -1 || errno != (err))                                      \
			FAIL("%s = %ld (%s), want %s", #expr, r_, ut_errname(errno), \
			     ut_errname(err));                                       \
	} while (0)
/* @expr must succeed (not return -1); its value. */
#define CHECK_OK(expr) ut_check_ok((long)(expr), #expr, __FILE__, __LINE__)

long ut_check_ok(long ret, const char *what, const char *file, int line);
const char *ut_errname(int err);

/* A path inside the test's scratch directory (allocated; never freed). */
const char *ut_path(const char *name);
/* Writes @len bytes of @data to a new file @path (mode @mode); fails the test otherwise. */
void ut_write_file(const char *path, const void *data, size_t len, int mode);

/* Whether the page at @addr is mapped (probed with MAP_FIXED_NOREPLACE). */
int ut_is_mapped(unsigned long addr);
/* Runs @fn in a child and returns its wait status. */
int ut_run_child(void (*fn)(void *), void *arg);
/* The wait status of @fn must be death by signal @sig. */
void ut_expect_signal(void (*fn)(void *), void *arg, int sig, const char *what);
/* How long a test waits for another process to do something before it
 * calls it a failure: generous (a loaded host), bounded (a failing test
 * must not stall the run). */
#define UT_DEADLINE_MS 10000
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t ut_now_ms(void);
/* Sleeps about @ms milliseconds (nanosleep; sched_yield where it is missing). */
void ut_sleep_ms(int ms);
/* `usertests --child MODE ARGS...`: what an exec test's new image does (exec.c). */
int ut_exec_child(int argc, char **argv);
/* `usertests --child pipe-stage gen|sum`: a pipeline's stage (pipe.c). */
int ut_pipe_stage(int argc, char **argv);

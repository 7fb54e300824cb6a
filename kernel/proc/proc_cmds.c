/*
 * The shell's `exec [N] PATH [ARGS...]`: run a user program N times (1 by
 * default), each time waiting for it, and report how it ended when it
 * did not exit with 0. The status is the program's exit code, or 128 + the
 * signal that ended it, as a Unix shell's $?.
 * Locking: none (proc_spawn/proc_wait take what they need).
 */
#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/strerror.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "shell/shell.h"

#define MAX_RUNS 1000000
#define MAX_ARGS 32

static char *const default_envp[] = { "PATH=/bin", "HOME=/", "TERM=vt100", NULL };

static int parse_count(const char *s, long *n)
{
	long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > MAX_RUNS)
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	*n = v;
	return v >= 1 && v <= MAX_RUNS ? 0 : -EINVAL;
}

/* Run @argv[0] once; returns the shell status. */
static int run_once(char **argv)
{
	struct proc *p;
	int status, exec_err, err = proc_spawn(argv[0], argv, default_envp, &p);

	if (err) {
		kprintf("exec: %s: %s\n", argv[0], kstrerror(err));
		return 126;
	}
	status = proc_wait(p, &exec_err);
	if (exec_err) {
		kprintf("exec: %s: %s\n", argv[0], kstrerror(exec_err));
		return exec_err == -ENOENT ? 127 : 126;
	}
	if (status & 0x7f) {
		kprintf("exec: %s: killed by signal %d\n", argv[0], status & 0x7f);
		return 128 + (status & 0x7f);
	}
	status = (status >> 8) & 0xff;
	if (status)
		kprintf("exec: %s: exited with %d\n", argv[0], status);
	return status;
}

static const struct shell_cmd *cmd_self(void);

static int cmd_exec(int argc, char **argv)
{
	char *args[MAX_ARGS + 1];
	long runs = 1;
	int first = 1, status = 0, n = 0;

	if (argc >= 3 && parse_count(argv[1], &runs) == 0)
		first = 2;
	if (argc <= first || argc - first > MAX_ARGS)
		return shell_usage(cmd_self());
	for (int i = first; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	for (long i = 0; i < runs; i++) {
		status = run_once(args);
		if (status && runs > 1)
			break;
	}
	return status;
}

SHELL_COMMAND(exec, .name = "exec", .group = "proc", .summary = "run a user program and wait",
	      .usage = "exec [N] PATH [ARGS...]   (run it N times, default 1)", .fn = cmd_exec);

static const struct shell_cmd *cmd_self(void)
{
	return shell_find("exec");
}

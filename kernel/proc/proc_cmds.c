/*
 * The shell's process commands: `exec [N] PATH [ARGS...]` runs a user
 * program N times (1 by default), each time waiting for it, and reports
 * how it ended when it did not exit with 0 (the status is the exit code,
 * or 128 + the signal that ended it, as a Unix shell's $?); `kill [-SIG]
 * PID` sends a signal (SIGKILL by default, unlike kill(1)'s SIGTERM: the
 * shell's kill has always ended the process); proc_print_table() is the
 * process half of `ps`.
 * Locking: none (proc/ takes what it needs).
 */
#include "core/log.h"
#include "drivers/tty/tty.h"
#include "fs/fs_cmds.h"
#include "include/uapi/errno.h"
#include "lib/strerror.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "shell/shell.h"

#define LOG_PREFIX "proc: "
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
	int status, exec_err, err = proc_spawn(fs_cmd_cwd(), argv[0], argv, default_envp, &p);
	bool fg;

	if (err) {
		kprintf("exec: %s: %s\n", argv[0], kstrerror(err));
		return 126;
	}
	fg = shell_in_foreground();
	if (fg)
		tty_foreground_begin(); // ^C reaches it even when it does not read
	status = proc_wait(p, &exec_err);
	if (fg)
		tty_foreground_end();
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

static const char *const sig_names[] = {
	[1] = "HUP",   [2] = "INT",   [3] = "QUIT",  [4] = "ILL",    [5] = "TRAP",  [6] = "ABRT",
	[7] = "BUS",   [8] = "FPE",   [9] = "KILL",  [10] = "USR1",  [11] = "SEGV", [12] = "USR2",
	[13] = "PIPE", [14] = "ALRM", [15] = "TERM", [17] = "CHLD",  [18] = "CONT", [19] = "STOP",
	[20] = "TSTP", [21] = "TTIN", [22] = "TTOU", [28] = "WINCH",
};

/* "-9", "-KILL" or "-SIGKILL": the signal number, or 0. */
static int parse_signal(const char *s)
{
	long n;

	if (*s++ != '-')
		return 0;
	if (!parse_count(s, &n))
		return n >= 1 && n <= PROC_NSIG ? (int)n : 0;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(sig_names) / sizeof(sig_names[0]); i++)
		if (sig_names[i] && !strcmp(s, sig_names[i]))
			return (int)i;
	return 0;
}

static int cmd_kill(int argc, char **argv)
{
	long pid;
	int err, sig = PROC_SIGKILL;

	if (argc == 3 && !(sig = parse_signal(argv[1])))
		return shell_usage(shell_find("kill"));
	if ((argc != 2 && argc != 3) || parse_count(argv[argc - 1], &pid))
		return shell_usage(shell_find("kill"));
	err = proc_kill_signal((int)pid, sig);
	if (err) {
		kprintf("kill: %ld: %s\n", pid, err == -ESRCH ? "No such process" : kstrerror(err));
		return 1;
	}
	return 0;
}

SHELL_COMMAND(kill, .name = "kill", .group = "proc",
	      .summary = "send a signal (default SIGKILL) to a process", .usage = "kill [-SIG] PID",
	      .fn = cmd_kill);

void proc_print_table(void)
{
	struct proc_info *ps = kmalloc(PROC_MAX * sizeof(*ps));
	size_t n;

	if (!ps) {
		kprintf("ps: out of memory\n");
		return;
	}
	n = proc_list(ps, PROC_MAX);
	if (n)
		kprintf("%s%6s %6s %6s %6s S NAME%s\n", shell_color(SHELL_COLOR_HEADING), "PID",
			"PPID", "PGID", "SID", shell_color(SHELL_COLOR_RESET));
	for (size_t i = 0; i < MIN(n, (size_t)PROC_MAX); i++)
		kprintf("%6d %6d %6d %6d %c %s\n", ps[i].pid, ps[i].ppid, ps[i].pgid, ps[i].sid,
			ps[i].state, ps[i].name);
	kfree(ps);
}

void proc_run_init(const char *path, char *args)
{
	char *argv[INIT_ARGS_MAX + 2] = { (char *)path };
	struct proc *p;
	int argc = 1, status, exec_err, err;

	while (args && *args) {
		if (*args == ' ' || *args == '\t') {
			*args++ = '\0';
			continue;
		}
		if (argc > INIT_ARGS_MAX) {
			log_warn("init=%s: more than %d arguments; the rest are dropped\n", path,
				 INIT_ARGS_MAX);
			break;
		}
		argv[argc++] = args;
		while (*args && *args != ' ' && *args != '\t')
			args++;
	}
	err = proc_spawn_init(path, argv, default_envp, &p);

	if (err) {
		log_err("init=%s: cannot start: %s; the kernel shell runs instead\n", path,
			kstrerror(err));
		return;
	}
	log_info("init=%s: running as pid 1\n", path);
	tty_foreground_begin(); // typed ^C and ^Z reach the terminal's foreground group
	status = proc_wait(p, &exec_err);
	tty_foreground_end();
	if (exec_err)
		log_err("init=%s: cannot start: %s; the kernel shell runs instead\n", path,
			kstrerror(exec_err));
	else
		log_warn("init=%s: pid 1 ended (wait status %#x); the kernel shell runs instead\n",
			 path, (unsigned int)status);
}

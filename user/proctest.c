/*
 * The process-model differential test: fork/vfork/clone, wait4 statuses
 * and errnos, zombies, orphans, process groups and sessions, execve with
 * #! scripts, close-on-exec and its errnos, what fork copies (open-file
 * offsets, FPU state, TLS). It prints only what is the same on every
 * Linux: pids, paths and times are printed as relations ("yes") or
 * masked ($SELF for this program, $T for its scratch files), so the
 * output on Corvid must equal the output on the host.
 * Usage: proctest            the differential run (argv[0] must be absolute)
 *        proctest bomb       Corvid only: fork until -EAGAIN (the process cap)
 *        proctest threads    Corvid only: sharing clone flags without CLONE_THREAD are -ENOSYS
 *        proctest clonebits  Corvid only: clone with every single flag bit
 *        proctest churn N    N rounds of fork + exec + wait (leak checks)
 *        proctest spin       loop in user mode for ever (for the shell's kill)
 *        proctest waiter     fork a spinning child, then block in wait4 on it
 * The other modes are what it execs itself as.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fenv.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *self;
static char tmp[64]; /* scratch-file prefix: /tmp/ptPID */
static __thread int tls_value = 5;
static volatile unsigned long bad_addr = 8; /* a pointer nothing maps (hidden from gcc) */

/* Print with this program's path and the scratch prefix masked; write(2)
 * directly so that output order is the order of the calls across fork. */
static void say(const char *fmt, ...)
{
	char buf[1024], out[1200];
	size_t o = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *s = buf; *s && o < sizeof(out) - 8;) {
		if (!strncmp(s, self, strlen(self))) {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "$SELF");
			s += strlen(self);
		} else if (!strncmp(s, tmp, strlen(tmp))) {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "$T");
			s += strlen(tmp);
		} else {
			out[o++] = *s++;
		}
	}
	if (write(1, out, o) < 0)
		_exit(99);
}

static const char *err_name(int e)
{
	return strerror(e);
}

/* Run @expr, then print its value and errno (the order matters). */
#define SHOW(label, expr)                                                              \
	do {                                                                           \
		errno = 0;                                                             \
		long r_ = (long)(expr);                                                \
		say("%s: %ld %s\n", label, r_, r_ < 0 ? err_name(errno) : "");         \
	} while (0)

static void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		say("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		say("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		say("%s: status %#x\n", what, st);
}

static int reap(pid_t pid, const char *what)
{
	int st = 0;
	pid_t r = waitpid(pid, &st, 0);

	if (r != pid)
		say("%s: waitpid: %s\n", what, r < 0 ? err_name(errno) : "wrong pid");
	else
		show_status(what, st);
	return st;
}

static char *scratch(const char *name)
{
	static char paths[16][96];
	static int n;
	char *p = paths[n++ % 16];

	snprintf(p, 96, "%s-%s", tmp, name);
	return p;
}

static void make_file(const char *path, const char *content, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		say("make %s: %s\n", path, err_name(errno));
	close(fd);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void wait_for_file(const char *path)
{
	for (long i = 0; i < 100000000 && !exists(path); i++)
		sched_yield();
}

/* ---- modes this program execs itself as ---- */

static int child_mode(int argc, char **argv)
{
	const char *m = argv[1];

	if (!strcmp(m, "exit"))
		return atoi(argv[2]);
	if (!strcmp(m, "args") || !strncmp(m, "script-arg", 10) || !strncmp(m, tmp, strlen(tmp))) {
		for (int i = 0; i < argc; i++)
			say("  argv[%d] = '%s'\n", i, argv[i]);
		return 0;
	}
	if (!strcmp(m, "fds")) {
		for (int i = 2; i < argc; i++) {
			struct stat st;
			say("  fd %s: %s\n", argv[i], fstat(atoi(argv[i]), &st) ? "closed" : "open");
		}
		return 0;
	}
	if (!strcmp(m, "sigs")) {
		struct sigaction a;
		sigset_t set;
		sigaction(SIGUSR1, NULL, &a);
		say("  SIGUSR1 after exec: %s\n", a.sa_handler == SIG_DFL ? "default" : "other");
		sigaction(SIGUSR2, NULL, &a);
		say("  SIGUSR2 after exec: %s\n", a.sa_handler == SIG_IGN ? "ignored" : "other");
		sigprocmask(SIG_BLOCK, NULL, &set);
		say("  SIGUSR1 still blocked: %s\n", sigismember(&set, SIGUSR1) ? "yes" : "no");
		return 0;
	}
	if (!strcmp(m, "wait-file")) {
		wait_for_file(argv[2]);
		return 0;
	}
	return -1;
}

/* ---- the differential sections ---- */

static void test_statuses(void)
{
	int codes[] = { 0, 1, 42, 255, 256 + 7 };

	say("== fork and exit statuses\n");
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(codes[i]);
		say("exit(%d)", codes[i]);
		reap(pid, "");
	}
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile int *)(bad_addr + 8) = 1; /* SIGSEGV */
		_exit(0);
	}
	reap(pid, "null write");
	pid = fork();
	if (pid == 0) {
		say("child: getppid is the parent: %s\n", getppid() != getpid() ? "yes" : "no");
		_exit(0);
	}
	reap(pid, "child");
}

static void test_wait4(void)
{
	struct rusage ru;
	int st;
	char *flag = scratch("wflag");
	pid_t a, b, r;

	say("== wait4\n");
	SHOW("no children", waitpid(-1, &st, 0));
	SHOW("bad options", syscall(SYS_wait4, -1, &st, 0x100, NULL));
	a = fork();
	if (a == 0) {
		wait_for_file(flag);
		_exit(3);
	}
	r = waitpid(-1, &st, WNOHANG);
	say("WNOHANG with a running child: %ld\n", (long)r);
	SHOW("a non-child", waitpid(1, &st, 0));
	b = fork();
	if (b == 0)
		_exit(4);
	memset(&ru, 0xff, sizeof(ru));
	r = wait4(b, &st, 0, &ru);
	say("wait4(b) is b: %s, rusage written: %s\n", r == b ? "yes" : "no",
	    ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 ? "yes" : "no");
	show_status("b", st);
	make_file(flag, "x", 1, 0644);
	r = wait4(-1, &st, 0, NULL);
	say("wait4(-1) is a: %s\n", r == a ? "yes" : "no");
	show_status("a", st);
	b = fork();
	if (b == 0)
		_exit(5);
	SHOW("bad status pointer", wait4(b, (int *)bad_addr, 0, NULL));
	SHOW("then", waitpid(b, &st, 0));
	b = fork();
	if (b == 0)
		_exit(6);
	SHOW("bad rusage pointer", wait4(b, &st, 0, (struct rusage *)bad_addr));
	SHOW("wait4(INT_MIN)", syscall(SYS_wait4, (int)0x80000000u, &st, 0, NULL));
	unlink(flag);
}

static void test_groups_wait(void)
{
	pid_t mine = getpgrp(), a, b, r;
	int st;

	say("== wait by process group\n");
	a = fork();
	if (a == 0)
		_exit(10);
	b = fork();
	if (b == 0) {
		setpgid(0, 0);
		_exit(11);
	}
	setpgid(b, b); /* either side may win; both are fine */
	r = waitpid(-b, &st, 0);
	say("waitpid(-pgid of b) is b: %s\n", r == b ? "yes" : "no");
	r = waitpid(0, &st, 0);
	say("waitpid(0) is a: %s (group %s)\n", r == a ? "yes" : "no",
	    getpgrp() == mine ? "kept" : "changed");
	show_status("a", st);
}

static void test_zombie_orphan(void)
{
	char *flag = scratch("orphan");
	pid_t pid;

	say("== zombies and orphans\n");
	pid = vfork();
	if (pid == 0)
		_exit(7);
	say("zombie still has a group: %s\n", getpgid(pid) >= 0 ? "yes" : "no");
	reap(pid, "zombie");
	SHOW("reaped, getpgid", getpgid(pid));
	pid = fork();
	if (pid == 0) {
		pid_t mid = getpid(), g = fork();
		if (g == 0) {
			long i;
			for (i = 0; i < 100000000 && getppid() == mid; i++)
				sched_yield();
			if (getppid() != mid)
				make_file(flag, "x", 1, 0644);
			_exit(0);
		}
		_exit(8);
	}
	reap(pid, "orphan's parent");
	wait_for_file(flag);
	say("orphan: parent changed: %s\n", exists(flag) ? "yes" : "no");
	unlink(flag);
}

static void test_sessions(void)
{
	char *flag = scratch("sflag");
	pid_t pid;

	say("== process groups and sessions\n");
	SHOW("setpgid(0, -1)", setpgid(0, -1));
	SHOW("setpgid(no such process)", setpgid(999999, 0));
	SHOW("getpgid(-1)", getpgid(-1));
	SHOW("getsid(999999)", getsid(999999));
	pid = fork();
	if (pid == 0) {
		pid_t me = getpid(), g;
		say("child inherits the group: %s\n", getpgrp() == getpgid(getppid()) ? "yes" : "no");
		SHOW("setpgid(0, 0)", setpgid(0, 0));
		say("leader: %s\n", getpgrp() == me ? "yes" : "no");
		SHOW("setsid as a group leader", setsid());
		SHOW("setpgid to no such group", setpgid(0, 999999));
		g = vfork(); /* it has run (setsid) when we go on */
		if (g == 0) {
			pid_t gme = getpid();
			say("grandchild setsid is its pid: %s\n", setsid() == gme ? "yes" : "no");
			say("getsid(0), getpgrp are its pid: %s\n",
			    getsid(0) == gme && getpgrp() == gme ? "yes" : "no");
			SHOW("setpgid as a session leader", setpgid(0, 0));
			say("getsid(parent) differs: %s\n", getsid(getppid()) != gme ? "yes" : "no");
			_exit(0);
		}
		SHOW("setpgid(grandchild in another session)", setpgid(g, me));
		reap(g, "grandchild");
		_exit(0);
	}
	reap(pid, "child");
	pid = fork();
	if (pid == 0) {
		execl(self, self, "wait-file", flag, (char *)NULL);
		_exit(120);
	}
	/* Wait until it has exec'd: its exec-time group move must fail. */
	for (int i = 0; i < 100000; i++) {
		errno = 0;
		if (setpgid(pid, pid) && errno == EACCES)
			break;
		setpgid(pid, getpgrp());
		sched_yield();
	}
	SHOW("setpgid after the child exec'd", setpgid(pid, pid));
	make_file(flag, "x", 1, 0644);
	reap(pid, "exec'd child");
	unlink(flag);
}

static void run_exec(const char *what, const char *path, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		char var[96];
		char *const env[] = { var, NULL };

		snprintf(var, sizeof(var), "PROCTEST_TMP=%s", tmp);
		execve(path, argv, env);
		say("%s: %s, old program still running\n", what, err_name(errno));
		_exit(100);
	}
	reap(pid, what);
}

static void test_exec(void)
{
	static const char elf_head[] = "\177ELF\2\1\1";
	char *script = scratch("script"), *garbage = scratch("garbage"), *empty = scratch("empty");
	char *noexec = scratch("noexec"), *shortelf = scratch("shortelf");
	char *noint = scratch("noint"), *blank = scratch("blank"), line[256];
	char *big = malloc(200 * 1024);

	say("== execve\n");
	snprintf(line, sizeof(line), "#! %s  script-arg  two words \t\nignored\n", self);
	make_file(script, line, strlen(line), 0755);
	make_file(garbage, "garbage garbage garbage\n", 24, 0755);
	make_file(empty, "", 0, 0755);
	make_file(noexec, "#!/bin/sh\n", 10, 0644);
	make_file(shortelf, elf_head, sizeof(elf_head), 0755);
	snprintf(line, sizeof(line), "#!%s-nothere\n", tmp);
	make_file(noint, line, strlen(line), 0755);
	make_file(blank, "#!   \n", 6, 0755);
	make_file(scratch("bare"), "#!", 2, 0755);
	run_exec("exec self", self, (char *[]){ (char *)self, "args", "one", "two words", NULL });
	run_exec("exec exit 9", self, (char *[]){ (char *)self, "exit", "9", NULL });
	run_exec("script", script, (char *[]){ "name", "x1", "x2", NULL });
	run_exec("missing", "/nonexistent/prog", (char *[]){ "x", NULL });
	run_exec("directory", "/", (char *[]){ "x", NULL });
	run_exec("not executable", noexec, (char *[]){ "x", NULL });
	run_exec("garbage", garbage, (char *[]){ "x", NULL });
	run_exec("empty", empty, (char *[]){ "x", NULL });
	run_exec("truncated ELF", shortelf, (char *[]){ "x", NULL });
	run_exec("not a directory", scratch("garbage/x"), (char *[]){ "x", NULL });
	run_exec("missing interpreter", noint, (char *[]){ "x", NULL });
	run_exec("blank #! line", blank, (char *[]){ "x", NULL });
	run_exec("bare #!", scratch("bare"), (char *[]){ "x", NULL });
	run_exec("bad path pointer", (const char *)bad_addr, (char *[]){ "x", NULL });
	run_exec("bad argv pointer", self, (char **)bad_addr);
	run_exec("kernel pointer in argv", self,
		 (char *[]){ (char *)self, (char *)0xffffffff80000000ul, NULL });
	{
		pid_t pid = fork();
		if (pid == 0) {
			execve(self, (char *[]){ (char *)self, NULL }, (char **)bad_addr);
			say("bad envp pointer: %s, old program still running\n", err_name(errno));
			_exit(100);
		}
		reap(pid, "bad envp pointer");
	}
	memset(big, 'a', 200 * 1024 - 1);
	big[200 * 1024 - 1] = 0;
	run_exec("200 KiB argument", self, (char *[]){ (char *)self, big, NULL });
	free(big);
	/* #! nesting: 5 rewrites work, 6 are -ELOOP. */
	for (int depth = 5; depth <= 6; depth++) {
		for (int i = 1; i <= depth; i++) {
			char name[16];
			snprintf(name, sizeof(name), "n%d", i + 1);
			if (i == depth)
				snprintf(line, sizeof(line), "#!%s\n", self);
			else
				snprintf(line, sizeof(line), "#!%s\n", scratch(name));
			snprintf(name, sizeof(name), "n%d", i);
			make_file(scratch(name), line, strlen(line), 0755);
		}
		run_exec(depth == 5 ? "5 nested scripts" : "6 nested scripts", scratch("n1"),
			 (char *[]){ "x", "exit", NULL });
	}
}

static void test_exec_state(void)
{
	char *file = scratch("cloexec"), a[8], b[8];
	int keep = open(file, O_RDWR | O_CREAT, 0644), drop = open(file, O_RDWR | O_CLOEXEC);
	struct sigaction sa = { .sa_handler = SIG_IGN };
	sigset_t set;

	say("== what exec keeps\n");
	snprintf(a, sizeof(a), "%d", keep);
	snprintf(b, sizeof(b), "%d", drop);
	run_exec("O_CLOEXEC", self, (char *[]){ (char *)self, "fds", a, b, NULL });
	close(keep);
	close(drop);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = (void (*)(int))test_exec_state; /* any non-default */
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	run_exec("signals", self, (char *[]){ (char *)self, "sigs", NULL });
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	unlink(file);
}

static int vfork_child(void *arg)
{
	(void)arg;
	execl(self, self, "exit", "6", (char *)NULL);
	_exit(101);
}

static void test_copies(void)
{
	char *file = scratch("shared"), buf[16] = { 0 };
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	static char stack[64 * 1024] __attribute__((aligned(16)));
	pid_t pid;

	say("== what fork copies\n");
	if (write(fd, "ab", 2) != 2)
		say("write failed\n");
	fesetround(FE_UPWARD);
	tls_value = 7;
	pid = fork();
	if (pid == 0) {
		say("child: rounding mode kept: %s, TLS %d\n",
		    fegetround() == FE_UPWARD ? "yes" : "no", tls_value);
		if (write(fd, "cd", 2) != 2)
			say("child write failed\n");
		_exit(0);
	}
	reap(pid, "child");
	fesetround(FE_TONEAREST);
	if (write(fd, "ef", 2) != 2)
		say("write failed\n");
	lseek(fd, 0, SEEK_SET);
	say("shared offset: '%s'\n", read(fd, buf, sizeof(buf) - 1) > 0 ? buf : "?");
	close(fd);
	unlink(file);

	say("== vfork\n");
	pid = vfork();
	if (pid == 0) {
		say("vfork child runs first\n");
		_exit(2);
	}
	say("then the parent\n");
	reap(pid, "vfork child");
	pid = vfork();
	if (pid == 0) {
		execl(self, self, "exit", "4", (char *)NULL);
		_exit(102);
	}
	reap(pid, "vfork + exec");
	pid = clone(vfork_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
	reap(pid, "clone(CLONE_VM|CLONE_VFORK) + exec");
	SHOW("clone(CLONE_THREAD) alone", syscall(SYS_clone, CLONE_THREAD, 0, NULL, NULL, 0));
	SHOW("clone(CLONE_SIGHAND) alone", syscall(SYS_clone, CLONE_SIGHAND, 0, NULL, NULL, 0));
	{
		int ptid = 0, ctid = 0;
		pid = (pid_t)syscall(SYS_clone, CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD,
				     0, &ptid, &ctid, 0);
		if (pid == 0) {
			say("child: CLONE_CHILD_SETTID wrote its tid: %s\n",
			    ctid == (int)syscall(SYS_gettid) ? "yes" : "no");
			_exit(0);
		}
		reap(pid, "settid child");
		say("parent: CLONE_PARENT_SETTID wrote the pid: %s\n", ptid == pid ? "yes" : "no");
	}
}

/* ---- Corvid-only modes ---- */

static int bomb(void)
{
	pid_t me = getpid();
	long n = 0;

	for (;;) {
		pid_t pid = fork();
		if (pid == 0) {
			while (getppid() == me)
				sched_yield();
			_exit(0);
		}
		if (pid < 0)
			break;
		n++;
	}
	say("bomb: fork failed with %s after %ld children\n", err_name(errno), n);
	return 0;
}

static int threads(void)
{
	static char stack[16384] __attribute__((aligned(16)));
	long r = syscall(SYS_clone, CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD,
			 stack + sizeof(stack), NULL, NULL, 0);

	say("threads: clone(CLONE_VM|CLONE_FS|CLONE_FILES): %ld %s\n", r,
	    r < 0 ? err_name(errno) : "");
	return 0;
}

/* Each clone flag bit alone (with SIGCHLD): a child (which _exits at
 * once), -EINVAL or -ENOSYS, never anything worse. */
static int clonebits(void)
{
	int bad = 0;

	for (int bit = 8; bit < 32; bit++) {
		unsigned long flags = (1ul << bit) | SIGCHLD;
		long r = syscall(SYS_clone, flags, 0, NULL, NULL, 0);
		int st;

		if (r == 0)
			_exit(0);
		if (r > 0 && waitpid((pid_t)r, &st, 0) != r)
			bad++;
		if (r < 0 && errno != EINVAL && errno != ENOSYS && errno != EPERM)
			bad++;
	}
	say("clonebits: %d unexpected\n", bad);
	return bad != 0;
}

static int churn(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;
		if (pid == 0) {
			execl(self, self, "exit", "0", (char *)NULL);
			_exit(1);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0) {
			say("churn: round %ld failed\n", i);
			return 1;
		}
	}
	say("churn: %ld rounds\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (getenv("PROCTEST_TMP"))
		snprintf(tmp, sizeof(tmp), "%s", getenv("PROCTEST_TMP"));
	else
		snprintf(tmp, sizeof(tmp), "/tmp/pt%d", (int)getpid());
	setenv("PROCTEST_TMP", tmp, 1);
	if (argc > 1) {
		int r = child_mode(argc, argv);
		if (r >= 0)
			return r;
		if (!strcmp(argv[1], "bomb"))
			return bomb();
		if (!strcmp(argv[1], "threads"))
			return threads();
		if (!strcmp(argv[1], "clonebits"))
			return clonebits();
		if (!strcmp(argv[1], "spin"))
			for (;;)
				tls_value++;
		if (!strcmp(argv[1], "waiter")) {
			pid_t pid = fork();
			int st;
			if (pid == 0)
				for (;;)
					tls_value++;
			say("waiter: waiting\n");
			waitpid(pid, &st, 0);
			return 0;
		}
		if (!strcmp(argv[1], "churn"))
			return churn(argc > 2 ? atol(argv[2]) : 10);
		say("proctest: unknown mode %s\n", argv[1]);
		return 2;
	}
	if (self[0] != '/') {
		say("proctest: run me by an absolute path\n");
		return 2;
	}
	test_statuses();
	test_wait4();
	test_groups_wait();
	test_zombie_orphan();
	test_sessions();
	test_exec();
	test_exec_state();
	test_copies();
	say("== done\n");
	return 0;
}

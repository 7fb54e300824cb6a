/*
 * usertests: execve. Missing, garbage, truncated, foreign, non-executable
 * files and directories (ENOENT, EACCES, ENOEXEC), huge argv/envp (E2BIG)
 * and a big one that fits, argv/envp delivery, O_CLOEXEC across execve,
 * vfork+execve, #! scripts (arguments, a missing interpreter, a loop
 * of scripts: ELOOP), what execve keeps (pid, cwd, umask, fds) and drops
 * (mappings), and the descriptor table a fork copies. Linux man page execve(2), fs/binfmt_script.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"

static int check_keeps(char **argv)
{
	char cwd[512];
	mode_t old = umask(0);
	int bad = 0;

	if (atoi(argv[1]) != getpid())
		bad = printf("  keeps: pid %d, was %s\n", (int)getpid(), argv[1]);
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, argv[2]))
		bad = printf("  keeps: cwd %s, was %s\n", cwd, argv[2]);
	if (old != (mode_t)strtol(argv[3], NULL, 8))
		bad = printf("  keeps: umask %o, was %s\n", (unsigned int)old, argv[3]);
	if (fcntl(atoi(argv[4]), F_GETFD) != 0)
		bad = printf("  keeps: fd %s: %s\n", argv[4], ut_errname(errno));
	if (ut_is_mapped(strtoul(argv[5], NULL, 16)))
		bad = printf("  keeps: the old mapping at %s is still there\n", argv[5]);
	return bad ? 1 : 46;
}

int ut_exec_child(int argc, char **argv)
{
	size_t n = strlen(argv[0]);

	if (!strcmp(argv[0], "pipe-stage"))
		return ut_pipe_stage(argc, argv);
	if (!strcmp(argv[0], "args")) /* exit 42 if argv and envp arrived intact */
		return argc == 3 && !strcmp(argv[1], "one") && !strcmp(argv[2], "two words") &&
				       getenv("UT_VAR") && !strcmp(getenv("UT_VAR"), "value")
			       ? 42
			       : 1;
	if (!strcmp(argv[0], "fd") && argc == 2) /* exit 0 if fd argv[1] is closed */
		return fcntl(atoi(argv[1]), F_GETFD) < 0 && errno == EBADF ? 0 : 1;
	if (!strcmp(argv[0], "big") && argc == 3) /* exit 44 if argv[2] is argv[1] 'b's */
		return strspn(argv[2], "b") == strlen(argv[2]) &&
				       strlen(argv[2]) == (size_t)atol(argv[1])
			       ? 44
			       : 1;
	/* exit 46 if the pid, cwd, umask and an inherited fd survived execve and
	 * the mapping at the address given is gone; else say what differs */
	if (!strcmp(argv[0], "keeps") && argc == 6)
		return check_keeps(argv);
	if (!strcmp(argv[0], "count") && argc >= 2) /* exit 45 if argv[1] strings follow */
		return argc - 2 == atoi(argv[1]) ? 45 : 1;
	/* A #! script "#!usertests --child" run as "script x": the kernel passes
	 * the interpreter its argument, the script's path, then "x". */
	if (n >= 7 && !strcmp(argv[0] + n - 7, "/script"))
		return argc == 2 && !strcmp(argv[1], "x") ? 43 : 1;
	return 2;
}

/* The wait status of a child that runs execve(@path) and exits with its errno. */
static int exec_status(const char *path, char **argv, char **envp)
{
	int st;
	pid_t pid = CHECK_OK(fork());

	if (pid == 0) {
		execve(path, argv, envp);
		_exit(errno);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	return st;
}

/* The errno of a failed execve(@path) (or what the new program exited with). */
static int exec_errno(const char *path, char **argv, char **envp)
{
	int st = exec_status(path, argv, envp);

	if (!WIFEXITED(st))
		FAIL("execve %s: wait status %#x", path, st);
	return WEXITSTATUS(st);
}

#define CHECK_EXEC(path, argv, envp, err)                                                      \
	do {                                                                                   \
		int e_ = exec_errno(path, argv, envp);                                         \
		if (e_ != (err))                                                               \
			FAIL("execve %s: %s, want %s", path, ut_errname(e_), ut_errname(err)); \
	} while (0)

static void exec_bad_files(void)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	static char elf[4096];
	const char *trunc = ut_path("trunc"), *garbage = ut_path("garbage");
	int fd = CHECK_OK(open(ut_self, O_RDONLY));
	ssize_t n = read(fd, elf, sizeof(elf));

	close(fd);
	CHECK(n == sizeof(elf));
	CHECK_EXEC("/no/such/program", argv, envp, ENOENT);
	CHECK_EXEC(ut_path(""), argv, envp, EACCES); /* a directory */
	ut_write_file(garbage, "this is not a program\n", 22, 0755);
	CHECK_EXEC(garbage, argv, envp, ENOEXEC);
	ut_write_file(garbage, "", 0, 0755);
	CHECK_EXEC(garbage, argv, envp, ENOEXEC);
	ut_write_file(trunc, elf, 64, 0755); /* the ELF header alone */
	CHECK_EXEC(trunc, argv, envp, ENOEXEC);
	ut_write_file(trunc, elf, 2000, 0755); /* headers, the segments missing */
	n = exec_status(trunc, argv, envp);
	/* Linux maps the file and the program dies of SIGBUS; refusing is fine too. */
	if (!(WIFSIGNALED(n) && (WTERMSIG(n) == SIGBUS || WTERMSIG(n) == SIGSEGV)) &&
	    !(WIFEXITED(n) && (WEXITSTATUS(n) == ENOEXEC || WEXITSTATUS(n) == EIO)))
		FAIL("truncated ELF: wait status %#x", (int)n);
	elf[18] = 3; /* e_machine EM_386 */
	ut_write_file(trunc, elf, sizeof(elf), 0755);
	CHECK_EXEC(trunc, argv, envp, ENOEXEC);
	unlink(trunc);
	unlink(garbage);
}

static void exec_not_executable(void)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	const char *copy = ut_path("noexec");

	ut_write_file(copy, "\177ELF", 4, 0644);
	CHECK_EXEC(copy, argv, envp, EACCES);
	unlink(copy);
}

static void exec_huge_args(void)
{
	enum { BIG = 200 << 10, MANY = 3200 };
	char *big = malloc(BIG + 1), *argv[MANY + 2], *envp[3] = { NULL, NULL, NULL };
	static char kib[1024];

	CHECK(big);
	memset(big, 'a', BIG);
	big[BIG] = '\0';
	argv[0] = "x";
	argv[1] = big;
	argv[2] = NULL;
	CHECK_EXEC(ut_self, argv, envp, E2BIG); /* one string above 128 KiB */
	argv[1] = NULL;
	envp[0] = big;
	CHECK_EXEC(ut_self, argv, envp, E2BIG);
	memset(kib, 'b', sizeof(kib) - 1);
	for (int i = 1; i <= MANY; i++)
		argv[i] = kib; /* 3.2 MiB in all: above Linux's stack/4 */
	argv[MANY + 1] = NULL;
	envp[0] = NULL;
	CHECK_EXEC(ut_self, argv, envp, E2BIG);
	free(big);
}

static void exec_args_env(void)
{
	char *argv[] = { (char *)ut_self, "--child", "args", "one", "two words", NULL };
	char *envp[] = { "A=1", "UT_VAR=value", NULL };

	CHECK(exec_errno(ut_self, argv, envp) == 42);
}

static void exec_cloexec(void)
{
	char num[16], *argv[] = { (char *)ut_self, "--child", "fd", num, NULL }, *envp[] = { NULL };
	int fd = CHECK_OK(open(ut_self, O_RDONLY | O_CLOEXEC)), keep;

	snprintf(num, sizeof(num), "%d", fd);
	CHECK(exec_errno(ut_self, argv, envp) == 0);
	keep = CHECK_OK(fcntl(fd, F_DUPFD, 10)); /* F_DUPFD clears FD_CLOEXEC */
	snprintf(num, sizeof(num), "%d", keep);
	CHECK(exec_errno(ut_self, argv, envp) == 1);
	CHECK_OK(fcntl(keep, F_SETFD, FD_CLOEXEC));
	CHECK(exec_errno(ut_self, argv, envp) == 0);
}

static void vfork_exec(void)
{
	char *argv[] = { (char *)ut_self, "--child", "args", "one", "two words", NULL };
	char *envp[] = { "UT_VAR=value", NULL };
	int st;
	pid_t pid = vfork();

	if (pid == 0) {
		execve(ut_self, argv, envp);
		_exit(99);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 42)
		FAIL("exec'd child status %#x, want exit 42", st);
}

/* Arguments well inside both kernels' limits (Corvid's 128 KiB) arrive whole. */
static void exec_big_args(void)
{
	enum { LEN = 60000, MANY = 1000 };
	char *big = malloc(LEN + 1), len[16], *argv[MANY + 6], *envp[] = { NULL };

	CHECK(big);
	memset(big, 'b', LEN);
	big[LEN] = '\0';
	snprintf(len, sizeof(len), "%d", LEN);
	argv[0] = (char *)ut_self;
	argv[1] = "--child";
	argv[2] = "big";
	argv[3] = len;
	argv[4] = big;
	argv[5] = NULL;
	CHECK(exec_errno(ut_self, argv, envp) == 44);
	/* Many small strings. */
	argv[2] = "count";
	snprintf(len, sizeof(len), "%d", MANY);
	for (int i = 4; i < MANY + 4; i++)
		argv[i] = "s";
	argv[MANY + 4] = NULL;
	CHECK(exec_errno(ut_self, argv, envp) == 45);
	free(big);
}

/* What execve keeps (pid, cwd, umask, fds without FD_CLOEXEC) and drops (the mappings). */
static void exec_keeps_and_drops(void)
{
	char pid[16], cwd[512], mask[16], fdnum[16], addr[32];
	char *argv[] = { (char *)ut_self, "--child", "keeps", pid, cwd, mask, fdnum, addr, NULL };
	char *envp[] = { NULL }, *self = realpath(ut_self, NULL);
	const char *dir = ut_path("");
	int st;
	pid_t child;

	CHECK(self); /* the exec runs from another directory */
	child = CHECK_OK(fork());
	if (child == 0) {
		/* At an address neither kernel's allocator would choose by itself. */
		char *m = mmap((void *)0x5e0000000000ul, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		int fd = open(self, O_RDONLY);

		if (m == MAP_FAILED || fd < 0 || chdir(dir) < 0 || !getcwd(cwd, sizeof(cwd)))
			_exit(2);
		m[0] = 1;
		umask(027);
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		snprintf(mask, sizeof(mask), "%o", 027);
		snprintf(fdnum, sizeof(fdnum), "%d", fd);
		snprintf(addr, sizeof(addr), "%lx", (unsigned long)m);
		execve(self, argv, envp);
		_exit(3);
	}
	CHECK(waitpid(child, &st, 0) == child);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 46)
		FAIL("the exec'd program found a difference: status %#x", st);
	free(self);
}

/* A forked child's descriptors are its own table over shared open files. */
static void fork_fds(void)
{
	const char *path = ut_path("forkfds");
	int fd = CHECK_OK(open(path, O_CREAT | O_RDWR | O_TRUNC, 0644)), st;
	int cl = CHECK_OK(fcntl(fd, F_DUPFD_CLOEXEC, 20));
	pid_t pid = CHECK_OK(fork());

	if (pid == 0) {
		int ok = fcntl(cl, F_GETFD) == FD_CLOEXEC && fcntl(fd, F_GETFD) == 0;

		ok = ok && close(fd) == 0 && dup2(cl, 30) == 30 && write(30, "child", 5) == 5;
		_exit(ok ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	CHECK(fcntl(fd, F_GETFD) == 0); /* the child's close was its own */
	CHECK_ERR(fcntl(30, F_GETFD), EBADF);
	CHECK(lseek(fd, 0, SEEK_CUR) == 5); /* the file's offset is shared */
	CHECK(write(fd, "parent", 6) == 6);
	close(fd);
	close(cl);
	CHECK_OK(unlink(path));
}

static void write_script(const char *path, const char *interp)
{
	char text[600];

	snprintf(text, sizeof(text), "#!%s\nthe interpreter reads this, or not\n", interp);
	ut_write_file(path, text, strlen(text), 0755);
}

static void exec_scripts(void)
{
	const char *dir = ut_path("scripts"), *script = ut_path("scripts/script");
	const char *loop = ut_path("scripts/loop"), *none = ut_path("scripts/none");
	char *argv[] = { "script", "x", NULL }, *envp[] = { NULL }, interp[512];

	CHECK_OK(mkdir(dir, 0755));
	snprintf(interp, sizeof(interp), "%s --child", ut_self);
	write_script(script, interp);
	CHECK(exec_errno(script, argv, envp) == 43);
	snprintf(interp, sizeof(interp), " \t%s   --child  ", ut_self); /* blanks around */
	write_script(script, interp);
	CHECK(exec_errno(script, argv, envp) == 43);
	write_script(none, "/no/such/interpreter");
	CHECK_EXEC(none, argv, envp, ENOENT);
	write_script(loop, loop); /* its own interpreter: Linux gives up after 4 levels */
	CHECK_EXEC(loop, argv, envp, ELOOP);
	write_script(none, "");
	CHECK_EXEC(none, argv, envp, ENOEXEC); /* "#!" and nothing */
	unlink(script);
	unlink(loop);
	unlink(none);
	CHECK_OK(rmdir(dir));
}

const struct ut_test ut_exec_tests[] = {
	{ "vfork_exec", vfork_exec, 0 },
	{ "exec_bad_files", exec_bad_files, 0 },
	{ "exec_not_executable", exec_not_executable, 0 },
	{ "exec_huge_args", exec_huge_args, 0 },
	{ "exec_big_args", exec_big_args, 0 },
	{ "exec_args_env", exec_args_env, 0 },
	{ "exec_cloexec", exec_cloexec, 0 },
	{ "exec_scripts", exec_scripts, 0 },
	{ "exec_keeps_and_drops", exec_keeps_and_drops, 0 },
	{ "fork_fds", fork_fds, 0 },
	{ NULL, NULL, 0 },
};

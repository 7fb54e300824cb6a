/*
 * init: the first process (PID 1). It mounts nothing. If fds 0-2 are not
 * open it opens /dev/console on them. It runs the command given on its
 * command line (init PATH ARGS...), else /bin/sh if present, else
 * /bin/usertests; it reaps every child with wait4(-1), including the
 * orphans the kernel re-parents to it, and reports how the command ended.
 * Then, as PID 1, it goes on reaping orphans forever (PID 1 must not
 * exit); run as any other PID (tests on the host) it exits with the
 * command's status instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void open_console(void)
{
	int fd;

	if (fcntl(0, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	while (fd < 2)
		fd = dup(fd);
	if (fd > 2)
		close(fd);
}

/* Starts @argv as a child; its pid, or -1. */
static pid_t start(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execve(argv[0], argv, environ);
		fprintf(stderr, "init: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
	return pid;
}

/* Reaps children until @pid has ended; its wait status (-1: no such child). */
static int reap_until(pid_t pid)
{
	int status;

	for (;;) {
		pid_t got = wait4(-1, &status, 0, NULL);

		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR)
			return -1;
	}
}

static void report(const char *path, int status)
{
	if (WIFEXITED(status))
		printf("init: %s exited with status %d\n", path, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("init: %s killed by signal %d\n", path, WTERMSIG(status));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static char *sh[] = { "/bin/sh", NULL }, *tests[] = { "/bin/usertests", NULL };
	char **cmd = argc > 1 ? argv + 1 : access(sh[0], X_OK) == 0 ? sh : tests;
	pid_t pid;
	int status;

	open_console();
	pid = start(cmd);
	status = pid < 0 ? -1 : reap_until(pid);
	if (status != -1)
		report(cmd[0], status);
	if (getpid() != 1)
		return status == -1	   ? 1
		       : WIFEXITED(status) ? WEXITSTATUS(status)
					   : 128 + WTERMSIG(status);
	/* No signal handlers: with no child left, poll for new orphans. */
	for (;;)
		if (wait4(-1, NULL, 0, NULL) < 0 && errno == ECHILD)
			sleep(1);
}

/*
 * init: the first process (PID 1). It mounts nothing. If fds 0-2 are not
 * open it opens /dev/console on them.
 *
 * With a command line (init PATH ARGS..., from the kernel's
 * "init=/bin/init PATH ARGS..."), it runs that command once, reports how
 * it ended and, as PID 1, goes on reaping orphans forever; run as any
 * other PID (tests on the host) it exits with the command's status.
 *
 * Without one it is the console's getty: it starts BusyBox's /bin/sh as a
 * login shell ("-sh", which reads /etc/profile) in a session of its own
 * with the console as its controlling terminal, so job control works, and
 * starts a new one whenever it ends. /bin/usertests runs instead when
 * there is no /bin/sh.
 *
 * Like BusyBox's init it obeys halt, poweroff and reboot (which signal
 * PID 1 unless given -f): SIGUSR1 halts, SIGUSR2 powers off, SIGTERM
 * reboots - after SIGTERM then SIGKILL to every other process and a sync.
 * It reaps every child with wait4(-1), the orphans the kernel re-parents
 * to it included.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t shutdown_signal; /* 0, or what asked for it */

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

/* Starts @argv (exec'd as @argv0) as a child; @session: in a new session
 * whose controlling terminal is fd 0. Its pid, or -1. */
static pid_t start(char **argv, const char *argv0, int session)
{
	pid_t pid = fork();

	if (pid == 0) {
		const char *path = argv[0];

		if (session) {
			setsid();
			if (ioctl(0, TIOCSCTTY, 1) < 0) /* 1: take it from init's session */
				fprintf(stderr, "init: TIOCSCTTY: %s\n", strerror(errno));
		}
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		argv[0] = (char *)argv0;
		execve(path, argv, environ);
		fprintf(stderr, "init: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
	return pid;
}

static void report(const char *path, int status)
{
	if (WIFEXITED(status))
		printf("init: %s exited with status %d\n", path, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("init: %s killed by signal %d\n", path, WTERMSIG(status));
	fflush(stdout);
}

/* Reaps children until @pid has ended (its wait status) or a shutdown is
 * asked for (-2); -1: no such child. */
static int reap_until(pid_t pid)
{
	int status;

	for (;;) {
		if (shutdown_signal)
			return -2;
		pid_t got = wait4(-1, &status, 0, NULL);

		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR)
			return -1;
	}
}

static void on_shutdown(int sig)
{
	shutdown_signal = sig;
}

static void on_child(int sig)
{
	(void)sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ends every other process, syncs and halts, powers off or reboots. */
static void shut_down(int sig)
{
	int how = sig == SIGTERM ? RB_AUTOBOOT : sig == SIGUSR1 ? RB_HALT_SYSTEM : RB_POWER_OFF;

	printf("\ninit: %s\n", sig == SIGTERM	? "rebooting"
			       : sig == SIGUSR1 ? "halting"
						: "powering off");
	fflush(stdout);
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	for (double end = now() + 1; now() < end;) { /* a second to go, as BusyBox init */
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			break;
		usleep(20000);
	}
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sync();
	reboot(how);
	fprintf(stderr, "init: reboot: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	static char *sh[] = { "/bin/sh", NULL }, *tests[] = { "/bin/usertests", NULL };
	int getty = argc < 2 && access(sh[0], X_OK) == 0;
	char **cmd = argc > 1 ? argv + 1 : getty ? sh : tests;
	const char *path = cmd[0];
	struct sigaction sa = { .sa_handler = on_shutdown };
	pid_t pid;
	int status;

	open_console();
	if (getpid() == 1) {
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGUSR1, &sa, NULL);
		sigaction(SIGUSR2, &sa, NULL);
		sa.sa_handler = on_child;
		sigaction(SIGCHLD, &sa, NULL);
	}
	do {
		double started = now();

		pid = start(cmd, getty ? "-sh" : path, getty);
		status = pid < 0 ? -1 : reap_until(pid);
		if (status >= 0)
			report(path, status);
		if (getty && !shutdown_signal && now() - started < 1)
			sleep(1); /* a shell that cannot start must not spin */
	} while (getty && getpid() == 1 && !shutdown_signal);
	if (getpid() != 1)
		return status < 0	   ? 1
		       : WIFEXITED(status) ? WEXITSTATUS(status)
					   : 128 + WTERMSIG(status);
	for (;;) {
		if (shutdown_signal)
			shut_down(shutdown_signal);
		shutdown_signal = 0;
		if (wait4(-1, NULL, 0, NULL) < 0 && errno == ECHILD)
			sleep(1); /* cut short by SIGCHLD when an orphan arrives and ends */
	}
}

/*
 * usertests for pipes and poll (issue 17): pipe2 at the descriptor limit
 * leaks nothing, many pipes polled at once, one of many woken by a child,
 * and a FIFO's blocking open met from a child. Same results on Linux.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ut.h"

#define NPIPES 60

/* With one descriptor free, pipe2 is EMFILE and the free one stays free. */
static void pipe_at_fd_limit(void)
{
	struct rlimit rl = { 64, 64 };
	int fds[2], last = -1, fd;

	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	CHECK(last > 3);
	close(last);
	CHECK_ERR(pipe(fds), EMFILE);
	fd = CHECK_OK(open("/dev/null", O_RDONLY));
	CHECK(fd == last); // the one free slot was not taken
	close(fd);
	close(last - 1);
	CHECK_OK(pipe(fds));
	CHECK(fds[0] == last - 1 && fds[1] == last);
}

static void poll_many_pipes(void)
{
	static int p[NPIPES][2];
	struct pollfd pf[2 * NPIPES];
	int n;

	for (int i = 0; i < NPIPES; i++) {
		CHECK_OK(pipe(p[i]));
		pf[2 * i] = (struct pollfd){ p[i][0], POLLIN, 0 };
		pf[2 * i + 1] = (struct pollfd){ p[i][1], POLLOUT, 0 };
	}
	CHECK_OK(write(p[7][1], "x", 1));
	n = CHECK_OK(poll(pf, 2 * NPIPES, 0));
	CHECK(n == NPIPES + 1); // every write end and one read end
	CHECK(pf[14].revents == POLLIN && pf[0].revents == 0);
	for (int i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

/* A poll on many read ends sleeps until a child writes to one of them. */
static void poll_woken_by_one(void)
{
	static int p[NPIPES][2];
	struct pollfd pf[NPIPES];
	int n, st;
	pid_t pid;

	for (int i = 0; i < NPIPES; i++) {
		CHECK_OK(pipe(p[i]));
		pf[i] = (struct pollfd){ p[i][0], POLLIN, 0 };
	}
	pid = CHECK_OK(fork());
	if (pid == 0) {
		struct timespec ts = { 0, 30000000 };

		nanosleep(&ts, NULL);
		_exit(write(p[NPIPES - 3][1], "y", 1) == 1 ? 0 : 1);
	}
	n = CHECK_OK(poll(pf, NPIPES, 20000));
	CHECK(n == 1);
	CHECK(pf[NPIPES - 3].revents == POLLIN);
	CHECK_OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	for (int i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

/* A writer's blocking FIFO open in a child is met by ours. */
static void fifo_meets(void)
{
	const char *path = "/tmp/ut-pipe.fifo";
	char buf[8];
	int fd, st;
	pid_t pid;

	unlink(path);
	CHECK_OK(mkfifo(path, 0600));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		int w = open(path, O_WRONLY);

		_exit(w >= 0 && write(w, "hey", 3) == 3 ? 0 : 1);
	}
	fd = CHECK_OK(open(path, O_RDONLY));
	CHECK(read(fd, buf, sizeof(buf)) == 3 && !memcmp(buf, "hey", 3));
	CHECK_OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	close(fd);
	CHECK_OK(unlink(path));
}

const struct ut_test ut_pipe_tests[] = {
	{ "pipe_at_fd_limit", pipe_at_fd_limit, 0 },
	{ "poll_many_pipes", poll_many_pipes, 0 },
	{ "poll_woken_by_one", poll_woken_by_one, 0 },
	{ "fifo_meets", fifo_meets, 0 },
	{ NULL, NULL, 0 },
};

/*
 * usertests for pipes and poll (issue 17): pipe2 at the descriptor limit
 * leaks nothing, many pipes polled at once, one of many woken by a child,
 * and a FIFO's blocking open met from a child; EOF after the last of
 * several writers, EPIPE with SIGPIPE (default, ignored, handled),
 * PIPE_BUF atomicity with four concurrent writers, the 64 KiB capacity
 * and O_NONBLOCK, poll/select timeouts (a lower bound only) and both
 * ends' readiness, and a three-process pipeline through exec. Same
 * results on Linux. References: pipe(7), poll(2), select(2).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
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

/* ---- EOF, EPIPE and SIGPIPE ------------------------------------------- */

/* Read end sees EOF only after the last of several writers (dup'd and
 * forked copies) is gone, and everything they wrote first. */
static void pipe_eof_after_last_writer(void)
{
	int p[2], st, total = 0;
	char buf[64];
	ssize_t n;
	pid_t pids[3];

	CHECK_OK(pipe(p));
	for (int i = 0; i < 3; i++) {
		pids[i] = CHECK_OK(fork());
		if (pids[i] == 0) {
			int d = dup(p[1]);

			close(p[0]);
			close(p[1]);
			ut_sleep_ms(20 * i);
			_exit(d >= 0 && write(d, "abcd", 4) == 4 ? 0 : 1);
		}
	}
	CHECK_OK(close(p[1]));
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		total += (int)n;
	CHECK(n == 0 && total == 12);
	for (int i = 0; i < 3; i++)
		CHECK(waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(read(p[0], buf, 1) == 0); // and it stays at EOF
	close(p[0]);
}

static void write_to_broken(void *arg)
{
	int p[2];

	(void)arg;
	if (pipe(p) < 0)
		_exit(2);
	close(p[0]);
	write(p[1], "x", 1);
	_exit(3); // SIGPIPE's default action should have ended us
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void pipe_epipe_and_sigpipe(void)
{
	int p[2];

	ut_expect_signal(write_to_broken, NULL, SIGPIPE, "a write without readers");
	CHECK_OK(pipe(p));
	CHECK_OK(close(p[0]));
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	signal(SIGPIPE, on_sigpipe);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(sigpipes == 1);
	CHECK(write(p[1], "", 0) == 0); // nothing to write: no EPIPE, no signal
	CHECK(sigpipes == 1);
	close(p[1]);
}

/* ---- PIPE_BUF atomicity ----------------------------------------------- */

#define NWRITERS 4
#define NRECORDS 500
#define RECORD 512

/* Record @seq of writer @w: its header, then one byte value throughout. */
static void make_record(unsigned char *r, int w, int seq)
{
	memset(r, (w * 61 + seq) & 0xff, RECORD);
	r[0] = 'R';
	r[1] = (unsigned char)w;
	r[2] = (unsigned char)(seq >> 8);
	r[3] = (unsigned char)seq;
}

static void pipe_buf_atomic(void)
{
	static unsigned char stream[RECORD * 2];
	unsigned char want[RECORD];
	int p[2], st, next[NWRITERS] = { 0 }, have = 0;
	pid_t pids[NWRITERS];
	ssize_t n;

	CHECK_OK(pipe(p));
	for (int w = 0; w < NWRITERS; w++) {
		pids[w] = CHECK_OK(fork());
		if (pids[w] == 0) {
			unsigned char r[RECORD];

			close(p[0]);
			for (int seq = 0; seq < NRECORDS; seq++) {
				make_record(r, w, seq);
				if (write(p[1], r, RECORD) != RECORD)
					_exit(1);
			}
			_exit(0);
		}
	}
	close(p[1]);
	/* Odd-sized reads: record boundaries come anywhere in a read. */
	while ((n = read(p[0], stream + have, 700 < sizeof(stream) - have ? 700 : sizeof(stream) - have)) > 0) {
		have += (int)n;
		while (have >= RECORD) {
			int w = stream[1], seq = stream[2] << 8 | stream[3];

			if (stream[0] != 'R' || w >= NWRITERS || seq != next[w])
				FAIL("record header %02x %d %d (writer's next %d): torn or lost",
				     stream[0], w, seq, w < NWRITERS ? next[w] : -1);
			make_record(want, w, seq);
			if (memcmp(stream, want, RECORD))
				FAIL("record %d of writer %d is torn", seq, w);
			next[w]++;
			memmove(stream, stream + RECORD, (size_t)(have - RECORD));
			have -= RECORD;
		}
	}
	CHECK(n == 0 && have == 0);
	for (int w = 0; w < NWRITERS; w++) {
		CHECK(next[w] == NRECORDS);
		CHECK(waitpid(pids[w], &st, 0) == pids[w] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	close(p[0]);
}

/* ---- Capacity, O_NONBLOCK, poll and select ---------------------------- */

#ifndef F_GETPIPE_SZ
#define F_GETPIPE_SZ 1032
#endif

/* A pipe holds 64 KiB (Linux's default, Corvid's PIPE_SIZE): counted by
 * filling it with O_NONBLOCK; F_GETPIPE_SZ, where there is one, agrees. */
static void pipe_capacity_and_nonblock(void)
{
	static char chunk[1024];
	int p[2], sz, fl;
	long total = 0;
	ssize_t n;
	struct pollfd pf;

	CHECK_OK(pipe(p));
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_ERR(read(p[0], chunk, 1), EAGAIN); // empty, writer there
	fl = CHECK_OK(fcntl(p[1], F_GETFL));
	CHECK_OK(fcntl(p[1], F_SETFL, fl | O_NONBLOCK));
	while ((n = write(p[1], chunk, sizeof(chunk))) > 0)
		total += n;
	CHECK(n < 0 && errno == EAGAIN);
	CHECK_ERR(write(p[1], chunk, 1), EAGAIN);
	if (total != 65536)
		FAIL("the pipe took %ld bytes, want 65536", total);
	sz = fcntl(p[1], F_GETPIPE_SZ);
	if (sz >= 0)
		CHECK(sz == 65536);
	pf = (struct pollfd){ p[1], POLLOUT, 0 };
	CHECK(poll(&pf, 1, 0) == 0); // full: not writable
	for (int i = 0; i < 4; i++)
		CHECK(read(p[0], chunk, sizeof(chunk)) == sizeof(chunk));
	CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT); // a PIPE_BUF of room
	close(p[0]);
	close(p[1]);
	CHECK_OK(pipe2(p, O_NONBLOCK));
	CHECK_ERR(read(p[0], chunk, 1), EAGAIN);
	CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK));
	close(p[0]);
	close(p[1]);
}

static long elapsed_ns(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000000L + (t1.tv_nsec - t0->tv_nsec);
}

/* A 50 ms poll or select on nothing ready times out no earlier. */
static void poll_select_timeouts(void)
{
	int p[2];
	struct pollfd pf;
	struct timespec t0;
	struct timeval tv = { 0, 50000 };
	fd_set rd;
	long ns;

	CHECK_OK(pipe(p));
	pf = (struct pollfd){ p[0], POLLIN, 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(&pf, 1, 50) == 0 && pf.revents == 0);
	if ((ns = elapsed_ns(&t0)) < 50000000L)
		FAIL("poll's 50 ms timeout came after %ld ns", ns);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(NULL, 0, 50) == 0);
	if ((ns = elapsed_ns(&t0)) < 50000000L)
		FAIL("poll(NULL, 0, 50) came back after %ld ns", ns);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &rd));
	if ((ns = elapsed_ns(&t0)) < 50000000L)
		FAIL("select's 50 ms timeout came after %ld ns", ns);
	close(p[0]);
	close(p[1]);
}

/* Both ends through poll and select: empty, with data, writer gone,
 * reader gone. */
static void poll_select_both_ends(void)
{
	int p[2];
	struct pollfd pf[2];
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };
	char c;

	CHECK_OK(pipe(p));
	pf[0] = (struct pollfd){ p[0], POLLIN | POLLOUT, 0 };
	pf[1] = (struct pollfd){ p[1], POLLIN | POLLOUT, 0 };
	CHECK(poll(pf, 2, 0) == 1 && pf[0].revents == 0 && pf[1].revents == POLLOUT);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	CHECK(select(p[1] + 1, &rd, &wr, NULL, &tv) == 1 && !FD_ISSET(p[0], &rd) &&
	      FD_ISSET(p[1], &wr));
	CHECK(write(p[1], "q", 1) == 1);
	CHECK(poll(pf, 2, 0) == 2 && pf[0].revents == POLLIN && pf[1].revents == POLLOUT);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	CHECK(select(p[1] + 1, &rd, &wr, NULL, &tv) == 2 && FD_ISSET(p[0], &rd) &&
	      FD_ISSET(p[1], &wr));
	CHECK(read(p[0], &c, 1) == 1);
	CHECK_OK(close(p[1])); // writer gone: hang-up, and select calls it readable
	CHECK(poll(pf, 1, 0) == 1 && pf[0].revents == POLLHUP);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rd));
	close(p[0]);
	CHECK_OK(pipe(p));
	CHECK_OK(close(p[0])); // reader gone: an error, and select calls it writable
	pf[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	CHECK(poll(&pf[1], 1, 0) == 1 && pf[1].revents == (POLLOUT | POLLERR));
	FD_ZERO(&wr);
	FD_SET(p[1], &wr);
	CHECK(select(p[1] + 1, NULL, &wr, NULL, &tv) == 1 && FD_ISSET(p[1], &wr));
	close(p[1]);
}

/* ---- A pipeline ------------------------------------------------------- */

#define PIPELINE_LINES 2000

/*
 * `usertests --child pipe-stage gen|sum`: a pipeline's end stages. gen
 * writes PIPELINE_LINES numbered lines to stdout; sum reads stdin and
 * exits 0 if exactly those lines arrived in order.
 */
int ut_pipe_stage(int argc, char **argv)
{
	char line[32], buf[4096];
	size_t len = 0;
	int next = 0;
	ssize_t n;

	if (argc == 2 && !strcmp(argv[1], "gen")) {
		for (int i = 0; i < PIPELINE_LINES; i++) {
			int k = snprintf(line, sizeof(line), "line %d\n", i);

			if (write(1, line, (size_t)k) != k)
				return 1;
		}
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "sum"))
		return 2;
	while ((n = read(0, buf + len, sizeof(buf) - len)) > 0) {
		char *s = buf, *nl;

		len += (size_t)n;
		while ((nl = memchr(s, '\n', len - (size_t)(s - buf)))) {
			*nl = 0;
			snprintf(line, sizeof(line), "line %d", next);
			if (strcmp(s, line))
				return 3;
			next++;
			s = nl + 1;
		}
		len -= (size_t)(s - buf);
		memmove(buf, s, len);
	}
	return n == 0 && len == 0 && next == PIPELINE_LINES ? 0 : 4;
}

/* Forks a pipeline stage: stdin from @in, stdout to @out (-1: keep),
 * every descriptor of @fds closed, then execs @argv. */
static pid_t stage(int in, int out, const int fds[4], char **argv)
{
	pid_t pid = CHECK_OK(fork());

	if (pid)
		return pid;
	if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0))
		_exit(126);
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	execv(argv[0], argv);
	_exit(127);
}

/* ut_self gen | /bin/cat | ut_self sum: three processes, two pipes. */
static void pipe_pipeline(void)
{
	char *gen[] = { (char *)ut_self, "--child", "pipe-stage", "gen", NULL };
	char *cat[] = { "/bin/cat", NULL };
	char *sum[] = { (char *)ut_self, "--child", "pipe-stage", "sum", NULL };
	int fds[4], st;
	pid_t pids[3];

	CHECK_OK(pipe(fds));
	CHECK_OK(pipe(fds + 2));
	pids[0] = stage(-1, fds[1], fds, gen);
	pids[1] = stage(fds[0], fds[3], fds, cat);
	pids[2] = stage(fds[2], -1, fds, sum);
	for (int i = 0; i < 4; i++)
		CHECK_OK(close(fds[i]));
	for (int i = 0; i < 3; i++) {
		CHECK(waitpid(pids[i], &st, 0) == pids[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			FAIL("pipeline stage %d: wait status %#x", i, st);
	}
}

const struct ut_test ut_pipe_tests[] = {
	{ "pipe_at_fd_limit", pipe_at_fd_limit, 0 },
	{ "poll_many_pipes", poll_many_pipes, 0 },
	{ "poll_woken_by_one", poll_woken_by_one, 0 },
	{ "fifo_meets", fifo_meets, 0 },
	{ "pipe_eof_after_last_writer", pipe_eof_after_last_writer, 0 },
	{ "pipe_epipe_and_sigpipe", pipe_epipe_and_sigpipe, 0 },
	{ "pipe_buf_atomic", pipe_buf_atomic, 0 },
	{ "pipe_capacity_and_nonblock", pipe_capacity_and_nonblock, 0 },
	{ "poll_select_timeouts", poll_select_timeouts, 0 },
	{ "poll_select_both_ends", poll_select_both_ends, 0 },
	{ "pipe_pipeline", pipe_pipeline, 0 },
	{ NULL, NULL, 0 },
};

/*
 * A differential test of pipes, FIFOs, poll and select (issue 17): EOF
 * and EPIPE, PIPE_BUF atomicity with four writers, fork ping-pong,
 * O_NONBLOCK, reads and writes of 0 bytes, pipe2's flags and bad
 * pointers (no descriptor leaked), named pipes (mknod/mkfifo, open's
 * blocking rules, -ENXIO, -ESPIPE), poll/ppoll/select/pselect6 readiness,
 * timeouts, POLLHUP/POLLERR/POLLNVAL and the time left written back.
 * FIFOs go in argv[1] (default /tmp). It prints one line per observation
 * with nothing that differs between machines; tests/qemu/test_pipe.py
 * runs it in Corvid and on the host and compares. Calls are raw system
 * calls so the kernel's answer is what shows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KADDR 0xffffffff80000000ul // the kernel image: -EFAULT everywhere
#define NWRITERS 4
#define NRECORDS 64
#define RECORD 4096 // PIPE_BUF

static char buf[70000];
static const char *dir = "/tmp";

static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	return r < 0 ? -errno : r;
}

static const char *en(long r)
{
	static char s[32];

	switch (-r) {
	case EAGAIN:
		return "EAGAIN";
	case EPIPE:
		return "EPIPE";
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case EBADF:
		return "EBADF";
	case ENXIO:
		return "ENXIO";
	case ESPIPE:
		return "ESPIPE";
	case EEXIST:
		return "EEXIST";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case EINTR:
		return "EINTR";
	default:
		snprintf(s, sizeof(s), "%ld", r);
		return s;
	}
}

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%-44s -%s\n", what, en(r));
	else
		printf("%-44s %ld\n", what, r);
}

static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	close(fd);
	return fd;
}

static void mkpipe(int fds[2], int flags)
{
	if (sys(SYS_pipe2, (long)fds, flags, 0, 0, 0, 0)) {
		printf("pipe2 failed\n");
		exit(1);
	}
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A write to a pipe nobody reads: SIGPIPE ends the writer by default (the
 * status the parent sees), and with a handler the write is EPIPE after
 * the handler ran. */
static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void sigpipe(void)
{
	int fds[2], st = 0;
	pid_t pid;

	mkpipe(fds, 0);
	close(fds[0]);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		(void)!write(fds[1], "x", 1);
		_exit(0); // not reached
	}
	waitpid(pid, &st, 0);
	printf("sigpipe default: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exited",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	signal(SIGPIPE, on_sigpipe);
	show("sigpipe handled write", sys(SYS_write, fds[1], (long)"x", 1, 0, 0, 0));
	printf("sigpipe handler ran: %d\n", (int)sigpipes);
	signal(SIGPIPE, SIG_IGN);
	close(fds[1]);
}

/* ppoll and pselect6 wait with their own signal mask: a signal blocked
 * outside but not in it ends the wait (its handler runs), and the old
 * mask is back afterwards. */
static volatile sig_atomic_t usr1s;

static void on_usr1(int sig)
{
	(void)sig;
	usr1s++;
}

static void wait_masks(void)
{
	struct timespec ts = { 5, 0 };
	sigset_t block, empty, now;
	struct {
		const sigset_t *ss;
		size_t len;
	} sm = { &empty, 8 };
	int fds[2];
	fd_set rd;

	mkpipe(fds, 0);
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGUSR1); /* pending, blocked */
	struct pollfd pf = { fds[0], POLLIN, 0 };
	show("ppoll, SIGUSR1 unblocked by its mask",
	     sys(SYS_ppoll, (long)&pf, 1, (long)&ts, (long)&empty, 8, 0));
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("ppoll: handler ran %d, SIGUSR1 blocked again: %s\n", (int)usr1s,
	       sigismember(&now, SIGUSR1) ? "yes" : "no");
	kill(getpid(), SIGUSR1);
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	show("pselect6, SIGUSR1 unblocked by its mask",
	     sys(SYS_pselect6, fds[0] + 1, (long)&rd, 0, 0, (long)&ts, (long)&sm));
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("pselect6: handler ran %d, SIGUSR1 blocked again: %s\n", (int)usr1s,
	       sigismember(&now, SIGUSR1) ? "yes" : "no");
	show("ppoll, mask keeps it blocked, timeout 0",
	     sys(SYS_ppoll, (long)&pf, 1, (long)&(struct timespec){ 0, 0 }, (long)&block, 8, 0));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(fds[0]);
	close(fds[1]);
}

static void basics(void)
{
	int p[2];

	mkpipe(p, 0);
	show("write 5 bytes", sys(SYS_write, p[1], (long)"hello", 5, 0, 0, 0));
	show("read asks 100, gets", sys(SYS_read, p[0], (long)buf, 100, 0, 0, 0));
	printf("%-44s %.5s\n", "data", buf);
	show("read of 0 bytes", sys(SYS_read, p[0], (long)buf, 0, 0, 0, 0));
	show("write of 0 bytes", sys(SYS_write, p[1], (long)buf, 0, 0, 0, 0));
	show("lseek on a pipe", sys(SYS_lseek, p[0], 0, SEEK_SET, 0, 0, 0));
	show("pread on a pipe", sys(SYS_pread64, p[0], (long)buf, 1, 0, 0, 0));
	show("write on the read end", sys(SYS_write, p[0], (long)"x", 1, 0, 0, 0));
	show("read on the write end", sys(SYS_read, p[1], (long)buf, 1, 0, 0, 0));
	show("write 2 more", sys(SYS_write, p[1], (long)"ab", 2, 0, 0, 0));
	show("read to a kernel address", sys(SYS_read, p[0], KADDR, 2, 0, 0, 0));
	show("write from a kernel address", sys(SYS_write, p[1], KADDR, 2, 0, 0, 0));
	{
		char a[5], b[8];
		struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

		write(p[1], "0123456789", 10);
		show("readv 5+8 of 10 bytes", sys(SYS_readv, p[0], (long)iov, 2, 0, 0, 0));
		printf("%-44s %.5s %.5s\n", "  data", a, b);
		write(p[1], "abcde", 5);
		show("readv 5+8 of exactly 5 (no wait)",
		     sys(SYS_readv, p[0], (long)iov, 2, 0, 0, 0));
		show("writev 5+8", sys(SYS_writev, p[1], (long)iov, 2, 0, 0, 0));
		show("  a read gets", sys(SYS_read, p[0], (long)buf, 100, 0, 0, 0));
		write(p[1], "ab", 2);
	}
	close(p[1]);
	show("read after the writer closed (data left)",
	     sys(SYS_read, p[0], (long)buf, 9, 0, 0, 0));
	show("read after the writer closed (EOF)", sys(SYS_read, p[0], (long)buf, 9, 0, 0, 0));
	close(p[0]);

	mkpipe(p, 0);
	{
		int w2 = dup(p[1]), r2 = dup(p[0]);

		close(p[1]); // the dup still writes: no EOF
		sys(SYS_fcntl, p[0], F_SETFL, O_NONBLOCK, 0, 0, 0);
		show("dup'd writer open: read gives", sys(SYS_read, p[0], (long)buf, 1, 0, 0, 0));
		close(p[0]); // the dup still reads: no EPIPE
		show("dup'd reader open: write gives", sys(SYS_write, w2, (long)"x", 1, 0, 0, 0));
		close(r2);
		show("last reader closed: write gives", sys(SYS_write, w2, (long)"x", 1, 0, 0, 0));
		close(w2);
	}
	mkpipe(p, 0);
	close(p[0]);
	show("write without readers", sys(SYS_write, p[1], (long)"x", 1, 0, 0, 0));
	show("write of 0 bytes without readers", sys(SYS_write, p[1], (long)"x", 0, 0, 0, 0));
	close(p[1]);
}

static void flags_and_faults(void)
{
	int p[2], before = lowest_free_fd();

	show("pipe2 bad flag O_WRONLY", sys(SYS_pipe2, (long)p, O_WRONLY, 0, 0, 0, 0));
	show("pipe2 bad flag 0x80000000", sys(SYS_pipe2, (long)p, (long)0x80000000u, 0, 0, 0, 0));
	show("pipe2 NULL", sys(SYS_pipe2, 0, 0, 0, 0, 0, 0));
	show("pipe2 kernel address", sys(SYS_pipe2, KADDR, 0, 0, 0, 0, 0));
	show("pipe kernel address", sys(SYS_pipe, KADDR, 0, 0, 0, 0, 0));
	printf("%-44s %s\n", "no descriptor leaked", lowest_free_fd() == before ? "yes" : "no");
	mkpipe(p, O_CLOEXEC);
	show("O_CLOEXEC: F_GETFD read end", sys(SYS_fcntl, p[0], F_GETFD, 0, 0, 0, 0));
	show("O_CLOEXEC: F_GETFD write end", sys(SYS_fcntl, p[1], F_GETFD, 0, 0, 0, 0));
	close(p[0]);
	close(p[1]);
	mkpipe(p, 0);
	show("plain: F_GETFD", sys(SYS_fcntl, p[0], F_GETFD, 0, 0, 0, 0));
	show("plain: O_NONBLOCK in F_GETFL",
	     sys(SYS_fcntl, p[0], F_GETFL, 0, 0, 0, 0) & O_NONBLOCK);
	printf("%-44s %s\n", "fds are consecutive lowest",
	       p[0] == before && p[1] == before + 1 ? "yes" : "no");
	close(p[0]);
	close(p[1]);
}

static void nonblocking(void)
{
	int p[2];
	long total = 0, r;

	mkpipe(p, O_NONBLOCK);
	show("O_NONBLOCK: F_GETFL has it",
	     (sys(SYS_fcntl, p[1], F_GETFL, 0, 0, 0, 0) & O_NONBLOCK) != 0);
	show("read of an empty pipe", sys(SYS_read, p[0], (long)buf, 10, 0, 0, 0));
	while ((r = sys(SYS_write, p[1], (long)buf, 1024, 0, 0, 0)) > 0)
		total += r;
	show("filled with 1024-byte writes", total);
	show("then a write gives", r);
	show("read 4096 of the full pipe", sys(SYS_read, p[0], (long)buf, 4096, 0, 0, 0));
	show("write of 8192 (> PIPE_BUF) when 4096 free",
	     sys(SYS_write, p[1], (long)buf, 8192, 0, 0, 0));
	show("read 100", sys(SYS_read, p[0], (long)buf, 100, 0, 0, 0));
	show("read asks 70000 of the rest", sys(SYS_read, p[0], (long)buf, 70000, 0, 0, 0));
	show("read of the emptied pipe", sys(SYS_read, p[0], (long)buf, 1, 0, 0, 0));
	show("write 65536 at once", sys(SYS_write, p[1], (long)buf, 65536, 0, 0, 0));
	/* F_SETFL clears O_NONBLOCK on the read end: reads then block. */
	show("F_SETFL 0", sys(SYS_fcntl, p[0], F_SETFL, 0, 0, 0, 0));
	show("blocking read of the full pipe", sys(SYS_read, p[0], (long)buf, 70000, 0, 0, 0));
	close(p[1]);
	show("blocking read at EOF", sys(SYS_read, p[0], (long)buf, 1, 0, 0, 0));
	close(p[0]);
}

/* Forked ends: the pipe's writer count follows open files, so EOF comes
 * only when the child's copy closes too. */
static void fork_sharing(void)
{
	int p[2], q[2], st;
	pid_t pid;
	char c;

	mkpipe(p, 0);
	mkpipe(q, 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		read(q[0], &c, 1); // wait for the parent's go
		write(p[1], "child", 5);
		_exit(0);
	}
	close(p[1]);
	write(q[1], "g", 1);
	show("fork: read the child's bytes", sys(SYS_read, p[0], (long)buf, 100, 0, 0, 0));
	show("fork: then EOF once it is gone", sys(SYS_read, p[0], (long)buf, 100, 0, 0, 0));
	waitpid(pid, &st, 0);
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

static void ping_pong(void)
{
	int to[2], from[2], st, bad = 0;
	unsigned char c;
	pid_t pid;

	mkpipe(to, 0);
	mkpipe(from, 0);
	pid = fork();
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		while (read(to[0], &c, 1) == 1) {
			c++;
			write(from[1], &c, 1);
		}
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	for (int i = 0; i < 2000; i++) {
		c = (unsigned char)i;
		write(to[1], &c, 1);
		if (read(from[0], &c, 1) != 1 || c != (unsigned char)(i + 1))
			bad++;
	}
	close(to[1]);
	show("ping-pong: 2000 rounds, wrong answers", bad);
	show("ping-pong: EOF after the child exits", sys(SYS_read, from[0], (long)&c, 1, 0, 0, 0));
	waitpid(pid, &st, 0);
	show("ping-pong: child exit status", WEXITSTATUS(st));
	close(from[0]);
}

/* Four children each write NRECORDS records of PIPE_BUF bytes, all one
 * byte value; the reader reassembles records and checks none is mixed. */
static void atomicity(void)
{
	static unsigned char rec[RECORD];
	int p[2], mixed = 0, counts[NWRITERS] = { 0 }, st;

	mkpipe(p, 0);
	for (int w = 0; w < NWRITERS; w++) {
		if (fork() == 0) {
			close(p[0]);
			memset(rec, 'A' + w, sizeof(rec));
			for (int i = 0; i < NRECORDS; i++)
				if (write(p[1], rec, RECORD) != RECORD)
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	for (;;) {
		size_t got = 0;
		long r = 0;

		while (got < RECORD && (r = read(p[0], rec + got, RECORD - got)) > 0)
			got += (size_t)r;
		if (got < RECORD)
			break;
		for (int i = 1; i < RECORD; i++)
			if (rec[i] != rec[0]) {
				mixed++;
				break;
			}
		if (rec[0] >= 'A' && rec[0] < 'A' + NWRITERS)
			counts[rec[0] - 'A']++;
	}
	for (int w = 0; w < NWRITERS; w++)
		wait(&st);
	show("atomic: mixed records", mixed);
	for (int w = 0; w < NWRITERS; w++) {
		char what[64];

		snprintf(what, sizeof(what), "atomic: records of writer %d", w);
		show(what, counts[w]);
	}
	close(p[0]);
}

/* A write larger than the pipe completes as the reader drains it. */
static void big_write(void)
{
	int p[2], st;
	long total = 0, r;
	pid_t pid;

	mkpipe(p, 0);
	pid = fork();
	if (pid == 0) {
		static char big[200000];

		close(p[0]);
		memset(big, 'z', sizeof(big));
		_exit(write(p[1], big, sizeof(big)) == sizeof(big) ? 0 : 1);
	}
	close(p[1]);
	while ((r = read(p[0], buf, sizeof(buf))) > 0)
		total += r;
	waitpid(pid, &st, 0);
	show("big write: bytes read", total);
	show("big write: writer's status", WEXITSTATUS(st));
	close(p[0]);
}

/* exec closes an O_CLOEXEC end: the reader sees EOF while the exec'd
 * child (which holds the end no more) still runs, held by another pipe. */
static void cloexec_exec(const char *self)
{
	int a[2], b[2], st;
	char fd[16];
	pid_t pid;

	mkpipe(a, O_CLOEXEC);
	mkpipe(b, 0);
	fcntl(b[1], F_SETFD, FD_CLOEXEC); // the child keeps only b's read end
	pid = fork();
	if (pid == 0) {
		snprintf(fd, sizeof(fd), "%d", b[0]);
		execl(self, self, "hold", fd, (char *)NULL);
		_exit(127);
	}
	close(a[1]);
	close(b[0]);
	show("exec closed the O_CLOEXEC end: EOF", sys(SYS_read, a[0], (long)buf, 1, 0, 0, 0));
	show("  while the exec'd child runs", waitpid(pid, &st, WNOHANG) == 0);
	close(b[1]); // the child's read of b ends: it exits
	waitpid(pid, &st, 0);
	show("  child's status", WEXITSTATUS(st));
	close(a[0]);
}

static void fifos(void)
{
	char path[256], path2[256];
	struct stat sb;
	int rd, wr, st;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/pipetest.fifo", dir);
	snprintf(path2, sizeof(path2), "%s/pipetest.reg", dir);
	unlink(path);
	unlink(path2);
	umask(022);
	show("mknod S_IFIFO", sys(SYS_mknodat, AT_FDCWD, (long)path, S_IFIFO | 0666, 0, 0, 0));
	show("mknod again", sys(SYS_mknodat, AT_FDCWD, (long)path, S_IFIFO | 0666, 0, 0, 0));
	stat(path, &sb);
	printf("%-44s %s %o\n", "stat: type, mode", S_ISFIFO(sb.st_mode) ? "fifo" : "other",
	       sb.st_mode & 07777);
	show("mknod S_IFREG", sys(SYS_mknodat, AT_FDCWD, (long)path2, S_IFREG | 0600, 0, 0, 0));
	stat(path2, &sb);
	printf("%-44s %s %o %ld\n", "stat: type, mode, size", S_ISREG(sb.st_mode) ? "reg" : "other",
	       sb.st_mode & 07777, (long)sb.st_size);
	unlink(path2);
	show("mknod type 0 (a regular file)",
	     sys(SYS_mknodat, AT_FDCWD, (long)path2, 0600, 0, 0, 0));
	unlink(path2);
	show("mknod S_IFDIR", sys(SYS_mknodat, AT_FDCWD, (long)path2, S_IFDIR | 0600, 0, 0, 0));
	show("mknod bad type", sys(SYS_mknodat, AT_FDCWD, (long)path2, 0170000 | 0600, 0, 0, 0));
	show("mknod bad pointer", sys(SYS_mknodat, AT_FDCWD, KADDR, S_IFIFO | 0600, 0, 0, 0));
	show("mknod missing directory",
	     sys(SYS_mknodat, AT_FDCWD, (long)"/nonexistent/x", S_IFIFO | 0600, 0, 0, 0));

	show("open O_WRONLY|O_NONBLOCK, no reader",
	     sys(SYS_openat, AT_FDCWD, (long)path, O_WRONLY | O_NONBLOCK, 0, 0, 0));
	rd = (int)sys(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_NONBLOCK, 0, 0, 0);
	show("open O_RDONLY|O_NONBLOCK opens at once", rd >= 0);
	show("read, no writer ever: EOF", sys(SYS_read, rd, (long)buf, 1, 0, 0, 0));
	wr = (int)sys(SYS_openat, AT_FDCWD, (long)path, O_WRONLY | O_NONBLOCK, 0, 0, 0);
	show("open O_WRONLY|O_NONBLOCK with a reader", wr >= 0);
	show("read, a writer, no data", sys(SYS_read, rd, (long)buf, 1, 0, 0, 0));
	show("write through the FIFO", sys(SYS_write, wr, (long)"fifo!", 5, 0, 0, 0));
	show("read from the FIFO", sys(SYS_read, rd, (long)buf, 100, 0, 0, 0));
	show("lseek on a FIFO", sys(SYS_lseek, rd, 0, SEEK_SET, 0, 0, 0));
	close(wr);
	show("read after the writer left", sys(SYS_read, rd, (long)buf, 1, 0, 0, 0));
	close(rd);

	/* Blocking opens meet: the child's writer open waits for our reader. */
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		_exit(fd >= 0 && write(fd, "met", 3) == 3 ? 0 : 1);
	}
	rd = (int)sys(SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0);
	show("blocking O_RDONLY open meets a writer", rd >= 0);
	show("read what it wrote", sys(SYS_read, rd, (long)buf, 100, 0, 0, 0));
	waitpid(pid, &st, 0);
	show("the writer's status", WEXITSTATUS(st));
	show("then EOF", sys(SYS_read, rd, (long)buf, 100, 0, 0, 0));
	close(rd);
	rd = (int)sys(SYS_openat, AT_FDCWD, (long)path, O_RDWR, 0, 0, 0);
	show("O_RDWR open does not wait", rd >= 0);
	show("write to itself", sys(SYS_write, rd, (long)"rw", 2, 0, 0, 0));
	show("read it back", sys(SYS_read, rd, (long)buf, 10, 0, 0, 0));
	close(rd);
	show("unlink the FIFO", sys(SYS_unlinkat, AT_FDCWD, (long)path, 0, 0, 0, 0));
}

static long poll1(int fd, short events, int timeout, short *revents)
{
	struct pollfd pf = { fd, events, 0 };
	long r = sys(SYS_poll, (long)&pf, 1, timeout, 0, 0, 0);

	*revents = pf.revents;
	return r;
}

static void show_poll(const char *what, int fd, short events)
{
	short rev;
	long r = poll1(fd, events, 0, &rev);

	printf("%-44s %ld %#x\n", what, r, (unsigned short)rev);
}

static void polls(void)
{
	struct pollfd pf[3];
	struct timespec t0, ts;
	char path[256];
	int p[2], fd, st;
	pid_t pid;
	short rev;

	mkpipe(p, 0);
	show_poll("poll: empty pipe, POLLIN", p[0], POLLIN);
	show_poll("poll: write end, POLLOUT", p[1], POLLOUT);
	show_poll("poll: write end, POLLIN only", p[1], POLLIN);
	write(p[1], "abc", 3);
	show_poll("poll: data, POLLIN|POLLOUT", p[0], POLLIN | POLLOUT);
	close(p[1]);
	show_poll("poll: data, writer gone", p[0], POLLIN);
	read(p[0], buf, 10);
	show_poll("poll: empty, writer gone", p[0], POLLIN);
	show_poll("poll: empty, writer gone, events 0", p[0], 0);
	close(p[0]);
	mkpipe(p, 0);
	close(p[0]);
	show_poll("poll: write end, reader gone", p[1], POLLOUT);
	close(p[1]);
	mkpipe(p, O_NONBLOCK);
	while (write(p[1], buf, 4096) > 0)
		;
	show_poll("poll: full pipe, POLLOUT", p[1], POLLOUT);
	read(p[0], buf, 4096);
	show_poll("poll: 4096 free, POLLOUT", p[1], POLLOUT);
	close(p[0]);
	close(p[1]);

	show_poll("poll: a closed descriptor", 99, POLLIN);
	show_poll("poll: a negative descriptor", -1, POLLIN);
	fd = open("/dev/null", O_RDWR);
	show_poll("poll: /dev/null", fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	close(fd);
	snprintf(path, sizeof(path), "%s/pipetest.file", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600); // a file: always ready
	show_poll("poll: a regular file", fd, POLLIN | POLLOUT);
	close(fd);
	unlink(path);
	show("poll: huge nfds", sys(SYS_poll, (long)pf, 1 << 20, 0, 0, 0, 0));
	show("poll: bad pointer", sys(SYS_poll, KADDR, 1, 0, 0, 0, 0));
	show("poll: no fds, 0 timeout", sys(SYS_poll, 0, 0, 0, 0, 0, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("poll: no fds, 30 ms", sys(SYS_poll, 0, 0, 30, 0, 0, 0));
	printf("%-44s %s\n", "  waited at least 25 ms", ms_since(&t0) >= 25 ? "yes" : "no");

	mkpipe(p, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	show("poll: empty pipe, 50 ms", poll1(p[0], POLLIN, 50, &rev));
	printf("%-44s %s\n", "  waited at least 45 ms", ms_since(&t0) >= 45 ? "yes" : "no");
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		write(p[1], "w", 1);
		_exit(0);
	}
	show("poll: woken by a child's write (forever)", poll1(p[0], POLLIN, -1, &rev));
	printf("%-44s %#x\n", "  revents", (unsigned short)rev);
	waitpid(pid, &st, 0);
	read(p[0], buf, 1);
	/* Several descriptors, one becomes ready. */
	pf[0] = (struct pollfd){ p[0], POLLIN, 0 };
	pf[1] = (struct pollfd){ p[1], POLLIN, 0 };
	pf[2] = (struct pollfd){ 99, POLLIN, 0 };
	show("poll: 3 fds, one POLLNVAL", sys(SYS_poll, (long)pf, 3, -1, 0, 0, 0));
	printf("%-44s %#x %#x %#x\n", "  revents", (unsigned short)pf[0].revents,
	       (unsigned short)pf[1].revents, (unsigned short)pf[2].revents);

	/* ppoll: the timespec is checked and the time left written back. */
	pf[0] = (struct pollfd){ p[0], POLLIN, 0 };
	ts = (struct timespec){ 0, 1000000000 };
	show("ppoll: tv_nsec 1e9", sys(SYS_ppoll, (long)pf, 1, (long)&ts, 0, 8, 0));
	ts = (struct timespec){ -1, 0 };
	show("ppoll: negative tv_sec", sys(SYS_ppoll, (long)pf, 1, (long)&ts, 0, 8, 0));
	ts = (struct timespec){ 0, 20000000 };
	show("ppoll: empty pipe, 20 ms", sys(SYS_ppoll, (long)pf, 1, (long)&ts, 0, 8, 0));
	printf("%-44s %ld %ld\n", "  time left", (long)ts.tv_sec, ts.tv_nsec);
	ts = (struct timespec){ 0, 0 };
	show("ppoll: zero timeout", sys(SYS_ppoll, (long)pf, 1, (long)&ts, 0, 8, 0));
	pf[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	show("ppoll: NULL timeout, writable", sys(SYS_ppoll, (long)&pf[1], 1, 0, 0, 8, 0));
	show("ppoll: bad sigset size", sys(SYS_ppoll, (long)&pf[1], 1, 0, (long)&ts, 4, 0));
	ts = (struct timespec){ 5, 0 };
	show("ppoll: writable, 5 s", sys(SYS_ppoll, (long)&pf[1], 1, (long)&ts, 0, 8, 0));
	printf("%-44s %s\n", "  time left is 4..5 s",
	       ts.tv_sec == 4 || (ts.tv_sec == 5 && !ts.tv_nsec) ? "yes" : "no");
	close(p[0]);
	close(p[1]);
}

static void selects(void)
{
	fd_set r, w, e;
	struct timeval tv;
	struct timespec ts;
	int p[2], q[2];
	long r2;

	mkpipe(p, 0);
	mkpipe(q, 0);
	write(q[1], "x", 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	FD_SET(p[0], &r);
	FD_SET(q[0], &r);
	FD_SET(p[1], &w);
	FD_SET(p[0], &e);
	tv = (struct timeval){ 0, 0 };
	r2 = sys(SYS_select, q[1] + 1, (long)&r, (long)&w, (long)&e, (long)&tv, 0);
	show("select: 0 timeout", r2);
	printf("%-44s %d %d %d %d\n", "  p[0] in r, q[0] in r, p[1] in w, p[0] in e",
	       FD_ISSET(p[0], &r) != 0, FD_ISSET(q[0], &r) != 0, FD_ISSET(p[1], &w) != 0,
	       FD_ISSET(p[0], &e) != 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 30000 };
	show("select: empty pipe, 30 ms", sys(SYS_select, p[0] + 1, (long)&r, 0, 0, (long)&tv, 0));
	printf("%-44s %ld %ld %d\n", "  time left, bit", (long)tv.tv_sec, (long)tv.tv_usec,
	       FD_ISSET(p[0], &r) != 0);
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	tv = (struct timeval){ 5, 0 };
	show("select: writable, 5 s", sys(SYS_select, p[1] + 1, 0, (long)&w, 0, (long)&tv, 0));
	printf("%-44s %s\n", "  time left is 4..5 s",
	       tv.tv_sec == 4 || (tv.tv_sec == 5 && !tv.tv_usec) ? "yes" : "no");
	tv = (struct timeval){ 0, 1500000 }; // usec past a second: carried
	FD_SET(p[1], &w);
	show("select: tv_usec 1.5e6", sys(SYS_select, p[1] + 1, 0, (long)&w, 0, (long)&tv, 0));
	tv = (struct timeval){ 0, -1 };
	show("select: negative tv_usec", sys(SYS_select, p[1] + 1, 0, (long)&w, 0, (long)&tv, 0));
	show("select: n = -1", sys(SYS_select, -1, 0, 0, 0, 0, 0));
	// Below 64: Linux clamps n to the size of its descriptor table
	// (64 slots until more are opened), so a higher closed number is
	// skipped there rather than refused.
	close(60);
	FD_ZERO(&r);
	FD_SET(60, &r);
	tv = (struct timeval){ 0, 0 };
	show("select: a closed descriptor", sys(SYS_select, 61, (long)&r, 0, 0, (long)&tv, 0));
	show("select: bad set pointer", sys(SYS_select, 4, KADDR, 0, 0, (long)&tv, 0));
	show("select: no sets, 0 timeout", sys(SYS_select, 0, 0, 0, 0, (long)&tv, 0));
	close(q[1]);
	FD_ZERO(&r);
	FD_SET(q[0], &r);
	read(q[0], buf, 1);
	show("select: reader, writer gone (EOF)", sys(SYS_select, q[0] + 1, (long)&r, 0, 0, 0, 0));
	close(p[0]);
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	show("select: writer, reader gone", sys(SYS_select, p[1] + 1, 0, (long)&w, 0, 0, 0));

	/* pselect6: a timespec and a {sigset, size} pair. */
	{
		uint64_t mask = 0;
		long sig[2] = { (long)&mask, 8 }, badsig[2] = { (long)&mask, 4 };

		FD_ZERO(&r);
		FD_SET(q[0], &r);
		ts = (struct timespec){ 0, 20000000 };
		show("pselect6: ready",
		     sys(SYS_pselect6, q[0] + 1, (long)&r, 0, 0, (long)&ts, (long)sig));
		ts = (struct timespec){ 0, 0 };
		show("pselect6: bad sigset size",
		     sys(SYS_pselect6, q[0] + 1, (long)&r, 0, 0, (long)&ts, (long)badsig));
		ts = (struct timespec){ 0, 2000000000 };
		show("pselect6: tv_nsec 2e9",
		     sys(SYS_pselect6, q[0] + 1, (long)&r, 0, 0, (long)&ts, 0));
	}
	close(q[0]);
	close(p[1]);
}

/* "pipetest console": fd 0's readiness before and after a line is typed
 * (tests/qemu/test_pipe.py types it once "waiting" shows). */
static int console(void)
{
	struct pollfd pf = { 0, POLLIN | POLLOUT, 0 };
	long r = sys(SYS_poll, (long)&pf, 1, 0, 0, 0, 0);

	printf("console: nothing typed: %ld %#x\n", r, (unsigned short)pf.revents);
	pf.events = POLLIN;
	printf("console: waiting\n");
	r = sys(SYS_poll, (long)&pf, 1, 20000, 0, 0, 0);
	printf("console: after typing: %ld %#x\n", r, (unsigned short)pf.revents);
	r = sys(SYS_read, 0, (long)buf, 100, 0, 0, 0);
	printf("console: read %ld: %.*s", r, r > 0 ? (int)r : 0, buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "console"))
		return console();
	if (argc > 2 && !strcmp(argv[1], "hold")) // cloexec_exec's child
		return read(atoi(argv[2]), buf, 1) == 0 ? 0 : 1;
	if (argc > 1)
		dir = argv[1];
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN); // EPIPE, not death, on both kernels
	basics();
	sigpipe();
	flags_and_faults();
	nonblocking();
	fork_sharing();
	ping_pong();
	atomicity();
	big_write();
	cloexec_exec(argv[0]);
	fifos();
	polls();
	selects();
	wait_masks();
	printf("pipetest: done\n");
	return 0;
}

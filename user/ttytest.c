/*
 * A differential test of the terminal (drivers/tty, lib/ldisc.c): run on
 * Corvid's console and on a host pty (tests/qemu/test_tty.py), it prints
 * one line per observation, outputs compared.
 *   ttytest        termios defaults, TCSETS/TCSETSF round trips, raw
 *                  reads with VMIN/VTIME, O_NONBLOCK, TIOCGWINSZ/
 *                  TIOCSWINSZ, FIONREAD, the process group and session
 *                  ioctls, /dev/tty, refused arguments.
 *   ttytest lines  canonical reads until end-of-file, each printed with
 *                  its length (the scenario types with ERASE, KILL, ^D).
 *   ttytest raw N  raw mode (VMIN 1): N bytes read one read at a time,
 *                  printed in hex; the terminal restored after.
 *   ttytest poll   poll on half a canonical line (the scenario types
 *                  "ab" at "ready", "c\n" at "half"): not readable until
 *                  the line is complete.
 * Expects to be a session leader with fd 0 as its controlling tty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define KADDR ((void *)0xffffffff80000000ul)

/* The kernel's struct termios (what TCGETS fills; musl's is larger). */
struct ktermios {
	unsigned int iflag, oflag, cflag, lflag;
	unsigned char line, cc[19];
};

static void val(const char *what, long r)
{
	if (r < 0)
		printf("%-40s -1 %s\n", what, strerror(errno));
	else
		printf("%-40s %ld\n", what, r);
}

static void show(const char *what, const struct ktermios *t)
{
	printf("%-40s i %#x o %#x c %#x l %#x\n", what, t->iflag, t->oflag, t->cflag, t->lflag);
	printf("%-40s", "  cc");
	for (int i = 0; i < 17; i++)
		printf(" %d", t->cc[i]);
	putchar('\n');
}

static void raw_reads(struct ktermios *t)
{
	struct timespec t0, t1;
	long ms;
	char c;

	t->cc[VMIN] = 0;
	t->cc[VTIME] = 0;
	val("TCSETS MIN 0 TIME 0", ioctl(0, TCSETS, t));
	val("  read (a poll: nothing typed)", read(0, &c, 1));
	t->cc[VTIME] = 2;
	val("TCSETS MIN 0 TIME 2", ioctl(0, TCSETS, t));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	val("  read (times out)", read(0, &c, 1));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	val("  waited 0.15 s or more", ms >= 150);
	val("  read of 0 bytes", read(0, &c, 0));
	t->cc[VMIN] = 1;
	t->cc[VTIME] = 0;
	val("TCSETS MIN 1 TIME 0", ioctl(0, TCSETS, t));
	val("  fcntl O_NONBLOCK", fcntl(0, F_SETFL, O_NONBLOCK | O_RDWR));
	val("  read nonblocking", read(0, &c, 1));
	val("  fcntl blocking", fcntl(0, F_SETFL, O_RDWR));
}

static void modes(void)
{
	struct ktermios t0, t;

	memset(&t0, 0, sizeof(t0));
	val("isatty 0", isatty(0));
	val("TCGETS", ioctl(0, TCGETS, &t0));
	show("  defaults", &t0);
	t = t0;
	t.lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	t.iflag &= ~(ICRNL | IXON);
	t.oflag &= ~OPOST;
	val("TCSETS raw", ioctl(0, TCSETS, &t));
	memset(&t, 0, sizeof(t));
	val("TCGETS", ioctl(0, TCGETS, &t));
	show("  raw", &t);
	raw_reads(&t);
	val("TCSETSF back", ioctl(0, TCSETSF, &t0));
	val("TCSETSW back", ioctl(0, TCSETSW, &t0));
	memset(&t, 0, sizeof(t));
	val("TCGETS", ioctl(0, TCGETS, &t));
	val("  same as the defaults", !memcmp(&t, &t0, sizeof(t)));
	val("TCSETS kernel address", ioctl(0, TCSETS, KADDR));
	val("TCFLSH input", ioctl(0, TCFLSH, TCIFLUSH));
	val("TCFLSH 7", ioctl(0, TCFLSH, 7));
}

static void sizes(void)
{
	struct winsize ws = { 0 }, big = { 30, 100, 0, 0 };
	int n = -1;

	val("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &ws));
	printf("%-40s %d %d\n", "  rows cols", ws.ws_row, ws.ws_col);
	val("TIOCSWINSZ 30x100", ioctl(0, TIOCSWINSZ, &big));
	memset(&big, 0, sizeof(big));
	val("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &big));
	printf("%-40s %d %d\n", "  rows cols", big.ws_row, big.ws_col);
	val("TIOCSWINSZ back", ioctl(0, TIOCSWINSZ, &ws));
	val("TIOCSWINSZ kernel address", ioctl(0, TIOCSWINSZ, KADDR));
	val("FIONREAD", ioctl(0, FIONREAD, &n));
	printf("%-40s %d\n", "  bytes", n);
}

static void jobs(void)
{
	pid_t pg = -1, sid = -1, bad = 99999999, neg = -5;
	int fd;

	val("TIOCGPGRP", ioctl(0, TIOCGPGRP, &pg));
	val("  is our group", pg == getpgrp());
	val("TIOCGSID", ioctl(0, TIOCGSID, &sid));
	val("  is our session", sid == getsid(0));
	val("  we lead it", sid == getpid());
	val("TIOCSPGRP ours", ioctl(0, TIOCSPGRP, &pg));
	val("TIOCSPGRP no such group", ioctl(0, TIOCSPGRP, &bad));
	val("TIOCSPGRP negative", ioctl(0, TIOCSPGRP, &neg));
	val("TIOCSPGRP kernel address", ioctl(0, TIOCSPGRP, KADDR));
	val("TIOCSCTTY already ours", ioctl(0, TIOCSCTTY, 0));
	val("setsid as a leader", setsid());
	fd = open("/dev/tty", O_RDWR);
	val("open /dev/tty", fd >= 0);
	if (fd >= 0) {
		val("  isatty", isatty(fd));
		val("  write", write(fd, "", 0));
		close(fd);
	}
}

/* Does the caller have a controlling tty? (/dev/tty opens, TIOCGPGRP.) */
static void have_ctty(const char *who)
{
	char what[64];
	pid_t pg;
	int fd = open("/dev/tty", O_RDWR);

	snprintf(what, sizeof(what), "%s: open /dev/tty", who);
	val(what, fd >= 0 ? 0 : -1);
	if (fd >= 0)
		close(fd);
	snprintf(what, sizeof(what), "%s: TIOCGPGRP", who);
	val(what, ioctl(0, TIOCGPGRP, &pg) < 0 ? -1 : 0);
}

/* TIOCNOTTY: a member of the session gives up the controlling tty for
 * itself (and the children it forks after), the leader for the session;
 * last, since the leader then has none. */
static void notty(void)
{
	pid_t child = fork();
	int st;

	if (child == 0) {
		val("member: TIOCNOTTY", ioctl(0, TIOCNOTTY));
		have_ctty("member");
		val("member: TIOCNOTTY again", ioctl(0, TIOCNOTTY));
		if (fork() == 0) {
			have_ctty("member's child");
			_exit(0);
		}
		wait(&st);
		_exit(0);
	}
	waitpid(child, &st, 0);
	have_ctty("leader");
	signal(SIGHUP, SIG_IGN); /* the foreground group (ours) gets SIGHUP */
	val("leader: TIOCNOTTY", ioctl(0, TIOCNOTTY));
	have_ctty("leader after");
}

/* Canonical reads until end-of-file. */
static void lines(void)
{
	char buf[256];
	ssize_t n;

	printf("ready\n");
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		printf("line %zd:", n);
		for (ssize_t i = 0; i < n; i++)
			printf(buf[i] >= ' ' && buf[i] < 127 ? " %c" : " %02x", buf[i]);
		putchar('\n');
	}
	val("end", n);
}

static void raw(int count)
{
	struct ktermios t0, t;
	char c;

	ioctl(0, TCGETS, &t0);
	t = t0;
	t.lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	t.iflag &= ~(ICRNL | IXON);
	t.cc[VMIN] = 1;
	t.cc[VTIME] = 0;
	ioctl(0, TCSETS, &t);
	printf("ready\n");
	for (int i = 0; i < count && read(0, &c, 1) == 1; i++)
		printf("byte %02x\n", (unsigned char)c);
	ioctl(0, TCSETS, &t0);
}

/* poll(2) reports a canonical tty readable only for a whole line. */
static void poll_line(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char buf[64];
	ssize_t n;

	printf("ready\n");
	/* However late "ab" arrives, half a line must not wake the poll. */
	val("half: poll", poll(&p, 1, 1000));
	val("whole: poll", poll(&p, 1, -1));
	val("revents POLLIN", p.revents & POLLIN);
	n = read(0, buf, sizeof(buf));
	val("read", n);
	printf("got %.*s", n > 0 ? (int)n : 0, buf);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "lines"))
		lines();
	else if (argc == 2 && !strcmp(argv[1], "poll"))
		poll_line();
	else if (argc == 3 && !strcmp(argv[1], "raw"))
		raw(atoi(argv[2]));
	else {
		modes();
		sizes();
		jobs();
		notty();
	}
	printf("ttytest: done\n");
	return 0;
}

/*
 * A differential test of the time and information system calls (issue
 * 16): the clocks (gettime, getres, monotonicity, CPU time), the sleeps,
 * gettimeofday and time, the rlimit calls, getrusage, times, sysinfo,
 * getrandom, sched_getaffinity, sched_yield, uname, prctl names and
 * getgroups, including refused calls. It prints one line per
 * observation with nothing that differs between machines: values that do
 * (times, memory, CPU counts) are printed as checks ("yes"/"no").
 * tests/qemu/test_syscalls.py runs it in Corvid and on the host and
 * compares. Every call is a raw system call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define KADDR 0xffffffff80000000ul
#define NSEC 1000000000ll
#define MSEC 1000000ll
#define NOPID 99999999
/* Linux's MAKE_PROCESS_CPUCLOCK / MAKE_THREAD_CPUCLOCK (@which 2: SCHED). */
#define CPUCLOCK(pid, thread, which) \
	((clockid_t)((~(unsigned)(pid) << 3) | (thread) << 2 | (which)))
#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#endif
#define GRND_INSECURE 4

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

static int64_t now(clockid_t c)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, c, &ts) < 0)
		return -1;
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* Spin until the thread has used at least @ns of CPU time (or 10 s of
 * wall time passed: a clock that never advances must not hang the test). */
static void burn(int64_t ns)
{
	int64_t start = now(CLOCK_THREAD_CPUTIME_ID), wall = now(CLOCK_MONOTONIC);
	volatile unsigned long x = 0;

	while (now(CLOCK_THREAD_CPUTIME_ID) - start < ns && now(CLOCK_MONOTONIC) - wall < 10 * NSEC)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static void clocks(void)
{
	static const struct {
		clockid_t id;
		const char *name;
	} ids[] = {
		{ CLOCK_REALTIME, "REALTIME" },
		{ CLOCK_MONOTONIC, "MONOTONIC" },
		{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" },
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
		{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
		{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
		{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
		{ CLOCK_BOOTTIME, "BOOTTIME" },
	};
	struct timespec ts;
	char what[64];
	int64_t prev, t, cpu0, cpu1;
	int mono = 1;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(what, sizeof(what), "clock_gettime %s", ids[i].name);
		val(what, syscall(SYS_clock_gettime, ids[i].id, &ts));
		snprintf(what, sizeof(what), "  nsec in range");
		say(what, "%s", yes(ts.tv_nsec >= 0 && ts.tv_nsec < NSEC));
		memset(&ts, 0x55, sizeof(ts));
		snprintf(what, sizeof(what), "clock_getres %s", ids[i].name);
		val(what, syscall(SYS_clock_getres, ids[i].id, &ts));
		if (ids[i].id == CLOCK_REALTIME_COARSE || ids[i].id == CLOCK_MONOTONIC_COARSE)
			say("  res is one tick (1-10 ms)", "%s",
			    yes(ts.tv_sec == 0 && ts.tv_nsec >= MSEC && ts.tv_nsec <= 10 * MSEC));
		else
			say("  res", "%ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
	}
	val("clock_gettime clock 100", syscall(SYS_clock_gettime, 100, &ts));
	val("clock_gettime clock -1", syscall(SYS_clock_gettime, -1, &ts));
	/* CPU clocks by pid (clock_getcpuclockid): ~pid << 3 | which */
	val("clock_gettime own CPU clock (pid 0)",
	    syscall(SYS_clock_gettime, CPUCLOCK(0, 0, 2), &ts));
	val("clock_gettime own CPU clock (pid)",
	    syscall(SYS_clock_gettime, CPUCLOCK(getpid(), 0, 2), &ts));
	val("clock_gettime own thread CPU clock",
	    syscall(SYS_clock_gettime, CPUCLOCK(0, 1, 2), &ts));
	val("clock_gettime own PROF clock", syscall(SYS_clock_gettime, CPUCLOCK(0, 0, 0), &ts));
	val("clock_getres own CPU clock", syscall(SYS_clock_getres, CPUCLOCK(0, 0, 2), &ts));
	val("clock_gettime no such pid's clock",
	    syscall(SYS_clock_gettime, CPUCLOCK(NOPID, 0, 2), &ts));
	val("clock_gettime CPU clock which 3", syscall(SYS_clock_gettime, CPUCLOCK(0, 0, 3), &ts));
	{
		clockid_t c;

		val("clock_getcpuclockid self", -clock_getcpuclockid(0, &c));
		val("  its clock_gettime", syscall(SYS_clock_gettime, c, &ts));
	}
	val("clock_gettime kernel buffer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KADDR));
	val("clock_gettime NULL", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL));
	val("clock_getres NULL", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
	val("clock_getres clock 100", syscall(SYS_clock_getres, 100, &ts));
	val("clock_getres kernel buffer", syscall(SYS_clock_getres, CLOCK_REALTIME, KADDR));

	prev = now(CLOCK_MONOTONIC);
	for (int i = 0; i < 20000; i++) {
		t = now(CLOCK_MONOTONIC);
		mono &= t >= prev;
		prev = t;
	}
	say("MONOTONIC never goes back (20000 reads)", "%s", yes(mono));
	t = now(CLOCK_MONOTONIC); // read first: BOOTTIME later can only be larger
	say("BOOTTIME >= MONOTONIC", "%s", yes(now(CLOCK_BOOTTIME) >= t));
	say("REALTIME after 2024", "%s", yes(now(CLOCK_REALTIME) / NSEC > 1704067200));
	say("REALTIME_COARSE near REALTIME", "%s",
	    yes(now(CLOCK_REALTIME) - now(CLOCK_REALTIME_COARSE) < 100 * MSEC));

	cpu0 = now(CLOCK_THREAD_CPUTIME_ID);
	burn(30 * MSEC);
	cpu1 = now(CLOCK_THREAD_CPUTIME_ID);
	say("THREAD_CPUTIME advances while busy", "%s", yes(cpu1 - cpu0 >= 30 * MSEC));
	t = now(CLOCK_THREAD_CPUTIME_ID);
	say("PROCESS_CPUTIME >= THREAD_CPUTIME", "%s", yes(now(CLOCK_PROCESS_CPUTIME_ID) >= t));
	/* A sleep that spun would fail every try; a host that stalls the
	 * (virtual) CPU while this runs adds CPU time now and then: any one
	 * of five tries showing the sleep cheap is enough. */
	int cheap = 0;
	for (int try = 0; try < 5 && !cheap; try++) {
		cpu0 = now(CLOCK_THREAD_CPUTIME_ID);
		t = now(CLOCK_MONOTONIC);
		syscall(SYS_nanosleep, &(struct timespec){ 0, 100 * MSEC }, NULL);
		cpu1 = now(CLOCK_THREAD_CPUTIME_ID);
		cheap = cpu1 - cpu0 < (now(CLOCK_MONOTONIC) - t) / 2;
	}
	say("sleeping uses little CPU time", "%s", yes(cheap));
}

/* Sleep with @fn and say whether at least @ns passed. */
static void slept(const char *what, long r, int64_t start, int64_t ns)
{
	int64_t d = now(CLOCK_MONOTONIC) - start;

	if (r)
		say(what, "%s", r > 0 ? ename((int)r) : "failed");
	else
		say(what, "ok, long enough %s", yes(d >= ns));
}

static long cns(clockid_t c, int flags, const struct timespec *req, struct timespec *rem)
{
	long r = syscall(SYS_clock_nanosleep, c, flags, req, rem);

	return r < 0 ? errno : 0; // the call returns the errno; show it so
}

static void sleeps(void)
{
	struct timespec rem, req = { 0, 20 * MSEC };
	int64_t t;

	memset(&rem, 0x55, sizeof(rem));
	t = now(CLOCK_MONOTONIC);
	slept("nanosleep 20 ms", syscall(SYS_nanosleep, &req, &rem), t, 20 * MSEC);
	say("  rem untouched (not interrupted)", "%s", yes(rem.tv_sec == 0x5555555555555555));
	val("nanosleep 0", syscall(SYS_nanosleep, &(struct timespec){ 0, 0 }, NULL));
	val("nanosleep nsec 1e9", syscall(SYS_nanosleep, &(struct timespec){ 0, NSEC }, NULL));
	val("nanosleep nsec -1", syscall(SYS_nanosleep, &(struct timespec){ 0, -1 }, NULL));
	val("nanosleep sec -1", syscall(SYS_nanosleep, &(struct timespec){ -1, 0 }, NULL));
	val("nanosleep NULL", syscall(SYS_nanosleep, NULL, NULL));
	val("nanosleep kernel request", syscall(SYS_nanosleep, KADDR, NULL));

	t = now(CLOCK_MONOTONIC);
	slept("clock_nanosleep MONOTONIC 20 ms", cns(CLOCK_MONOTONIC, 0, &req, NULL), t, 20 * MSEC);
	t = now(CLOCK_MONOTONIC);
	slept("clock_nanosleep BOOTTIME 20 ms", cns(CLOCK_BOOTTIME, 0, &req, NULL), t, 20 * MSEC);
	t = now(CLOCK_MONOTONIC);
	req.tv_sec = (t + 30 * MSEC) / NSEC;
	req.tv_nsec = (t + 30 * MSEC) % NSEC;
	slept("clock_nanosleep MONOTONIC ABSTIME +30 ms",
	      cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL), t, 30 * MSEC);
	t = now(CLOCK_REALTIME);
	req.tv_sec = (t + 20 * MSEC) / NSEC;
	req.tv_nsec = (t + 20 * MSEC) % NSEC;
	t = now(CLOCK_MONOTONIC);
	slept("clock_nanosleep REALTIME ABSTIME +20 ms",
	      cns(CLOCK_REALTIME, TIMER_ABSTIME, &req, NULL), t, 15 * MSEC);
	req = (struct timespec){ 1, 0 }; // long past on the monotonic clock
	t = now(CLOCK_MONOTONIC);
	slept("clock_nanosleep ABSTIME in the past",
	      cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL), t, 0);
	say("  returned at once", "%s", yes(now(CLOCK_MONOTONIC) - t < 500 * MSEC));
	req = (struct timespec){ 0, MSEC };
	say("clock_nanosleep MONOTONIC_RAW", "%s", ename(cns(CLOCK_MONOTONIC_RAW, 0, &req, NULL)));
	say("clock_nanosleep THREAD_CPUTIME", "%s",
	    ename(cns(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL)));
	say("clock_nanosleep clock 100", "%s", ename(cns(100, 0, &req, NULL)));
	say("clock_nanosleep bad nsec", "%s",
	    ename(cns(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, NSEC }, NULL)));
	say("clock_nanosleep kernel request", "%s",
	    ename(cns(CLOCK_MONOTONIC, 0, (void *)KADDR, NULL)));
}

static void wall(void)
{
	struct timeval tv;
	struct {
		int minuteswest, dsttime;
	} tz = { 77, 77 };
	long t;

	val("gettimeofday", syscall(SYS_gettimeofday, &tv, &tz));
	say("  usec in range", "%s", yes(tv.tv_usec >= 0 && tv.tv_usec < 1000000));
	say("  near REALTIME", "%s", yes(tv.tv_sec - now(CLOCK_REALTIME) / NSEC <= 1));
	say("  tz written", "%s", yes(tz.minuteswest != 77));
	val("gettimeofday NULL NULL", syscall(SYS_gettimeofday, NULL, NULL));
	val("gettimeofday kernel tv", syscall(SYS_gettimeofday, KADDR, NULL));
	val("gettimeofday kernel tz", syscall(SYS_gettimeofday, &tv, KADDR));
	t = syscall(SYS_time, NULL);
	say("time near REALTIME", "%s", yes(t - now(CLOCK_REALTIME) / NSEC <= 1));
	syscall(SYS_time, &t);
	say("time stored", "%s", yes(t - now(CLOCK_REALTIME) / NSEC <= 1));
	val("time kernel pointer", syscall(SYS_time, KADDR));
}

static void rlim_show(const char *what, int res)
{
	struct rlimit r;

	if (syscall(SYS_getrlimit, res, &r) < 0)
		val(what, -1);
	else if (r.rlim_max == RLIM_INFINITY)
		say(what, "%lu inf", (unsigned long)r.rlim_cur);
	else
		say(what, "%lu %lu", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
}

static void limits(void)
{
	struct rlimit r = { 0, 1000000 }, old;

	val("setrlimit CORE 0 1000000", syscall(SYS_setrlimit, RLIMIT_CORE, &r));
	rlim_show("getrlimit CORE", RLIMIT_CORE);
	r = (struct rlimit){ 5000, 1000 };
	val("setrlimit soft > hard", syscall(SYS_setrlimit, RLIMIT_CORE, &r));
	/* Not compared: raising a hard limit needs CAP_SYS_RESOURCE, which
	 * Corvid's everyone-is-root has and a host container may not. */
	val("getrlimit resource 16", syscall(SYS_getrlimit, 16, &r));
	val("setrlimit resource 99", syscall(SYS_setrlimit, 99, &r));
	val("getrlimit kernel buffer", syscall(SYS_getrlimit, RLIMIT_CORE, KADDR));
	val("setrlimit kernel buffer", syscall(SYS_setrlimit, RLIMIT_CORE, KADDR));
	val("setrlimit kernel buffer bad resource", syscall(SYS_setrlimit, 99, KADDR));
	r = (struct rlimit){ 2000000, 2000000 };
	val("setrlimit NOFILE over nr_open", syscall(SYS_setrlimit, RLIMIT_NOFILE, &r));
	r = (struct rlimit){ 100, 150 };
	val("setrlimit NOFILE 100 150", syscall(SYS_setrlimit, RLIMIT_NOFILE, &r));
	rlim_show("getrlimit NOFILE", RLIMIT_NOFILE);
	val("dup2 to 120 (over the soft limit)", syscall(SYS_dup2, 1, 120));
	val("fcntl F_DUPFD 100", syscall(SYS_fcntl, 1, F_DUPFD, 100));
	r = (struct rlimit){ 8 << 20, RLIM_INFINITY };
	val("setrlimit STACK 8 MiB", syscall(SYS_setrlimit, RLIMIT_STACK, &r));
	rlim_show("getrlimit STACK", RLIMIT_STACK);
	r = (struct rlimit){ 12345, 23456 };
	val("prlimit64 self new+old", syscall(SYS_prlimit64, 0, RLIMIT_CORE, &r, &old));
	say("  old", "%lu %s", (unsigned long)old.rlim_cur,
	    old.rlim_max == RLIM_INFINITY ? "inf" : "finite");
	val("prlimit64 own pid, old only",
	    syscall(SYS_prlimit64, getpid(), RLIMIT_CORE, NULL, &old));
	say("  old", "%lu %lu", (unsigned long)old.rlim_cur, (unsigned long)old.rlim_max);
	val("prlimit64 no such pid", syscall(SYS_prlimit64, NOPID, RLIMIT_CORE, NULL, &old));
	val("prlimit64 bad resource", syscall(SYS_prlimit64, 0, 64, NULL, &old));
	val("prlimit64 kernel new", syscall(SYS_prlimit64, 0, RLIMIT_CORE, KADDR, NULL));
	val("prlimit64 kernel old", syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, KADDR));
	r = (struct rlimit){ 2, 1 };
	val("prlimit64 soft > hard", syscall(SYS_prlimit64, 0, RLIMIT_CORE, &r, NULL));
	rlim_show("getrlimit CORE unchanged", RLIMIT_CORE);
}

static void usage(void)
{
	struct rusage ru;
	struct tms t;
	struct sysinfo si;
	long r;

	memset(&ru, 0, sizeof(ru));
	val("getrusage SELF", syscall(SYS_getrusage, RUSAGE_SELF, &ru));
	say("  CPU time counted", "%s",
	    yes(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec > 0 ||
		ru.ru_utime.tv_usec + ru.ru_stime.tv_usec > 10000));
	say("  usec in range", "%s",
	    yes(ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000));
	val("getrusage THREAD", syscall(SYS_getrusage, RUSAGE_THREAD, &ru));
	val("getrusage CHILDREN", syscall(SYS_getrusage, RUSAGE_CHILDREN, &ru));
	val("getrusage who 5", syscall(SYS_getrusage, 5, &ru));
	val("getrusage kernel buffer", syscall(SYS_getrusage, RUSAGE_SELF, KADDR));
	r = syscall(SYS_times, &t);
	say("times returns ticks", "%s", yes(r > 0));
	say("  CPU ticks counted", "%s", yes(t.tms_utime + t.tms_stime > 0));
	say("  no children", "%s", yes(t.tms_cutime == 0 && t.tms_cstime == 0));
	say("times NULL", "%s", yes(syscall(SYS_times, NULL) > 0));
	val("times kernel buffer", syscall(SYS_times, KADDR));
	memset(&si, 0, sizeof(si));
	val("sysinfo", syscall(SYS_sysinfo, &si));
	say("  totalram > freeram > 0", "%s", yes(si.totalram > si.freeram && si.freeram > 0));
	say("  mem_unit", "%s", yes(si.mem_unit >= 1));
	say("  procs >= 1", "%s", yes(si.procs >= 1));
	say("  uptime > 0", "%s", yes(si.uptime > 0));
	say("  loads below 1000", "%s",
	    yes(si.loads[0] < (1000ul << 16) && si.loads[2] < (1000ul << 16)));
	val("sysinfo kernel buffer", syscall(SYS_sysinfo, KADDR));
}

static void misc(void)
{
	unsigned char a[64], b[64], zero[64] = { 0 };
	unsigned long mask[16];
	struct utsname u;
	char name[32];
	gid_t groups[4];
	long r;

	val("getrandom 64", syscall(SYS_getrandom, a, sizeof(a), 0));
	val("getrandom 64 again", syscall(SYS_getrandom, b, sizeof(b), GRND_NONBLOCK));
	say("  not zero, not repeated", "%s", yes(memcmp(a, zero, 64) && memcmp(a, b, 64)));
	val("getrandom GRND_RANDOM", syscall(SYS_getrandom, a, 16, GRND_RANDOM));
	val("getrandom GRND_INSECURE", syscall(SYS_getrandom, a, 16, GRND_INSECURE));
	val("getrandom INSECURE|RANDOM",
	    syscall(SYS_getrandom, a, 16, GRND_INSECURE | GRND_RANDOM));
	val("getrandom flag 0x10", syscall(SYS_getrandom, a, 16, 0x10));
	val("getrandom 0 bytes", syscall(SYS_getrandom, a, 0, 0));
	val("getrandom kernel buffer", syscall(SYS_getrandom, KADDR, 16, 0));
	val("getrandom 100000 bytes",
	    syscall(SYS_getrandom, (unsigned char[100000]){ 0 }, 100000, 0));

	memset(mask, 0, sizeof(mask));
	/* Linux answers the size of its cpumask (NR_CPUS bits: a build
	 * option), Corvid 8 bytes: only its shape is compared. */
	r = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	say("sched_getaffinity 128 bytes", "%s", yes(r >= 8 && r % 8 == 0));
	say("  some CPU set", "%s", yes(mask[0] != 0));
	val("sched_getaffinity own pid 8", syscall(SYS_sched_getaffinity, getpid(), 8, mask));
	val("sched_getaffinity 4 bytes", syscall(SYS_sched_getaffinity, 0, 4, mask));
	val("sched_getaffinity 0 bytes", syscall(SYS_sched_getaffinity, 0, 0, mask));
	val("sched_getaffinity 12 bytes", syscall(SYS_sched_getaffinity, 0, 12, mask));
	val("sched_getaffinity no such pid", syscall(SYS_sched_getaffinity, NOPID, 8, mask));
	val("sched_getaffinity kernel buffer", syscall(SYS_sched_getaffinity, 0, 8, KADDR));
	val("sched_yield", syscall(SYS_sched_yield));

	val("uname", syscall(SYS_uname, &u));
	say("  machine", "%s", u.machine);
	say("  sysname set", "%s", yes(u.sysname[0] != 0));
	val("uname kernel buffer", syscall(SYS_uname, KADDR));

	memset(name, 0, sizeof(name));
	val("prctl PR_GET_NAME", syscall(SYS_prctl, PR_GET_NAME, name));
	say("  name", "%s", name);
	val("prctl PR_SET_NAME long", syscall(SYS_prctl, PR_SET_NAME, "a-very-long-name-indeed"));
	memset(name, 'X', sizeof(name));
	val("prctl PR_GET_NAME", syscall(SYS_prctl, PR_GET_NAME, name));
	say("  name cut to 15", "%s", name);
	val("prctl PR_SET_NAME short", syscall(SYS_prctl, PR_SET_NAME, "uinfo"));
	val("prctl PR_SET_NAME kernel", syscall(SYS_prctl, PR_SET_NAME, KADDR));
	val("prctl PR_GET_NAME kernel", syscall(SYS_prctl, PR_GET_NAME, KADDR));
	val("prctl option 9999", syscall(SYS_prctl, 9999, 0));

	val("getgroups -1", syscall(SYS_getgroups, -1, groups));
	say("getgroups 0 counts", "%s", yes(syscall(SYS_getgroups, 0, NULL) >= 0));

	/* Only wrong magic numbers: right ones would act (on the host too).
	 * Linux checks CAP_SYS_BOOT first: run as root. */
	val("reboot: wrong magic 1", syscall(SYS_reboot, 0x12345678, 672274793, 0x4321fedc, 0));
	val("reboot: wrong magic 2", syscall(SYS_reboot, 0xfee1dead, 1, 0x4321fedc, 0));
}

/* "uinfo tty": what the terminal on fd 0 says (TCGETS, TIOCGWINSZ). The
 * scenario runs it on Corvid's console and on a host pty of 80x24. */
static void tty(void)
{
	struct {
		unsigned int iflag, oflag, cflag, lflag;
		unsigned char line, cc[19];
	} t;
	unsigned short ws[4];

	memset(&t, 0, sizeof(t));
	val("TCGETS on fd 0", syscall(SYS_ioctl, 0, TCGETS, &t));
	say("  flags", "i %#x o %#x c %#x l %#x line %d", t.iflag, t.oflag, t.cflag, t.lflag,
	    t.line);
	printf("%-44s", "  cc");
	for (int i = 0; i < 17; i++)
		printf(" %d", t.cc[i]);
	putchar('\n');
	val("TIOCGWINSZ on fd 0", syscall(SYS_ioctl, 0, TIOCGWINSZ, ws));
	say("  rows cols", "%d %d", ws[0], ws[1]);
	val("TCGETS kernel buffer", syscall(SYS_ioctl, 0, TCGETS, KADDR));
	val("TIOCGWINSZ kernel buffer", syscall(SYS_ioctl, 0, TIOCGWINSZ, KADDR));
	val("ioctl unknown on a tty", syscall(SYS_ioctl, 0, 0x5499, 0));
	val("pread on a tty", syscall(SYS_pread64, 0, &t, 1, 0l));
	val("pwrite on a tty", syscall(SYS_pwrite64, 0, "", 0, 0l));
	val("pwrite on stdout (a tty or a pipe)", syscall(SYS_pwrite64, 1, "", 0, 0l));
	val("lseek on a tty", syscall(SYS_lseek, 0, 0l, SEEK_CUR));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "tty")) {
		tty();
		printf("uinfo: done\n");
		return 0;
	}
	clocks();
	sleeps();
	wall();
	limits();
	usage();
	misc();
	printf("uinfo: done\n");
	return 0;
}

/*
 * Time system calls: clock_gettime and clock_getres for the realtime
 * (RTC at boot plus ktime), monotonic, boot-time and CPU-time clocks;
 * gettimeofday and time; nanosleep and clock_nanosleep (relative or
 * TIMER_ABSTIME). Clock ids and rules are Linux's (include/uapi/linux/
 * time.h, kernel/time/posix-timers.c, posix-cpu-timers.c; clock_gettime
 * (2), clock_nanosleep(2)). Sleeps are not interrupted yet (no signal is
 * delivered), so the remaining time is never written.
 * Locking: none (ktime and rtc are lock-free readers; the CPU time is
 * the calling task's own).
 */
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "sched/task.h"
#include "syscall/syscall_internal.h"
#include "time/ktime.h"
#include "time/rtc.h"
#include "time/tick.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define NSEC 1000000000ll

static int64_t realtime_ns(void)
{
	int64_t ns = rtc_unix_now_ns();

	return ns < 0 ? (int64_t)ktime_ns() : ns;
}

/* The time on @clk now, or -EINVAL for a clock we do not have (negative
 * ids are other processes' CPU clocks: not supported). */
static int clock_now(int clk, int64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: // nothing suspends: the same as MONOTONIC
		*ns = (int64_t)ktime_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID: // one thread per process
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = (int64_t)task_cpu_time_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

static struct linux_timespec ns_to_ts(int64_t ns)
{
	return (struct linux_timespec){ .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };
}

long sys_clock_gettime(int clk, uptr_t tp)
{
	struct linux_timespec ts;
	int64_t ns;
	int err = clock_now(clk, &ns);

	if (err)
		return err;
	ts = ns_to_ts(ns);
	return copy_to_user(tp, &ts, sizeof(ts));
}

long sys_clock_getres(int clk, uptr_t res)
{
	struct linux_timespec ts = { 0, 1 }; // high resolution, as Linux's hrtimers
	int64_t ns;
	int err = clock_now(clk, &ns);

	if (err)
		return err;
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = NSEC / tick_hz(); // Linux reports one tick for these
	return uptr_is_null(res) ? 0 : copy_to_user(res, &ts, sizeof(ts));
}

long sys_gettimeofday(uptr_t tv, uptr_t tz)
{
	int64_t ns = realtime_ns();
	struct {
		int64_t tv_sec, tv_usec;
	} t = { ns / NSEC, ns % NSEC / 1000 };
	static const int32_t zone[2] = { 0, 0 }; // minutes west, DST: UTC

	if (!uptr_is_null(tv) && copy_to_user(tv, &t, sizeof(t)))
		return -EFAULT;
	if (!uptr_is_null(tz) && copy_to_user(tz, zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}

long sys_time(uptr_t tloc)
{
	int64_t sec = realtime_ns() / NSEC;

	if (!uptr_is_null(tloc) && copy_to_user(tloc, &sec, sizeof(sec)))
		return -EFAULT;
	return sec;
}

/* Copy in and check a sleep request (Linux's timespec64_valid). */
static int get_request(uptr_t req, int64_t *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, req, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC)
		return -EINVAL;
	*ns = ts.tv_sec > INT64_MAX / NSEC - 1 ? INT64_MAX : ts.tv_sec * NSEC + ts.tv_nsec;
	return 0;
}

long sys_nanosleep(uptr_t req, uptr_t rem)
{
	int64_t ns;
	int err = get_request(req, &ns);

	(void)rem; // written only when a signal interrupts the sleep
	if (!err && ns > 0)
		task_sleep_ns((uint64_t)ns);
	return err;
}

long sys_clock_nanosleep(int clk, int flags, uptr_t req, uptr_t rem)
{
	int64_t ns, now;
	int err;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		break;
	case CLOCK_MONOTONIC_RAW: // no timers on these in Linux either
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	case CLOCK_THREAD_CPUTIME_ID: // no nsleep for it in Linux either
		return -EOPNOTSUPP;
	default:
		/* Linux sleeps on the process CPU clock, but a sleeping single
		 * thread never advances it, so that sleep would never end:
		 * refused (-EINVAL) instead of hanging. */
		return -EINVAL;
	}
	err = get_request(req, &ns);
	if (err)
		return err;
	if (flags & TIMER_ABSTIME) {
		(void)clock_now(clk, &now);
		ns = ns > now ? ns - now : 0;
	}
	(void)rem;
	if (ns > 0)
		task_sleep_ns((uint64_t)ns);
	return 0;
}

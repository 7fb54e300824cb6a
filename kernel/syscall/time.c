/*
 * Time system calls: clock_gettime and clock_getres for the realtime
 * (RTC at boot plus ktime), monotonic, boot-time and CPU-time clocks;
 * gettimeofday and time; nanosleep and clock_nanosleep (relative or
 * TIMER_ABSTIME). Clock ids and rules are Linux's (include/uapi/linux/
 * time.h, kernel/time/posix-timers.c, posix-cpu-timers.c; clock_gettime
 * (2), clock_nanosleep(2)). A signal with a handler ends a sleep with
 * -EINTR and the time left in rem (relative sleeps).
 * Locking: none (ktime and rtc are lock-free readers; the CPU time is
 * the calling task's own).
 */
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
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

/*
 * A negative id is a CPU-time clock by pid (clock_getcpuclockid(3);
 * Linux's CPUCLOCK_PID/PERTHREAD/WHICH encoding: ~pid << 3 | thread << 2 |
 * which, which 0 PROF, 1 VIRT, 2 SCHED). Only the caller's own (pid 0 or
 * its pid: one thread per process) is known; another is -EINVAL, as
 * Linux says for a pid it cannot find.
 */
static int cpu_clock_now(int clk, int64_t *ns)
{
	int pid = ~(clk >> 3);

	if ((clk & 3) == 3)
		return -EINVAL;
	if (pid != 0 && pid != proc_current()->pid)
		return -EINVAL;
	*ns = (int64_t)task_cpu_time_ns(); // all of it is user time here
	return 0;
}

/* The time on @clk now, or -EINVAL for a clock we do not have. */
static int clock_now(int clk, int64_t *ns)
{
	if (clk < 0)
		return cpu_clock_now(clk, ns);
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
	/* Linux reports one tick for the COARSE clocks and for the PROF and
	 * VIRT CPU clocks (tick-sampled); SCHED ones are exact. */
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE ||
	    (clk < 0 && (clk & 3) != 2))
		ts.tv_nsec = NSEC / tick_hz();
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

/* Never woken: sleeps end by their timeout or a signal. */
static struct waitqueue sleep_wq = WAITQUEUE_INIT(sleep_wq, "nanosleep");

/* Sleep @ns, interruptibly. A signal ends it early: the time left goes
 * to @rem (unless NULL) and the result is -ERESTARTNOHAND, which the
 * return to user mode makes -EINTR when a handler runs (Linux's) and a
 * restart of the whole request otherwise (Linux restarts with the time
 * left through its restart block: Corvid's sleep after a stop is longer). */
static long sleep_interruptible(uint64_t ns, uptr_t rem)
{
	uint64_t deadline = ktime_ns() + ns, now;
	struct linux_timespec ts;

	if (!wait_event_interruptible_timeout(&sleep_wq, false, ns))
		return 0;
	now = ktime_ns();
	ns = deadline > now ? deadline - now : 0;
	ts.tv_sec = (int64_t)(ns / (uint64_t)NSEC);
	ts.tv_nsec = (int64_t)(ns % (uint64_t)NSEC);
	if (!uptr_is_null(rem) && copy_to_user(rem, &ts, sizeof(ts)))
		return -EFAULT;
	return -ERESTARTNOHAND;
}

long sys_nanosleep(uptr_t req, uptr_t rem)
{
	int64_t ns;
	int err = get_request(req, &ns);

	if (!err && ns > 0)
		return sleep_interruptible((uint64_t)ns, rem);
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
	if (ns > 0)
		return sleep_interruptible((uint64_t)ns, (flags & TIMER_ABSTIME) ? uptr(0) : rem);
	return 0;
}

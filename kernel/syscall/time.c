/*
 * Time system calls: clock_gettime for the realtime (RTC at boot plus
 * ktime) and monotonic clocks.
 * Locking: none (ktime and rtc are lock-free readers).
 */
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "syscall/syscall_internal.h"
#include "time/ktime.h"
#include "time/rtc.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define NSEC 1000000000ll

long sys_clock_gettime(int clk, uptr_t tp)
{
	struct linux_timespec ts;
	int64_t ns;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		ns = rtc_unix_now_ns();
		if (ns < 0)
			ns = (int64_t)ktime_ns();
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ns = (int64_t)ktime_ns();
		break;
	default:
		return -EINVAL;
	}
	ts.tv_sec = ns / NSEC;
	ts.tv_nsec = ns % NSEC;
	return copy_to_user(tp, &ts, sizeof(ts));
}

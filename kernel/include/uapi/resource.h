/*
 * Limits, usage and system information as Linux's x86_64 ABI lays them
 * out: struct rlimit64 and the RLIMIT_* numbers (asm-generic/resource.h),
 * struct rusage (linux/resource.h), struct tms (linux/times.h), struct
 * sysinfo (linux/sysinfo.h) and struct new_utsname (linux/utsname.h).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum {
	RLIMIT_CPU = 0,
	RLIMIT_FSIZE = 1,
	RLIMIT_DATA = 2,
	RLIMIT_STACK = 3,
	RLIMIT_CORE = 4,
	RLIMIT_RSS = 5,
	RLIMIT_NPROC = 6,
	RLIMIT_NOFILE = 7,
	RLIMIT_MEMLOCK = 8,
	RLIMIT_AS = 9,
	RLIMIT_NLIMITS = 16,
};

#define RLIM_INFINITY (~0ull)

struct linux_rlimit {
	uint64_t rlim_cur, rlim_max;
};

struct linux_timeval {
	int64_t tv_sec, tv_usec;
};

struct linux_rusage {
	struct linux_timeval ru_utime, ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
	int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

_Static_assert(sizeof(struct linux_rusage) == 144, "rusage ABI");

struct linux_tms {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime; // clock ticks (USER_HZ)
};

struct linux_sysinfo {
	int64_t uptime;	    // seconds since boot
	uint64_t loads[3];  // 1, 5, 15 minute load averages << SI_LOAD_SHIFT
	uint64_t totalram;  // in mem_unit bytes
	uint64_t freeram;   //
	uint64_t sharedram; //
	uint64_t bufferram; //
	uint64_t totalswap; //
	uint64_t freeswap;  //
	uint16_t procs;	    // threads
	uint16_t pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};

_Static_assert(offsetof(struct linux_sysinfo, procs) == 80, "sysinfo ABI");
_Static_assert(offsetof(struct linux_sysinfo, mem_unit) == 104, "sysinfo ABI");
_Static_assert(sizeof(struct linux_sysinfo) == 112, "sysinfo ABI");

#define LINUX_UTS_LEN 65
struct linux_utsname {
	char sysname[LINUX_UTS_LEN], nodename[LINUX_UTS_LEN], release[LINUX_UTS_LEN];
	char version[LINUX_UTS_LEN], machine[LINUX_UTS_LEN], domainname[LINUX_UTS_LEN];
};

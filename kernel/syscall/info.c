/*
 * System information, limits and accounting: uname, getgroups, the
 * rlimit calls (prlimit64, getrlimit, setrlimit), getrusage, times,
 * sysinfo, getrandom, sched_getaffinity, prctl's PR_SET_NAME and
 * PR_GET_NAME, and reboot(2) (power off, restart, halt). Rules and layouts are Linux's (kernel/sys.c,
 * kernel/sched/core.c, drivers/char/random.c; getrlimit(2),
 * getrusage(2), sysinfo(2), getrandom(2)). Limits are stored per process
 * (the block at the end of struct proc); a process that never set one
 * has Linux's defaults here: RLIMIT_STACK 8 MiB soft, RLIMIT_NOFILE the
 * fd table's size, everything else RLIM_INFINITY. CPU time is the
 * thread's scheduler runtime, counted as user time.
 * Locking: the limits and name are the calling process's own (Owner);
 * the generator has its own lock (fs/devfs/random.c).
 */
#define LOG_PREFIX "reboot: "

#include "arch/arch.h"
#include "core/log.h"
#include "fs/devfs/devfs.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/resource.h"
#include "lib/loadavg.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "syscall/syscall_internal.h"
#include "time/ktime.h"

#define NSEC 1000000000ull
#define PROC_NRLIMITS RLIMIT_NLIMITS
_Static_assert(sizeof(((struct proc *)0)->rlimits) == RLIMIT_NLIMITS * sizeof(struct proc_rlimit),
	       "one slot per RLIMIT_*");
#define USER_HZ 100 // clock_t ticks for times(2) and AT_CLKTCK
#define STACK_DEFAULT (8ull << 20)
#define NR_OPEN 1048576 // Linux's fs.nr_open default: the NOFILE ceiling
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define RANDOM_CHUNK 256
#define PAGE_BYTES 4096
#define SI_LOAD_SHIFT 16 // sysinfo's loads are fixed point with 16 bits

static struct proc_rlimit rlimit_default(unsigned int res)
{
	if (res == RLIMIT_STACK)
		return (struct proc_rlimit){ STACK_DEFAULT, RLIM_INFINITY };
	if (res == RLIMIT_NOFILE)
		return (struct proc_rlimit){ FD_TABLE_MAX, FD_TABLE_MAX };
	return (struct proc_rlimit){ RLIM_INFINITY, RLIM_INFINITY };
}

/* The calling process's limits, filled with the defaults on first use. */
static struct proc_rlimit *rlimits(void)
{
	struct proc *p = proc_current();

	if (!p->rlimits_set) {
		for (unsigned int i = 0; i < PROC_NRLIMITS; i++)
			p->rlimits[i] = rlimit_default(i);
		p->rlimits_set = true;
	}
	return p->rlimits;
}

uint64_t sys_rlimit_cur(unsigned int res)
{
	return res < PROC_NRLIMITS ? rlimits()[res].cur : RLIM_INFINITY;
}

long sys_prlimit64(int pid, unsigned int res, uptr_t unew, uptr_t uold)
{
	struct linux_rlimit n, o;
	struct proc_rlimit *r;

	if (!uptr_is_null(unew) && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (pid != 0 && pid != proc_current()->pid)
		return -ESRCH; // other processes' limits: not yet
	if (res >= PROC_NRLIMITS)
		return -EINVAL;
	r = &rlimits()[res];
	if (!uptr_is_null(unew)) {
		if (n.rlim_cur > n.rlim_max)
			return -EINVAL;
		if (res == RLIMIT_NOFILE && n.rlim_max > NR_OPEN)
			return -EPERM;
		/* Raising the hard limit needs CAP_SYS_RESOURCE: everyone is root. */
	}
	o.rlim_cur = r->cur;
	o.rlim_max = r->max;
	if (!uptr_is_null(unew)) {
		r->cur = n.rlim_cur;
		r->max = n.rlim_max;
	}
	if (!uptr_is_null(uold) && copy_to_user(uold, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

/* getrlimit and setrlimit always copy (a NULL pointer is -EFAULT, where
 * prlimit64 takes NULL as "not this half"). */
long sys_getrlimit(unsigned int res, uptr_t rlim)
{
	if (res >= PROC_NRLIMITS)
		return -EINVAL; // checked before the copy, as Linux
	return uptr_is_null(rlim) ? -EFAULT : sys_prlimit64(0, res, uptr(0), rlim);
}

long sys_setrlimit(unsigned int res, uptr_t rlim)
{
	if (uptr_is_null(rlim))
		return -EFAULT; // EFAULT before EINVAL, as Linux
	return sys_prlimit64(0, res, rlim, uptr(0));
}

static struct linux_timeval ns_to_tv(uint64_t ns)
{
	return (struct linux_timeval){ (int64_t)(ns / NSEC), (int64_t)(ns % NSEC / 1000) };
}

long sys_getrusage(int who, uptr_t uru)
{
	struct linux_rusage ru;
	uint64_t ns;

	if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		ns = task_cpu_time_ns();
	else if (who == RUSAGE_CHILDREN)
		ns = proc_children_cpu_ns();
	else
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	ru.ru_utime = ns_to_tv(ns);
	return copy_to_user(uru, &ru, sizeof(ru));
}

long sys_times(uptr_t ubuf)
{
	struct linux_tms t = { 0 };

	t.tms_utime = (int64_t)(task_cpu_time_ns() / (NSEC / USER_HZ));
	t.tms_cutime = (int64_t)(proc_children_cpu_ns() / (NSEC / USER_HZ));
	if (!uptr_is_null(ubuf) && copy_to_user(ubuf, &t, sizeof(t)))
		return -EFAULT;
	return (long)(ktime_ns() / (NSEC / USER_HZ)); // ticks since boot
}

long sys_sysinfo(uptr_t ubuf)
{
	struct linux_sysinfo si;
	struct pmm_stats st;
	size_t n = task_count();
	unsigned long avg[3];

	pmm_get_stats(&st);
	sched_loadavg(avg);
	memset(&si, 0, sizeof(si));
	for (int i = 0; i < 3; i++)
		si.loads[i] = avg[i] << (SI_LOAD_SHIFT - LOADAVG_FSHIFT);
	si.uptime = (int64_t)((ktime_ns() + NSEC - 1) / NSEC); // Linux rounds up
	si.totalram = st.total_pages;
	si.freeram = st.free_pages;
	si.procs = n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
	si.mem_unit = PAGE_BYTES;
	return copy_to_user(ubuf, &si, sizeof(si));
}

long sys_getrandom(uptr_t buf, size_t count, unsigned int flags)
{
	uint8_t k[RANDOM_CHUNK];
	size_t done = 0;

	if (flags & ~(unsigned int)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	/* The generator is seeded at boot: no flag ever has to wait. */
	count = MIN(count, (size_t)0x7ffff000); // MAX_RW_COUNT
	while (done < count) {
		size_t n = MIN(count - done, sizeof(k));

		devfs_random_fill(k, n);
		if (copy_to_user(uptr_add(buf, done), k, n))
			break;
		done += n;
		if (task_current()->need_resched)
			task_yield(); // a huge request should not hog the CPU
	}
	memset(k, 0, sizeof(k));
	return done ? (long)done : (count ? -EFAULT : 0);
}

/* Only the calling process (pid 0 or its own) is supported: another
 * pid is -ESRCH. */
long sys_sched_getaffinity(int pid, unsigned int len, uptr_t mask)
{
	uint64_t m = task_affinity(task_current());

	if (pid != 0 && pid != proc_current()->pid)
		return -ESRCH;
	/* Linux: the buffer must hold nr_cpu_ids bits, in whole longs. */
	if (len * 8ull < percpu_online_count() || (len & (sizeof(long) - 1)))
		return -EINVAL;
	if (copy_to_user(mask, &m, sizeof(m)))
		return -EFAULT;
	return sizeof(m);
}

long sys_sched_setaffinity(int pid, unsigned int len, uptr_t mask)
{
	uint64_t m = 0;

	/* Linux reads min(len, its mask size) bytes (the rest count as 0),
	 * then looks the pid up. */
	if (copy_from_user(&m, mask, MIN(len, (unsigned int)sizeof(m))))
		return -EFAULT;
	if (pid != 0 && pid != proc_current()->pid)
		return -ESRCH;
	return task_set_affinity(m);
}

/* getcpu(2): the CPU the caller ran on (stale at once unless pinned);
 * one NUMA node. A NULL pointer is skipped; the third argument (a cache)
 * has been unused since Linux 2.6.24. */
long sys_getcpu(uptr_t cpu, uptr_t node)
{
	unsigned int c = this_cpu_id(), n = 0;

	if (!uptr_is_null(cpu) && copy_to_user(cpu, &c, sizeof(c)))
		return -EFAULT;
	if (!uptr_is_null(node) && copy_to_user(node, &n, sizeof(n)))
		return -EFAULT;
	return 0;
}

long sys_prctl(int option, unsigned long arg2)
{
	char name[PROC_NAME_MAX];
	ssize_t n;

	switch (option) {
	case PR_SET_NAME:
		/* Linux copies at most 15 bytes and cuts silently. */
		memset(name, 0, sizeof(name));
		n = strncpy_from_user(name, uptr(arg2), sizeof(name));
		if (n == -EFAULT)
			return -EFAULT;
		name[PROC_NAME_MAX - 1] = '\0';
		proc_set_name(name);
		return 0;
	case PR_GET_NAME:
		proc_get_name(name);
		return copy_to_user(uptr(arg2), name, sizeof(name));
	default:
		return -EINVAL;
	}
}

long sys_getgroups(int size, uptr_t list)
{
	(void)list;
	return size < 0 ? -EINVAL : 0; // no supplementary groups
}

long sys_uname(uptr_t buf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Corvid", sizeof(u.sysname));
	strlcpy(u.nodename, "corvid", sizeof(u.nodename));
	strlcpy(u.release, "0.1", sizeof(u.release));
	strlcpy(u.version, "#1", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(buf, &u, sizeof(u));
}

/* reboot(2)'s magic numbers and commands (Linux's uapi/linux/reboot.h). */
enum {
	REBOOT_MAGIC1 = (int)0xfee1dead,
	REBOOT_MAGIC2 = 672274793,
	REBOOT_MAGIC2A = 85072278,
	REBOOT_MAGIC2B = 369367448,
	REBOOT_MAGIC2C = 537993216,
	REBOOT_CMD_RESTART = 0x01234567,
	REBOOT_CMD_HALT = (int)0xcdef0123,
	REBOOT_CMD_CAD_ON = (int)0x89abcdef,
	REBOOT_CMD_CAD_OFF = 0,
	REBOOT_CMD_POWER_OFF = 0x4321fedc,
};

long sys_reboot(int magic1, int magic2, int cmd)
{
	const char *what;

	if (magic1 != REBOOT_MAGIC1 || (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
					magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0; // Ctrl-Alt-Del does nothing here either way
	case REBOOT_CMD_RESTART:
		what = "restarting";
		break;
	case REBOOT_CMD_HALT:
		what = "halting";
		break;
	case REBOOT_CMD_POWER_OFF:
		what = "powering off";
		break;
	default:
		return -EINVAL;
	}
	/* Linux leaves the syncing to the caller (init syncs first); Corvid
	 * unmounts and writes the disks back anyway, as its shell's shutdown
	 * does, so a `reboot -f` loses nothing and leaves them clean. */
	vfs_shutdown();
	log_info("pid %d: %s\n", proc_current()->pid, what);
	if (cmd == REBOOT_CMD_RESTART)
		arch_reboot();
	if (cmd == REBOOT_CMD_POWER_OFF)
		arch_poweroff();
	arch_halt_forever();
}

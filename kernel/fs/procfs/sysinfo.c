/*
 * procfs system files, each in the layout Linux gives it so user tools
 * parse them unchanged: meminfo (fs/proc/meminfo.c), cpuinfo
 * (arch/x86/kernel/cpu/proc.c), stat (fs/proc/stat.c), uptime, loadavg, interrupts
 * (kernel/irq/proc.c), version and filesystems. The numbers come from the
 * subsystems' own stats calls (pmm, kmalloc, vmalloc, sched, irq, ktime),
 * each a snapshot taken under that subsystem's lock or read lock-free.
 */
#include "fs/procfs/procfs_internal.h"

#include "arch/arch.h"
#include "fs/mount.h"
#include "include/uapi/errno.h"
#include "irq/irq.h"
#include "lib/loadavg.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vmalloc.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "time/ktime.h"
#include "time/rtc.h"

#define KIB(pages) ((pages) * (PAGE_SIZE / 1024))
#define NS_PER_CENTI 10000000ull
#define FLAGS_MAX 160 // feature names asked of the CPU
#define CACHE_LINE 64 // clflush size and cache_alignment
#define IRQ_PREC 3    // Linux: width of the vector column (< 1000 vectors)

static int render_meminfo(struct procfs_text *t, uint64_t id)
{
	struct pmm_stats p;
	struct kmalloc_stats k;
	struct vmalloc_stats v;
	struct arch_paging_stats a;
	uint64_t shmem = procfs_tmpfs_pages();

	(void)id;
	pmm_get_stats(&p);
	kmalloc_get_stats(&k);
	vmalloc_get_stats(&v);
	arch_paging_get_stats(&a);
	procfs_text_kb(t, "MemTotal", KIB(p.total_pages));
	procfs_text_kb(t, "MemFree", KIB(p.free_pages));
	procfs_text_kb(t, "MemAvailable", KIB(p.free_pages));
	procfs_text_kb(t, "Buffers", 0);
	procfs_text_kb(t, "Cached", KIB(shmem)); // tmpfs pages, as Linux counts them
	static const char *const zeros[] = { "SwapCached", "Active",	"Inactive",
					     "SwapTotal",  "SwapFree",	"Dirty",
					     "Writeback",  "AnonPages", "Mapped" };
	for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
		procfs_text_kb(t, zeros[i], 0);
	procfs_text_kb(t, "Shmem", KIB(shmem));
	procfs_text_kb(t, "Slab", KIB(k.heap_pages));
	procfs_text_kb(t, "SReclaimable", 0);
	procfs_text_kb(t, "SUnreclaim", KIB(k.heap_pages));
	procfs_text_kb(t, "KernelStack", KIB(v.stack_pages));
	procfs_text_kb(t, "PageTables", KIB(a.table_pages));
	procfs_text_kb(t, "CommitLimit", KIB(p.total_pages));
	procfs_text_kb(t, "Committed_AS", KIB(p.total_pages - p.free_pages));
	procfs_text_kb(t, "VmallocUsed", KIB(v.alloc_pages + v.stack_pages + v.ioremap_pages));
	return 0;
}

/* One CPU's paragraph. Every CPU is described by the CPU rendering (QEMU
 * and real machines give all CPUs one model); apicid is the index. */
static void cpuinfo_one(struct procfs_text *t, unsigned int cpu, unsigned int ncpus,
			const struct arch_cpu_ident *id, const char *flags)
{
	uint64_t khz = ktime_cycles_hz() / 1000;
	const struct percpu *pc = percpu_get(cpu);
	unsigned int apic = pc ? pc->apic_id : cpu;

	procfs_text_printf(t, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\n", cpu,
			   id->vendor, id->family);
	procfs_text_printf(t, "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n", id->model,
			   id->brand[0] ? id->brand : "unknown", id->stepping);
	procfs_text_printf(t, "cpu MHz\t\t: %lu.%03lu\n", (unsigned long)(khz / 1000),
			   (unsigned long)(khz % 1000));
	procfs_text_printf(t, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\n", ncpus, cpu);
	procfs_text_printf(t, "cpu cores\t: %u\napicid\t\t: %u\ninitial apicid\t: %u\n", ncpus,
			   apic, apic);
	procfs_text_printf(t,
			   "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
			   id->max_leaf);
	procfs_text_printf(t, "flags\t\t: %s\n", flags);
	procfs_text_printf(t, "bogomips\t: %lu.%02lu\n", (unsigned long)(khz * 2 / 1000),
			   (unsigned long)(khz * 2 % 1000 / 10));
	procfs_text_printf(t, "clflush size\t: %u\ncache_alignment\t: %u\n", CACHE_LINE,
			   CACHE_LINE);
	procfs_text_printf(t, "address sizes\t: %u bits physical, %u bits virtual\n",
			   id->phys_addr_bits, id->virt_addr_bits);
	procfs_text_printf(t, "power management:\n\n");
}

/* The calling CPU's feature names, space-separated, into a new string. */
static char *cpu_flags(void)
{
	const char **names = kmalloc(FLAGS_MAX * sizeof(*names));
	size_t n, len = 1;
	char *s;

	if (!names)
		return NULL;
	n = arch_cpu_features(names, FLAGS_MAX);
	n = n < FLAGS_MAX ? n : FLAGS_MAX;
	for (size_t i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	s = kmalloc(len);
	if (s) {
		struct procfs_text f;

		procfs_text_init(&f, s, len);
		for (size_t i = 0; i < n; i++)
			procfs_text_printf(&f, i ? " %s" : "%s", names[i]);
	}
	kfree(names);
	return s;
}

static int render_cpuinfo(struct procfs_text *t, uint64_t unused)
{
	struct arch_cpu_ident *id = kmalloc(sizeof(*id));
	uint64_t mask = percpu_online_mask();
	unsigned int ncpus = percpu_online_count();
	char *flags = cpu_flags();
	int err = -ENOMEM;

	(void)unused;
	if (id && flags) {
		arch_cpu_identify(id);
		for (unsigned int c = 0; c < MAX_CPUS; c++)
			if (mask & (1ull << c))
				cpuinfo_one(t, c, ncpus, id, flags);
		err = 0;
	}
	kfree(flags);
	kfree(id);
	return err;
}

/* Seconds since boot, and the idle time summed over the online CPUs
 * (Linux's second uptime field), in hundredths. */
static int render_uptime(struct procfs_text *t, uint64_t id)
{
	uint64_t now = ktime_ns(), busy = 0, idle;
	unsigned int ncpus = percpu_count();
	struct sched_cpu_stats st;

	(void)id;
	for (unsigned int c = 0; c < ncpus; c++) {
		sched_cpu_stats(c, &st);
		busy += st.busy_ns;
	}
	idle = now * percpu_online_count();
	idle = idle > busy ? idle - busy : 0;
	now /= NS_PER_CENTI;
	idle /= NS_PER_CENTI;
	procfs_text_printf(t, "%lu.%02lu %lu.%02lu\n", (unsigned long)(now / 100),
			   (unsigned long)(now % 100), (unsigned long)(idle / 100),
			   (unsigned long)(idle % 100));
	return 0;
}

/* "1.00 0.52 0.20 2/15 37": the scheduler's three load averages, then
 * runnable/all tasks and the newest task id, as Linux's. */
static int render_loadavg(struct procfs_text *t, uint64_t id)
{
	unsigned long avg[3];
	size_t n, running = 0;
	struct task_info *ti = procfs_task_snapshot(&n);
	uint64_t last = 0;

	(void)id;
	if (!ti)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		running += ti[i].state == TASK_RUNNING || ti[i].state == TASK_READY;
		last = ti[i].id > last ? ti[i].id : last;
	}
	kfree(ti);
	sched_loadavg(avg);
	for (int i = 0; i < 3; i++)
		procfs_text_printf(t, "%lu.%02lu ", loadavg_int(avg[i]), loadavg_frac(avg[i]));
	procfs_text_printf(t, "%lu/%lu %lu\n", (unsigned long)running, (unsigned long)n,
			   (unsigned long)last);
	return 0;
}

static void interrupts_row(struct procfs_text *t, unsigned int v, uint64_t mask)
{
	const char *name = irq_vector_name(v);
	long gsi = irq_vector_gsi(v);

	procfs_text_printf(t, "%*u: ", IRQ_PREC, v);
	for (unsigned int c = 0; c < MAX_CPUS && c < IRQ_MAX_CPUS; c++)
		if (mask & (1ull << c))
			procfs_text_printf(t, "%10lu ", (unsigned long)irq_cpu_vector_count(c, v));
	if (gsi >= 0)
		procfs_text_printf(t, " IO-APIC %4ld-gsi    %s\n", gsi, name ? name : "");
	else
		procfs_text_printf(t, " LAPIC   vector      %s\n", name ? name : "");
}

/* Linux's layout: a header of CPU columns, one row per vector that has a
 * handler or has counted, then ERR (spurious + unhandled). */
static int render_interrupts(struct procfs_text *t, uint64_t id)
{
	uint64_t mask = percpu_online_mask();

	(void)id;
	procfs_text_printf(t, "%*s", IRQ_PREC + 8, "");
	for (unsigned int c = 0; c < MAX_CPUS && c < IRQ_MAX_CPUS; c++)
		if (mask & (1ull << c))
			procfs_text_printf(t, "CPU%-8u", c);
	procfs_text_printf(t, "\n");
	for (unsigned int v = 0; v < IRQ_NR_VECTORS; v++)
		if (irq_vector_count(v) || irq_vector_name(v))
			interrupts_row(t, v, mask);
	procfs_text_printf(t, "%*s: %10lu\n", IRQ_PREC, "ERR",
			   (unsigned long)(irq_spurious_count() + irq_unhandled_count()));
	return 0;
}

static int render_version(struct procfs_text *t, uint64_t id)
{
	(void)id;
	procfs_text_printf(t, "Corvid version 0.1 (corvid@corvid) (gcc version %s) #1 SMP\n",
			   __VERSION__);
	return 0;
}

static int render_filesystems(struct procfs_text *t, uint64_t id)
{
	const struct fs_type *ft;

	(void)id;
	for (unsigned int i = 0; (ft = fs_type_at(i)); i++)
		procfs_text_printf(t, "%s\t%s\n", ft->requires_dev ? "" : "nodev", ft->name);
	return 0;
}

/* One "cpu" line: user nice system idle iowait irq softirq steal guest
 * guest_nice, in USER_HZ ticks; all busy time counts as system time. */
static void stat_cpu_line(struct procfs_text *t, const char *name, uint64_t busy, uint64_t idle)
{
	procfs_text_printf(t, "%s 0 0 %lu %lu 0 0 0 0 0 0\n", name,
			   (unsigned long)(busy / (NS_PER_CENTI)),
			   (unsigned long)(idle / NS_PER_CENTI));
}

/* Linux's /proc/stat (fs/proc/stat.c): the summed and per-CPU times,
 * interrupts, context switches, boot time, tasks created (the newest
 * task id) and runnable now. */
static int render_stat(struct procfs_text *t, uint64_t unused)
{
	uint64_t now = ktime_ns(), busy = 0, sw = 0, irqs = 0, mask = percpu_online_mask();
	struct sched_cpu_stats st;
	size_t n, running = 0;
	struct task_info *ti = procfs_task_snapshot(&n);
	uint64_t last = 0;
	char name[8];

	(void)unused;
	if (!ti)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		running += ti[i].state == TASK_RUNNING || ti[i].state == TASK_READY;
		last = ti[i].id > last ? ti[i].id : last;
	}
	kfree(ti);
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (mask & (1ull << c)) {
			sched_cpu_stats(c, &st);
			busy += st.busy_ns < now ? st.busy_ns : now;
			sw += st.switches;
		}
	stat_cpu_line(t, "cpu ", busy, now * percpu_online_count() - busy);
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (mask & (1ull << c)) {
			sched_cpu_stats(c, &st);
			uint64_t b = st.busy_ns < now ? st.busy_ns : now;

			ksnprintf(name, sizeof(name), "cpu%u", c);
			stat_cpu_line(t, name, b, now - b);
		}
	for (unsigned int v = 0; v < IRQ_NR_VECTORS; v++)
		irqs += irq_vector_count(v);
	procfs_text_printf(t, "intr %lu\nctxt %lu\nbtime %ld\n", (unsigned long)irqs,
			   (unsigned long)sw,
			   (long)(rtc_unix_now() - (int64_t)(now / 1000000000ull)));
	procfs_text_printf(t, "processes %lu\nprocs_running %lu\nprocs_blocked 0\n",
			   (unsigned long)last, (unsigned long)running);
	return 0;
}

const struct procfs_entry procfs_root_files[] = {
	{ "cpuinfo", render_cpuinfo, NULL, false },
	{ "filesystems", render_filesystems, NULL, false },
	{ "interrupts", render_interrupts, NULL, false },
	{ "loadavg", render_loadavg, NULL, false },
	{ "meminfo", render_meminfo, NULL, false },
	{ "mounts", procfs_render_mounts, NULL, false },
	{ "stat", render_stat, NULL, false },
	{ "uptime", render_uptime, NULL, false },
	{ "version", render_version, NULL, false },
};
const size_t procfs_nr_root_files = sizeof(procfs_root_files) / sizeof(procfs_root_files[0]);

/*
 * In-kernel tests of multiprocessor support: every processor of the MADT
 * is online, the reschedule IPI reaches an idle CPU, a kernel unmapping is
 * shot down from every other CPU's TLB, and ktime never goes backwards
 * across CPUs. Workers run as tasks pinned to each CPU and only record;
 * the test body asserts.
 */
#include "acpi/acpi.h"
#include "acpi/madt.h"
#include "arch/arch.h"
#include "arch/x86_64/irq_vectors.h"
#include "include/atomic.h"
#include "irq/irq.h"
#include "ktest/ktest.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"
#include "sched/percpu.h"
#include "sched/task.h"
#include "time/ktime.h"

KTEST(smp_every_madt_cpu_is_online)
{
	const struct acpi_madt_info *m = acpi_madt();
	unsigned int enabled = 0;

	KASSERT(m != NULL);
	for (unsigned int i = 0; i < m->cpu_count; i++)
		enabled += m->cpus[i].enabled;
	KASSERT_EQ(percpu_online_count(), MIN(enabled, (unsigned int)MAX_CPUS));
	for (unsigned int i = 0; i < percpu_online_count(); i++)
		KASSERT(percpu_get(i) && percpu_get(i)->id == i);
}

static int nothing(void *arg)
{
	return 0;
}

/* Queueing a task on an idle CPU kicks it with the reschedule IPI. A CPU
 * that happens to be awake (its tick, a device interrupt) needs no kick,
 * so each CPU gets a few tries; one that is never kicked fails them all. */
KTEST(smp_reschedule_ipi_reaches_idle_cpu)
{
	unsigned int n = percpu_online_count();

	for (unsigned int cpu = 0; cpu < n; cpu++) {
		bool kicked = false;

		if (cpu == this_cpu_id())
			continue;
		for (int attempt = 0; attempt < 5 && !kicked; attempt++) {
			uint64_t before;
			struct task *t;

			task_sleep_ns(2 * NSEC_PER_MSEC); /* let it go idle */
			before = irq_cpu_vector_count(cpu, IRQ_VEC_RESCHEDULE);
			t = task_create_on(cpu, nothing, NULL, "kick");
			KASSERT(t && task_join(t, NULL) == 0);
			kicked = irq_cpu_vector_count(cpu, IRQ_VEC_RESCHEDULE) > before;
		}
		KASSERT(kicked);
	}
}

struct tlb_probe {
	volatile uint64_t *va;
	bool faulted;
	uint64_t seen;
};

static void read_probe(void *arg)
{
	struct tlb_probe *p = arg;

	p->seen = *p->va;
}

static int probe_main(void *arg)
{
	struct tlb_probe *p = arg;
	struct arch_fault_info info;

	p->faulted = ktest_expect_fault(read_probe, p, &info);
	return 0;
}

/* Run the probe on every CPU; returns how many faulted, or -1. */
static int probe_all(volatile uint64_t *va, uint64_t want, int *wrong)
{
	int faulted = 0;

	*wrong = 0;
	for (unsigned int cpu = 0; cpu < percpu_online_count(); cpu++) {
		struct tlb_probe p = { .va = va };
		struct task *t;

		t = task_create_on(cpu, probe_main, &p, "tlbprobe");
		if (!t || task_join(t, NULL))
			return -1;
		faulted += p.faulted;
		*wrong += !p.faulted && p.seen != want;
	}
	return faulted;
}

/* Every CPU reads a page (now in its TLB); it is unmapped here; now a
 * read on every CPU faults. Without the shootdown QEMU's TLBs, like
 * real ones, would keep serving the stale translation. */
KTEST(smp_tlb_shootdown_on_unmap)
{
	volatile uint64_t *va = vmalloc(PAGE_SIZE);
	uint64_t sent = arch_tlb_shootdown_count();
	paddr_t pa;
	int wrong, faulted;

	KASSERT(va != NULL);
	*va = 0x5ca1ab1e;
	faulted = probe_all(va, 0x5ca1ab1e, &wrong);
	KASSERT_EQ(faulted, 0);
	KASSERT_EQ(wrong, 0);
	KASSERT_EQ(vmm_unmap_page((uintptr_t)va, &pa), 0);
	faulted = probe_all(va, 0, &wrong);
	KASSERT_EQ(vmm_map_page((uintptr_t)va, pa, ARCH_MAP_WRITE), 0);
	vfree((void *)va);
	KASSERT_EQ(faulted, (int)percpu_online_count());
	if (percpu_online_count() > 1)
		KASSERT(arch_tlb_shootdown_count() > sent);
}

static uint64_t ktime_max;	 /* Atomic: the largest ktime any CPU read */
static uint64_t ktime_backwards; /* Atomic: reads below an earlier max */

static int ktime_reader(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		uint64_t seen = atomic_load_acquire(&ktime_max);
		uint64_t now = ktime_ns();

		if (now < seen)
			atomic_fetch_add(&ktime_backwards, 1);
		while (now > seen &&
		       !__atomic_compare_exchange_n(&ktime_max, &seen, now, false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST))
			;
	}
	return 0;
}

/* A time read on one CPU after another CPU's read is never smaller. */
KTEST(smp_ktime_monotonic_across_cpus)
{
	struct task *t[MAX_CPUS];
	unsigned int n = percpu_online_count();

	atomic_store_release(&ktime_max, 0);
	atomic_store_release(&ktime_backwards, 0);
	for (unsigned int cpu = 0; cpu < n; cpu++)
		KASSERT((t[cpu] = task_create_on(cpu, ktime_reader, NULL, "ktime")) != NULL);
	for (unsigned int cpu = 0; cpu < n; cpu++)
		KASSERT_EQ(task_join(t[cpu], NULL), 0);
	KASSERT_EQ(atomic_load_acquire(&ktime_backwards), 0);
}

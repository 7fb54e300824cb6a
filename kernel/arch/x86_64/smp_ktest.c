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

/* Generous: only a broken kernel waits this long, a starved emulator
 * (8 vCPUs on 2 busy host cores) just takes a while. */
#define SMP_WAIT_NS (10 * NSEC_PER_SEC)
#define IPI_SETTLE_NS (100 * NSEC_PER_MSEC)

static bool cpu_runs_idle(unsigned int cpu)
{
	const struct percpu *c = percpu_get(cpu);

	return READ_ONCE(c->current) == c->idle;
}

/* Wait up to @until for @cpu's reschedule count to pass @before. The kick
 * may be taken just after the task ran, when the CPU's tick woke it first. */
static bool resched_count_passes(unsigned int cpu, uint64_t before, uint64_t until)
{
	while (irq_cpu_vector_count(cpu, IRQ_VEC_RESCHEDULE) == before && ktime_ns() < until)
		task_sleep_ns(NSEC_PER_MSEC);
	return irq_cpu_vector_count(cpu, IRQ_VEC_RESCHEDULE) > before;
}

/* Queueing a task on an idle CPU kicks it with the reschedule IPI. Each
 * try first waits until the CPU really runs its idle task (a starved vCPU
 * may take long to get there; one that is busy needs no kick); a CPU whose
 * kick never arrives fails every try until the deadline. */
KTEST(smp_reschedule_ipi_reaches_idle_cpu)
{
	unsigned int n = percpu_online_count();

	for (unsigned int cpu = 0; cpu < n; cpu++) {
		uint64_t deadline = ktime_ns() + SMP_WAIT_NS;
		bool kicked = false;
		int tries = 0;

		if (cpu == this_cpu_id())
			continue;
		while (!kicked && ktime_ns() < deadline) {
			uint64_t before;
			struct task *t;

			while (!cpu_runs_idle(cpu) && ktime_ns() < deadline)
				task_sleep_ns(NSEC_PER_MSEC);
			before = irq_cpu_vector_count(cpu, IRQ_VEC_RESCHEDULE);
			t = task_create_on(cpu, nothing, NULL, "kick");
			KASSERT(t && task_join(t, NULL) == 0);
			kicked = resched_count_passes(cpu, before, ktime_ns() + IPI_SETTLE_NS);
			tries++;
		}
		if (!kicked)
			ktest_fail(__FILE__, __LINE__, "CPU %u got no reschedule IPI in %d tries",
				   cpu, tries);
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

/*
 * Inter-processor interrupts: the scheduler's reschedule kick and the TLB
 * shootdowns, for kernel mappings (every other CPU) and for one user
 * address space (the CPUs that have its root loaded: paging_loaded_root).
 *
 * Shootdown protocol: one shootdown at a time (sd_busy). The initiator
 * publishes the range, marks every other online CPU pending, sends each
 * the IPI and waits until all have acknowledged. A CPU serves a request in
 * the IPI handler, or, while it waits for sd_busy or for acknowledgements
 * itself with interrupts off, by polling its pending flag - so two CPUs
 * shooting down at once cannot wait for each other. The caller must hold
 * no spinlock (a CPU spinning for it with interrupts off could not answer),
 * except a lock whose every waiter polls arch_tlb_poll() while it spins
 * (struct mm's lock, proc/mm.c).
 * Locking: the fields below are atomics, as marked.
 */
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq_vectors.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"
#include "core/log.h"
#include "core/panic.h"
#include "include/atomic.h"
#include "irq/irq.h"
#include "sched/percpu.h"

#define LOG_PREFIX "ipi: "
#define FLUSH_ALL_ABOVE 32 /* pages: beyond this, flush the whole TLB */

static uint32_t sd_busy;	      /* Atomic: a shootdown is in progress */
static uintptr_t sd_va;		      /* Written by the sd_busy holder */
static size_t sd_pages;		      /* Written by the sd_busy holder */
static uint32_t sd_pending[MAX_CPUS]; /* Atomic: CPU i must flush */
static int64_t sd_left;		      /* Atomic: CPUs yet to acknowledge */
static uint64_t sd_count;	      /* Atomic: shootdowns that sent IPIs (tests) */

void arch_send_reschedule(unsigned int cpu)
{
	struct percpu *c = percpu_get(cpu);

	if (c && c != this_cpu())
		lapic_send_ipi(c->apic_id, IRQ_VEC_RESCHEDULE);
}

/* Flush this CPU's entries if it has a request; interrupts off. */
static void serve_shootdown(void)
{
	unsigned int me = this_cpu_id();

	if (!atomic_exchange(&sd_pending[me], 0))
		return;
	if (sd_pages > FLUSH_ALL_ABOVE) {
		arch_tlb_flush_all();
	} else {
		for (size_t i = 0; i < sd_pages; i++)
			invlpg(sd_va + i * PAGE_SIZE);
	}
	atomic_fetch_add(&sd_left, -1);
}

static void shootdown_interrupt(struct irq_ctx *ctx, void *data)
{
	serve_shootdown();
}

/* Nothing to do: the reschedule happens at interrupt exit. */
static void reschedule_interrupt(struct irq_ctx *ctx, void *data)
{
}

void arch_tlb_poll(void)
{
	unsigned long flags = arch_irq_save();

	serve_shootdown();
	arch_irq_restore(flags);
}

/* Does CPU @i need the flush? All others for kernel mappings (@root 0),
 * else those that have @root loaded now. */
static bool is_target(unsigned int i, paddr_t root)
{
	return !root || paging_loaded_root(i) == root;
}

/* Flush [va, va + pages) on the other CPUs that is_target() picks. */
static void shootdown(paddr_t root, uintptr_t va, size_t pages)
{
	unsigned long flags;
	unsigned int me, sent;

	if (percpu_online_count() <= 1 || !pages)
		return;
	flags = arch_irq_save();
	while (atomic_exchange(&sd_busy, 1)) {
		serve_shootdown();
		arch_cpu_relax();
	}
	me = this_cpu_id();
	sd_va = va;
	sd_pages = pages;
	atomic_store_release(&sd_left, 0);
	sent = 0;
	for (unsigned int i = 0; i < percpu_count(); i++) {
		struct percpu *c = percpu_get(i);

		if (i == me || !c || !atomic_load_acquire(&c->online) || !is_target(i, root))
			continue;
		atomic_fetch_add(&sd_left, 1);
		sent++;
		atomic_store_release(&sd_pending[i], 1);
		lapic_send_ipi(c->apic_id, IRQ_VEC_TLB_SHOOTDOWN);
	}
	while (atomic_load_acquire(&sd_left) > 0) {
		serve_shootdown();
		arch_cpu_relax();
	}
	if (sent)
		atomic_fetch_add(&sd_count, 1);
	atomic_store_release(&sd_busy, 0);
	arch_irq_restore(flags);
}

void arch_tlb_shootdown(uintptr_t va, size_t pages)
{
	shootdown(0, va, pages);
}

void arch_as_flush(paddr_t root, uintptr_t va, size_t pages)
{
	arch_as_flush_local(root, va, pages);
	smp_mb(); /* the PTE edits before the loaded-root reads (paging.c) */
	shootdown(root, va, pages);
}

uint64_t arch_tlb_shootdown_count(void)
{
	return atomic_load_acquire(&sd_count);
}

void smp_init_ipis(void)
{
	if (irq_attach(IRQ_VEC_RESCHEDULE, reschedule_interrupt, NULL, "resched") ||
	    irq_attach(IRQ_VEC_TLB_SHOOTDOWN, shootdown_interrupt, NULL, "tlb"))
		panic("ipi: cannot attach the IPI vectors");
}

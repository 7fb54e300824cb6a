/*
 * Inter-processor interrupts used by the scheduler. (Application-processor
 * bring-up joins this file with SMP.)
 */
#include "arch/arch.h"
#include "arch/x86_64/irq_vectors.h"
#include "arch/x86_64/lapic.h"
#include "sched/percpu.h"

void arch_send_reschedule(unsigned int cpu)
{
	struct percpu *c = percpu_get(cpu);

	if (c && c != this_cpu())
		lapic_send_ipi(c->apic_id, IRQ_VEC_RESCHEDULE);
}

/*
 * Stopping the other CPUs for a panic. The panicking CPU records itself as
 * the stopper, sends an NMI to every other online CPU (an NMI gets through
 * with interrupts off and while a CPU spins on a lock) and waits, bounded,
 * until each has said so. A CPU that takes that NMI, or that panics itself
 * while another CPU already reports, marks itself stopped and halts with
 * interrupts off for good; NMIs stay blocked because it never irets.
 * Targeted NMIs rather than the all-but-self shorthand: a processor that
 * never came online (wait-for-SIPI, or running the real-mode trampoline
 * with no IDT) must not get one.
 * Locking: the state below is atomics only; nothing here may take a lock
 * (the CPUs being stopped may hold any of them).
 * Reference: Intel SDM Vol. 3 §11.6.1 (ICR, NMI delivery mode), §6.7.1
 * (NMIs are blocked until the next IRET).
 */
#include "arch/arch.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/smp.h"
#include "include/atomic.h"
#include "sched/percpu.h"
#include "time/ktime.h"

#define STOP_WAIT_NS NSEC_PER_SEC /* generous: 8 virtual CPUs on 2 host cores */
#define STOP_WAIT_SPINS 100000000 /* the bound when no clock runs yet */

static uint32_t stopper;	   /* Atomic: 1 + id of the stopping CPU, 0 none */
static uint32_t stopped[MAX_CPUS]; /* Atomic: CPU i has halted for good */

void arch_stop_this_cpu(void)
{
	arch_irq_disable();
	atomic_store_release(&stopped[this_cpu_id()], 1);
	arch_halt_forever();
}

bool smp_stop_requested(void)
{
	uint32_t s = atomic_load_acquire(&stopper);

	return s != 0 && s - 1 != this_cpu_id();
}

/* How many of the online CPUs other than @me have stopped. */
static unsigned int count_stopped(unsigned int me)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < percpu_count() && i < MAX_CPUS; i++)
		if (i != me && atomic_load_acquire(&stopped[i]))
			n++;
	return n;
}

unsigned int arch_stop_other_cpus(unsigned int *asked)
{
	unsigned int me = this_cpu_id(), n = 0, done;
	uint64_t start = ktime_ns();

	atomic_store_release(&stopper, me + 1);
	for (unsigned int i = 0; i < percpu_count(); i++) {
		struct percpu *c = percpu_get(i);

		if (i == me || !c || !atomic_load_acquire(&c->online))
			continue;
		n++;
		if (!atomic_load_acquire(&stopped[i]))
			lapic_send_nmi(c->apic_id);
	}
	*asked = n;
	for (unsigned long spins = 0; (done = count_stopped(me)) < n; spins++) {
		if (start ? ktime_ns() - start > STOP_WAIT_NS : spins > STOP_WAIT_SPINS)
			break;
		arch_cpu_relax();
	}
	return done;
}

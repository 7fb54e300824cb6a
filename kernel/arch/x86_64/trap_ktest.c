/*
 * In-kernel tests of the exception paths in trap.c that need the real
 * local APIC: an NMI that arrives while a fault catcher is armed is an
 * NMI (counted and resumed), not the fault the catcher waits for.
 */
#include "arch/arch.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"
#include "include/compiler.h"
#include "ktest/ktest.h"
#include "time/ktime.h"

#define NMI_WAIT_NS (1000 * NSEC_PER_MSEC)

struct nmi_probe {
	uint64_t nmis_before, nmis_after; /* this CPU's NMI count */
};

/* Runs with the catcher armed and preemption off: NMI ourselves, wait
 * until it has been taken, then fault on purpose. */
static void nmi_then_fault(void *arg)
{
	struct nmi_probe *p = arg;
	volatile uint64_t *bad = (volatile uint64_t *)0xffffffff7ff00000ull; /* unmapped */
	uint64_t deadline = ktime_ns() + NMI_WAIT_NS;

	p->nmis_before = READ_ONCE(smp_this_arch()->nmis);
	lapic_send_nmi(lapic_id());
	while (READ_ONCE(smp_this_arch()->nmis) == p->nmis_before && ktime_ns() < deadline)
		arch_cpu_relax();
	p->nmis_after = READ_ONCE(smp_this_arch()->nmis);
	(void)*bad;
}

KTEST(trap_nmi_does_not_consume_the_fault_catcher)
{
	struct arch_fault_info info = { 0 };
	struct nmi_probe p = { 0 };

	KASSERT(ktest_expect_fault(nmi_then_fault, &p, &info));
	KASSERT_EQ(info.vector, VEC_PAGE_FAULT); /* not VEC_NMI */
	KASSERT_EQ(info.addr, 0xffffffff7ff00000ull);
	KASSERT(p.nmis_after > p.nmis_before); /* the NMI was taken as one */
}

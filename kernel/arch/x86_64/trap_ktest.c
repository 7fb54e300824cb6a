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

/* ---- NMIs stay blocked through exceptions inside an NMI handler ---- */

static bool hook_fault_caught; /* Owner: the test's CPU (NMI context) */

static void fault_now(void *arg)
{
	(void)arg;
	(void)*(volatile uint64_t *)0xffffffff7ff00000ull; /* unmapped */
}

/* Inside an NMI: queue a second NMI (blocked for now), then take and
 * catch a page fault. An iretq from that fault would let the second NMI
 * in at once, on top of this one's IST frame. */
static void nmi_hook_fault_inside(void)
{
	struct arch_fault_info info;

	lapic_send_nmi(lapic_id());
	for (int i = 0; i < 10000; i++)
		arch_cpu_relax(); /* give a wrongly unblocked NMI time to land */
	hook_fault_caught = ktest_expect_fault(fault_now, NULL, &info);
	for (int i = 0; i < 10000; i++)
		arch_cpu_relax();
}

KTEST(trap_nmi_not_nested_by_a_fault_inside_the_handler)
{
	struct arch_percpu *a;
	unsigned long flags = arch_irq_save(); /* stay on this CPU */
	uint64_t before, nested, deadline = ktime_ns() + NMI_WAIT_NS;

	a = smp_this_arch();
	hook_fault_caught = false;
	before = READ_ONCE(a->nmis);
	nested = READ_ONCE(a->nmi_nested);
	a->nmi_hook = nmi_hook_fault_inside;
	lapic_send_nmi(lapic_id());
	while (READ_ONCE(a->nmis) < before + 2 && ktime_ns() < deadline)
		arch_cpu_relax();
	a->nmi_hook = NULL;
	arch_irq_restore(flags);
	KASSERT(hook_fault_caught);
	KASSERT_EQ(READ_ONCE(a->nmis), before + 2); /* the queued one came after */
	KASSERT_EQ(READ_ONCE(a->nmi_nested), nested);
}

/*
 * arch_init_clocks(): registers x86_64's time hardware with time/ — the
 * HPET main counter and the TSC as clock sources, the local APIC timer as
 * the clock-event device. The TSC is preferred for ktime when it is
 * invariant (CPUID 80000007h EDX[8]) or its rate comes from CPUID; without
 * either the HPET wins, since a TSC that changes rate with P-states is no
 * clock. Reference: Intel SDM Vol. 3 §18.17 (TSC), Vol. 2A CPUID.
 */
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/hpet.h"
#include "arch/x86_64/lapic_timer.h"
#include "arch/x86_64/tsc.h"
#include "core/log.h"
#include "time/clocksource.h"

#define LOG_PREFIX "clocks: "

#define TSC_RATING_RELIABLE 300
#define TSC_RATING_VARIABLE 100

static uint64_t tsc_read(void)
{
	return rdtsc();
}

static struct clocksource tsc_cs = {
	.name = "tsc",
	.read = tsc_read,
	.mask = ~0ull,
	.cycles = true,
};

/* Does the TSC tick at a constant rate (see the file comment)? */
static bool tsc_is_constant(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (c & CPUID1_ECX_HYPERVISOR)
		return true;
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000007)
		return false;
	cpuid(0x80000007, 0, &a, &b, &c, &d);
	return d & CPUID87_EDX_INVARIANT_TSC;
}

void arch_init_clocks(void)
{
	bool have_hpet = hpet_init();
	bool constant = tsc_is_constant();

	tsc_cs.hz = tsc_hz_from_cpuid();
	tsc_cs.rating = (constant || tsc_cs.hz) ? TSC_RATING_RELIABLE : TSC_RATING_VARIABLE;
	if (!tsc_cs.hz && !have_hpet)
		tsc_cs.hz = tsc_hz_from_pit(50); /* no HPET: the PIT is the reference */
	if (clocksource_register(&tsc_cs))
		log_warn("cannot register the TSC\n");
	log_info("TSC %s rate, frequency %s\n", constant ? "constant" : "variable",
		 tsc_cs.hz ? "from CPUID/PIT" : "to calibrate against the HPET");
	lapic_timer_register();
}

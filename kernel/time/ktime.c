/*
 * ktime: nanoseconds from the cycle counter. The conversion is a 64x64->128
 * multiply by a fixed-point factor (ns per cycle << 32), so it never
 * overflows and costs one multiply. The origin is the TSC value boot.S
 * saved at entry, so timestamps measure time since the kernel started.
 * Immutable after ktime_init().
 */
#include "time/ktime.h"

#include "arch/arch.h"

static uint64_t cycles_hz;
static uint64_t ns_per_cycle_q32; /* ns per cycle, 32.32 fixed point */
static uint64_t origin;

void ktime_init(uint64_t hz)
{
	origin = arch_boot_entry_cycles();
	cycles_hz = hz;
	ns_per_cycle_q32 = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / hz);
}

uint64_t ktime_cycles_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * ns_per_cycle_q32) >> 32);
}

uint64_t ktime_ns(void)
{
	if (!cycles_hz)
		return 0;
	return ktime_cycles_to_ns(arch_cycles() - origin);
}

uint64_t ktime_cycles_hz(void)
{
	return cycles_hz;
}

void udelay(uint64_t us)
{
	uint64_t end = ktime_ns() + us * NSEC_PER_USEC;

	while (ktime_ns() < end)
		arch_cpu_relax();
}

void mdelay(uint64_t ms)
{
	udelay(ms * 1000);
}

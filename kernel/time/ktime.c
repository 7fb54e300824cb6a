/*
 * ktime: nanoseconds from a free-running counter. The conversion is a
 * 64x64->128 multiply by a fixed-point factor (ns per count << 32), so it
 * never overflows and costs one multiply. Boot starts on the TSC with the
 * origin boot.S saved at entry; ktime_set_source() rebases onto another
 * counter at the current time, so readings continue without a jump.
 * Locking: the source fields are written only on the boot CPU with
 * interrupts off before other CPUs start, then read-only.
 */
#include "time/ktime.h"

#include "arch/arch.h"
#include "lib/muldiv.h"

/* Immutable once time_init() has run (see Locking). */
static uint64_t cycles_hz;
static uint64_t cycles_ns_q32; /* ns per TSC cycle, 32.32 fixed point */

static uint64_t (*src_read)(void);
static const char *src_name = "tsc";
static uint64_t src_mask;
static uint64_t src_ns_q32; /* ns per source count, 32.32 fixed point */
static uint64_t src_base_count;
static uint64_t src_base_ns;

static uint64_t ns_q32(uint64_t hz)
{
	return mul_div_u64(NSEC_PER_SEC, 1ull << 32, hz);
}

static uint64_t read_cycles(void)
{
	return arch_cycles();
}

void ktime_init(uint64_t hz)
{
	cycles_hz = hz;
	cycles_ns_q32 = ns_q32(hz);
	src_mask = ~0ull;
	src_ns_q32 = cycles_ns_q32;
	src_base_count = arch_boot_entry_cycles();
	src_base_ns = 0;
	src_read = read_cycles;
}

void ktime_set_cycles_hz(uint64_t hz)
{
	cycles_hz = hz;
	cycles_ns_q32 = ns_q32(hz);
}

void ktime_set_source(uint64_t (*read)(void), uint64_t mask, uint64_t hz, const char *name)
{
	uint64_t now = ktime_ns();

	src_base_count = read();
	src_base_ns = now;
	src_mask = mask;
	src_ns_q32 = ns_q32(hz);
	src_name = name;
	src_read = read;
}

const char *ktime_source_name(void)
{
	return src_name;
}

uint64_t ktime_cycles_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * cycles_ns_q32) >> 32);
}

uint64_t ktime_ns(void)
{
	uint64_t delta;

	if (!src_read)
		return 0;
	delta = (src_read() - src_base_count) & src_mask;
	return src_base_ns + (uint64_t)(((unsigned __int128)delta * src_ns_q32) >> 32);
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

/*
 * HPET driver: reads the capabilities (counter period in femtoseconds,
 * counter width), disables legacy replacement routing and every
 * comparator's interrupt, restarts the main counter from 0, and registers
 * it as a clock source. A 32-bit counter wraps every ~43 s at 100 MHz, so
 * it is registered with a low rating that keeps ktime off it.
 * State: immutable after hpet_init().
 * Reference: IA-PC HPET 1.0a §2.3.4 (GCAP_ID), §2.3.5 (GEN_CONF),
 * §2.3.8 (Tn_CONF), §2.3.7 (MAIN_CNT).
 */
#include "arch/x86_64/hpet.h"

#include "acpi/acpi.h"
#include "core/log.h"
#include "include/mmio.h"
#include "time/clocksource.h"

#define LOG_PREFIX "hpet: "

enum {
	HPET_GCAP_ID = 0x000,
	HPET_GEN_CONF = 0x010,
	HPET_MAIN_CNT = 0x0f0,
	HPET_TIMER_CONF0 = 0x100, /* + 0x20 * n */
};

#define HPET_MMIO_SIZE 0x400
#define GCAP_COUNT_SIZE_64 (1ull << 13)
#define GCAP_NUM_TIM_SHIFT 8
#define GEN_CONF_ENABLE 0x1
#define GEN_CONF_LEGACY_ROUTE 0x2
#define TIMER_INT_ENABLE (1ull << 2)
#define FS_PER_SEC 1000000000000000ull
#define MAX_PERIOD_FS 100000000ull /* spec: at most 100 ns */

/* Immutable after hpet_init(). */
static volatile uint8_t *regs;

static struct clocksource hpet_cs = {
	.name = "hpet",
	.read = hpet_read,
};

uint64_t hpet_read(void)
{
	return mmio_read64(regs + HPET_MAIN_CNT);
}

/* Counter stopped, comparators silent, legacy routing off, count 0. */
static void hpet_reset(uint64_t cap)
{
	unsigned int timers = ((cap >> GCAP_NUM_TIM_SHIFT) & 0x1f) + 1;

	mmio_write64(regs + HPET_GEN_CONF,
		     mmio_read64(regs + HPET_GEN_CONF) &
			     ~(uint64_t)(GEN_CONF_ENABLE | GEN_CONF_LEGACY_ROUTE));
	for (unsigned int t = 0; t < timers; t++) {
		volatile uint8_t *conf = regs + HPET_TIMER_CONF0 + 0x20 * t;

		mmio_write64(conf, mmio_read64(conf) & ~TIMER_INT_ENABLE);
	}
	mmio_write64(regs + HPET_MAIN_CNT, 0);
}

bool hpet_init(void)
{
	const struct acpi_hpet_info *t = acpi_hpet();
	uint64_t cap, period_fs;
	bool wide;

	if (!t) {
		log_info("no ACPI HPET table: not used\n");
		return false;
	}
	regs = mmio_map(t->address, HPET_MMIO_SIZE);
	if (!regs) {
		log_warn("registers at %#lx not mappable\n", (unsigned long)t->address);
		return false;
	}
	cap = mmio_read64(regs + HPET_GCAP_ID);
	period_fs = cap >> 32;
	if (!period_fs || period_fs > MAX_PERIOD_FS) {
		log_warn("bad counter period %lu fs: not used\n", (unsigned long)period_fs);
		return false;
	}
	wide = cap & GCAP_COUNT_SIZE_64;
	hpet_reset(cap);
	mmio_write64(regs + HPET_GEN_CONF, mmio_read64(regs + HPET_GEN_CONF) | GEN_CONF_ENABLE);
	hpet_cs.hz = FS_PER_SEC / period_fs;
	hpet_cs.mask = wide ? ~0ull : 0xffffffffull;
	hpet_cs.rating = wide ? 200 : 50;
	if (clocksource_register(&hpet_cs))
		return false;
	log_info("at %#lx, %lu Hz, %u-bit counter\n", (unsigned long)t->address,
		 (unsigned long)hpet_cs.hz, wide ? 64 : 32);
	return true;
}

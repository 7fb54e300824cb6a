/*
 * Clock sources: free-running counters the architecture registers (HPET,
 * TSC), ranked so ktime can run on the best one. A source whose frequency
 * the hardware does not state is calibrated against a known one.
 * Registration and selection happen at boot on the boot CPU; afterwards
 * the registry is read-only (no lock).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

#define CLOCKSOURCE_MAX 4

struct clocksource {
	const char *name;
	uint64_t (*read)(void); /* IRQ-safe, any CPU */
	uint64_t mask;		/* counter width: deltas are taken modulo it */
	uint64_t hz;		/* 0 until known or calibrated */
	int rating;		/* higher is better for ktime; <= 0 never used */
	bool cycles;		/* this is arch_cycles(): its hz feeds ktime_cycles_hz() */
};

/* Add @cs (kept by pointer). Returns 0 or -ENOSPC. Boot CPU. */
int clocksource_register(struct clocksource *cs) __must_check;

/* The registered source named @name, or NULL. */
struct clocksource *clocksource_find(const char *name);

/* Source @i in registration order, or NULL. */
struct clocksource *clocksource_get(size_t i);

/*
 * Measure @cs->hz against @ref (whose hz is known) over about @ms
 * milliseconds of @ref, busy-waiting. Returns 0 or -EINVAL (@ref unknown
 * or no progress). Boot CPU, interrupts may be off.
 */
int clocksource_calibrate(struct clocksource *cs, const struct clocksource *ref, unsigned int ms)
	__must_check;

/* Ticks of @cs between two reads, modulo its width. */
static inline uint64_t clocksource_delta(const struct clocksource *cs, uint64_t from, uint64_t to)
{
	return (to - from) & cs->mask;
}

/*
 * Calibrate every source with hz 0 against the best known one, then move
 * ktime onto the highest-rated source with a known frequency. Returns the
 * chosen source, or NULL (ktime stays on its boot TSC estimate).
 */
const struct clocksource *clocksource_select(void);

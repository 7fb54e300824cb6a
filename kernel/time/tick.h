/*
 * The periodic tick and one-shot timer events, on the per-CPU clock-event
 * device the architecture registers (the local APIC timer on x86_64). The
 * tick runs at CONFIG_HZ (a build option: `make HZ=250`; default 1000) and
 * advances the jiffies counter. Reference: doc/time.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

#ifndef CONFIG_HZ
#define CONFIG_HZ 1000
#endif

/* A per-CPU timer that interrupts after a programmed count. */
struct clockevent {
	const char *name;
	uint64_t hz;	    /* count rate: set by tick_init()'s calibration */
	uint64_t max_count; /* largest programmable count */
	/* Program this CPU's device: interrupt after @count (again every
	 * @count when @periodic); 0 stops it. Interrupts off. */
	void (*program)(uint64_t count, bool periodic);
	/* Counts left until the next interrupt (for calibration). */
	uint64_t (*remaining)(void);
	/* Set by tick.c; the driver calls it from the device's interrupt. */
	void (*event)(void);
};

/* Register the clock-event device (one driver; each CPU has its own
 * instance of the hardware). Boot CPU, before tick_init(). */
void clockevent_register(struct clockevent *ce);

/* Calibrate the device against ktime and start the periodic tick on the
 * boot CPU. Returns 0 or -ENODEV (no device) / -EIO (calibration failed). */
int tick_init(void) __must_check;

/* Start the tick on another CPU (SMP), after tick_init(). */
void tick_init_cpu(void);

/* Ticks since tick_init() (the boot CPU's tick). IRQ-safe. */
uint64_t tick_jiffies(void);

/* Periodic ticks the calling CPU has taken (call with preemption off). */
uint64_t tick_cpu_ticks(void);

/* The tick rate in Hz (CONFIG_HZ). */
static inline unsigned int tick_hz(void)
{
	return CONFIG_HZ;
}

/* ktime_ns() of the most recent periodic tick on the boot CPU. */
uint64_t tick_last_ns(void);

/* The calibrated clock-event rate in Hz (0 without a device). */
uint64_t tick_device_hz(void);

/* The registered clock-event device, or NULL (tests drive it directly,
 * with interrupts off, and restart the tick afterwards). */
const struct clockevent *tick_device(void);

/*
 * Stop the periodic tick on this CPU and fire @fn(@data) once, from the
 * timer interrupt, @ns from now. The tick stays stopped until
 * tick_start_periodic(). Returns 0, -ENODEV or -ERANGE (@ns too long for
 * the device). Acts on the calling CPU: call with preemption disabled.
 */
int tick_oneshot(uint64_t ns, void (*fn)(void *data), void *data) __must_check;

/* (Re)start the periodic tick on this CPU. Returns 0 or -ENODEV. */
int tick_start_periodic(void) __must_check;

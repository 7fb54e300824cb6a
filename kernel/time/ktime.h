/*
 * Monotonic kernel time. ktime_ns() counts nanoseconds since the kernel was
 * entered. It starts on the CPU cycle counter scaled by an early estimate
 * (ktime_init), and time_init() moves it onto the best clock source
 * (time/clocksource.h) without a jump. Before ktime_init() it returns 0.
 */
#pragma once

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull

/* Start time with a cycle counter running at @cycles_hz. Boot CPU, once. */
void ktime_init(uint64_t cycles_hz);

/* Nanoseconds since kernel entry. IRQ-safe, lock-free, never decreases. */
uint64_t ktime_ns(void);

/* Convert a cycle-counter (arch_cycles) delta to nanoseconds (0 before
 * ktime_init). */
uint64_t ktime_cycles_to_ns(uint64_t cycles);

/* The calibrated cycle-counter frequency in Hz (0 before ktime_init). */
uint64_t ktime_cycles_hz(void);

/* Replace the cycle-counter frequency with a better measurement. Boot CPU,
 * interrupts off (time_init). */
void ktime_set_cycles_hz(uint64_t hz);

/*
 * Run ktime on counter @read (width @mask, @hz ticks per second) from now
 * on, continuing from the current value so time never jumps back. Boot
 * CPU, before other CPUs read ktime, interrupts off (time_init).
 */
void ktime_set_source(uint64_t (*read)(void), uint64_t mask, uint64_t hz, const char *name);

/* Name of the counter ktime runs on ("tsc" at boot). */
const char *ktime_source_name(void);

/* Busy-wait, for drivers that run before the scheduler. */
void udelay(uint64_t us);
void mdelay(uint64_t ms);

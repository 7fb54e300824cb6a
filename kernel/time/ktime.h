/*
 * Monotonic kernel time. ktime_ns() counts nanoseconds since the kernel was
 * entered, from the CPU cycle counter scaled by a calibrated frequency.
 * Before ktime_init() it returns 0.
 */
#pragma once

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull

/* Start time with a cycle counter running at @cycles_hz. Boot CPU, once. */
void ktime_init(uint64_t cycles_hz);

/* Nanoseconds since kernel entry. IRQ-safe, lock-free. */
uint64_t ktime_ns(void);

/* Convert a cycle-counter delta to nanoseconds (0 before ktime_init). */
uint64_t ktime_cycles_to_ns(uint64_t cycles);

/* The calibrated cycle-counter frequency in Hz (0 before ktime_init). */
uint64_t ktime_cycles_hz(void);

/* Busy-wait, for drivers that run before the scheduler. */
void udelay(uint64_t us);
void mdelay(uint64_t ms);

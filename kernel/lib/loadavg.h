/*
 * Load averages as Linux computes them (kernel/sched/loadavg.c): every 5 s
 * the number of runnable tasks is folded into three exponentially decaying
 * averages with 1, 5 and 15 minute time constants, in 11-bit fixed point,
 * and /proc/loadavg prints them with two decimals. Pure: host-testable.
 */
#pragma once

#include <stdint.h>

#define LOADAVG_FSHIFT 11
#define LOADAVG_FIXED_1 (1ul << LOADAVG_FSHIFT)
#define LOADAVG_PERIOD_NS (5ull * 1000000000ull) // one sample every 5 s

/* The three averages, fixed point (LOADAVG_FIXED_1 is a load of 1.0). */
struct loadavg {
	unsigned long avg[3]; // 1, 5 and 15 minutes
};

/* Fold one sample of @active runnable tasks into @la. */
void loadavg_sample(struct loadavg *la, unsigned long active);

/* The integer part and the two-decimal fraction of a fixed-point @avg,
 * rounded as Linux's /proc/loadavg rounds them ("%lu.%02lu"). */
unsigned long loadavg_int(unsigned long avg);
unsigned long loadavg_frac(unsigned long avg);

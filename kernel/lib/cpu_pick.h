/*
 * Spreading per-device interrupts over CPUs: which CPU the n-th device
 * gets, given which CPUs are online.
 * Pure: host-testable.
 */
#pragma once

#include <stdint.h>

/*
 * The CPU for the @n-th device: the (@n mod k)-th of the k CPUs whose
 * bit is set in @online (bit i: logical CPU i, i < @nr_cpus), so devices
 * go round the online CPUs only. CPU 0 when none is set.
 */
unsigned int cpu_pick_online(uint64_t online, unsigned int nr_cpus, unsigned int n);

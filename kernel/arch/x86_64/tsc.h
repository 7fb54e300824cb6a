/*
 * TSC frequency discovery (Intel SDM Vol. 3 §18.7.3 and CPUID leaves 0x15,
 * 0x16), with a PIT fallback. Implements arch_calibrate_cycles().
 */
#pragma once

#include <stdint.h>

/* TSC Hz from CPUID leaf 0x15 (or 0x16), or 0 if the CPU does not say. */
uint64_t tsc_hz_from_cpuid(void);

/* TSC Hz measured over @ms milliseconds of PIT channel 2. */
uint64_t tsc_hz_from_pit(unsigned int ms);

/*
 * HPET main counter as a clock source. Only the counter is used; the
 * comparators stay disabled (the local APIC timer provides the tick).
 * Reference: IA-PC HPET Specification 1.0a §2.3 (registers).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Map the HPET named by the ACPI HPET table, start its main counter and
 * register it as the "hpet" clock source. Returns false (logged) when
 * there is none or it is unusable. Boot CPU, after acpi_init(). */
bool hpet_init(void);

/* The main counter. IRQ-safe; only valid after hpet_init() succeeded. */
uint64_t hpet_read(void);

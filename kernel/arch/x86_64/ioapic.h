/*
 * I/O APICs: one redirection entry per global system interrupt (GSI).
 * Routing a GSI that is already routed fails with -EBUSY instead of
 * silently overwriting the other user's entry.
 * Reference: Intel 82093AA I/O APIC data sheet §3.2 (IOREGSEL/IOWIN,
 * IOAPICVER, IOREDTBL); ACPI 6.5 §5.2.12.3 (GSI bases).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

/* Redirection flags for ioapic_route(). */
enum {
	IOAPIC_LEVEL = 1u << 0,	     /* level triggered (else edge) */
	IOAPIC_ACTIVE_LOW = 1u << 1, /* active low (else high) */
};

/* Find the IOAPICs (MADT, else the default one at 0xfec00000) and mask
 * every pin. Boot CPU, interrupts off, after acpi_init(). */
void ioapic_init(void);

/* Number of usable IOAPICs and GSIs they cover in total. */
unsigned int ioapic_count(void);
uint32_t ioapic_gsi_count(void);

/*
 * Route @gsi to @vector on the CPU with APIC id @dest (physical mode),
 * unmasked. Returns 0, -ENODEV (no IOAPIC has that GSI), -EBUSY (already
 * routed), -ERANGE (@dest beyond 8 bits) or -EINVAL (vector < 0x10).
 * IRQ-safe.
 */
int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest, unsigned int flags) __must_check;

/* Mask @gsi and forget its route. Returns 0 or -ENOENT (not routed). */
int ioapic_unroute(uint32_t gsi) __must_check;

/* Is @gsi routed? */
bool ioapic_is_routed(uint32_t gsi);

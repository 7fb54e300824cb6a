/*
 * MADT (APIC) parsing into fixed-size tables, and the ISA IRQ -> GSI
 * translation that interrupt source overrides define. Pure: host-testable
 * (madt.c).
 * Reference: ACPI 6.5 §5.2.12 (MADT), §5.2.12.2-5.2.12.7, §5.2.12.12-13.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

/* Documented maxima of the static tables (DESIGN: no allocator at ACPI
 * time). Entries beyond them are counted in `dropped`. */
#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_LAPIC_NMIS 8

/* MADT entry types (ACPI 6.5 Table 5.21). */
enum acpi_madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_ISO = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

/* MPS INTI flags of overrides and NMI entries (ACPI 6.5 Table 5.26). */
enum {
	MPS_POLARITY_MASK = 0x3,
	MPS_POLARITY_HIGH = 0x1,
	MPS_POLARITY_LOW = 0x3,
	MPS_TRIGGER_MASK = 0xc,
	MPS_TRIGGER_EDGE = 0x4,
	MPS_TRIGGER_LEVEL = 0xc,
};

#define MADT_PCAT_COMPAT 0x1   /* flags: legacy 8259s present */
#define MADT_LAPIC_ENABLED 0x1 /* CPU flags */
#define MADT_LAPIC_ONLINE_CAPABLE 0x2
#define MADT_NMI_ALL_CPUS 0xffffffffu /* uid meaning "every processor" */

struct acpi_cpu {
	uint32_t apic_id; /* x2APIC id from type 9 entries, else 8-bit */
	uint32_t uid;	  /* ACPI processor uid */
	bool enabled;	  /* usable now (else online-capable only) */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t address; /* physical MMIO base */
	uint32_t gsi_base;
};

struct acpi_override {
	uint8_t bus, source; /* ISA IRQ */
	uint32_t gsi;
	uint16_t flags; /* MPS INTI flags */
};

struct acpi_lapic_nmi {
	uint32_t uid; /* MADT_NMI_ALL_CPUS for all */
	uint16_t flags;
	uint8_t lint; /* 0 or 1 */
};

struct acpi_madt_info {
	uint64_t lapic_address; /* after any type-5 override */
	uint32_t flags;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int cpu_count;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int ioapic_count;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	unsigned int override_count;
	struct acpi_lapic_nmi nmis[ACPI_MAX_LAPIC_NMIS];
	unsigned int nmi_count;
	unsigned int nmi_source_count; /* type 3 (IOAPIC NMI), counted only */
	unsigned int dropped;	       /* entries beyond a table's maximum */
	unsigned int bad_entries;      /* known type, too short: skipped */
	unsigned int unknown;	       /* other types, skipped */
};

/*
 * Parse a checked MADT. Entries with a length below 2 or running past the
 * table end stop the walk (so a zero length cannot loop); what was read
 * before stays in @out. Returns 0, or -EINVAL when the table is shorter
 * than its fixed part or the walk stopped at a malformed entry.
 */
int acpi_parse_madt(const void *table, struct acpi_madt_info *out) __must_check;

/*
 * The GSI and MPS flags for ISA IRQ @irq: the override's when one exists,
 * else identity with "conforms to the bus" flags (edge, active high).
 */
uint32_t acpi_isa_to_gsi(const struct acpi_madt_info *m, unsigned int irq, uint16_t *flags);

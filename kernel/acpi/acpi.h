/*
 * ACPI static tables: discovery from the boot information's RSDP copy (or a
 * BIOS-area scan), the list of tables with their checksum state, and the
 * parsed MADT, HPET, MCFG and FADT that the interrupt, time, PCI and power
 * code consume. A missing or damaged table is logged and reads as absent;
 * callers fall back to legacy defaults. All state is written once by
 * acpi_init() on the boot CPU and read-only afterwards (no lock).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi/discover.h"
#include "acpi/fadt.h"
#include "acpi/madt.h"
#include "acpi/tables.h"

struct boot_info;

/* Find and parse the tables. Boot CPU, once, before interrupts are set up.
 * Never fails: problems are logged and leave the tables absent. */
void acpi_init(const struct boot_info *bi);

/* Root information from the RSDP, or NULL when no ACPI was found. */
const struct acpi_root_info *acpi_root(void);

/* Whether the root list came from the XSDT (else the RSDT). */
bool acpi_uses_xsdt(void);

/* Number of tables listed, and table @i (NULL when out of range). */
size_t acpi_table_count(void);
const struct acpi_table_desc *acpi_table_get(size_t i);

/* The first valid table with signature @sig, mapped; NULL if none. */
const void *acpi_find_table(const char *sig);

/* Parsed tables; NULL when absent or invalid. */
const struct acpi_madt_info *acpi_madt(void);
const struct acpi_hpet_info *acpi_hpet(void);
const struct acpi_mcfg_info *acpi_mcfg(void);
const struct acpi_fadt_info *acpi_fadt(void);

/* \_S5 sleep types from the DSDT. Returns 0, or -ENOENT when unknown. */
int acpi_s5_sleep_type(uint8_t *slp_typa, uint8_t *slp_typb) __must_check;

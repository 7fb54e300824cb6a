/*
 * FADT parsing (the fields power control, the RTC and the boot flags need)
 * and the \_S5 sleep-type lookup in the DSDT's AML. Pure: host-testable
 * (fadt.c).
 * Reference: ACPI 6.5 §5.2.9 (FADT, Table 5.9), §4.8.3.2 (PM1 control),
 * §7.4.2 (\_Sx objects), §20.2 (AML grammar: NameOp, PackageOp, PkgLength).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "acpi/tables.h"
#include "include/compiler.h"

/* FADT Flags (Table 5.10) and IA-PC boot architecture flags (Table 5.11). */
enum {
	FADT_RESET_REG_SUP = 1u << 10,
	FADT_HW_REDUCED_ACPI = 1u << 20,
	FADT_BOOT_LEGACY_DEVICES = 1u << 0,
	FADT_BOOT_8042 = 1u << 1,
	FADT_BOOT_NO_CMOS_RTC = 1u << 5,
};

/* PM1 control register bits (ACPI 6.5 Table 4.13). */
enum {
	PM1_SCI_EN = 1u << 0,
	PM1_SLP_TYP_SHIFT = 10,
	PM1_SLP_TYP_MASK = 7u << 10,
	PM1_SLP_EN = 1u << 13,
};

struct acpi_fadt_info {
	uint8_t revision;
	uint32_t flags;
	uint16_t boot_arch;
	uint64_t dsdt; /* X_DSDT when present and non-zero, else DSDT */
	uint16_t sci_irq;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable;
	struct acpi_gas pm1a_cnt; /* space ACPI_GAS_IO or _MEMORY; address 0 = none */
	struct acpi_gas pm1b_cnt;
	uint8_t pm1_cnt_len;
	uint8_t century; /* CMOS index of the century, 0 if none */
	bool has_reset;	 /* reset_reg valid and RESET_REG_SUP set */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
};

/*
 * Parse a checked FADT of any revision: fields beyond the table's length
 * read as absent, and the 64-bit X_ fields win over the 32-bit ones when
 * non-zero. Returns 0 or -EINVAL (shorter than the ACPI 1.0 FADT).
 */
int acpi_parse_fadt(const void *table, struct acpi_fadt_info *out) __must_check;

/*
 * Find the \_S5 package in an AML byte stream (the DSDT body after its
 * header, @len bytes) and return its first two integers, SLP_TYPa and
 * SLP_TYPb. Returns 0, -ENOENT (no _S5 object) or -EINVAL (malformed).
 */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb) __must_check;

/*
 * ACPI table discovery as a pure walk: RSDP (the loader's copy, else a scan
 * of the legacy BIOS areas), XSDT or RSDT, every table they list, and the
 * MADT, HPET, MCFG, FADT and DSDT \_S5 parsed into one struct. Physical
 * memory is reached only through a map callback, so acpi.c runs it on the
 * direct map and the host tests and fuzzer on a model of memory.
 * Pure: host-testable (discover.c).
 * Reference: ACPI 6.5 §5.2.5 (finding the RSDP), §5.2.7-8 (RSDT, XSDT).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi/fadt.h"
#include "acpi/madt.h"
#include "acpi/tables.h"

#define ACPI_MAX_TABLES 64

/* Legacy BIOS areas searched for the RSDP (ACPI 6.5 §5.2.5.1). */
#define ACPI_BDA_EBDA_SEGMENT 0x40e
#define ACPI_EBDA_SEARCH_LEN 1024
#define ACPI_BIOS_ROM_START 0xe0000
#define ACPI_BIOS_ROM_LEN 0x20000
/* Sanity bound on a table's length field (real DSDTs are < 1 MiB). */
#define ACPI_TABLE_MAX_LEN (16u << 20)

/* One table seen through the XSDT/RSDT (plus the DSDT from the FADT). */
struct acpi_table_desc {
	char signature[ACPI_SIG_LEN + 1];
	char oem_id[ACPI_OEM_ID_LEN + 1];
	char oem_table_id[ACPI_OEM_TABLE_ID_LEN + 1];
	uint64_t phys;
	uint32_t length;
	uint8_t revision;
	bool valid; /* mapped, length sane and checksum correct */
	int err;    /* when not valid: -EFAULT (not mapped), -EINVAL, -EBADMSG */
};

/* How discovery reads physical memory. */
struct acpi_mem {
	/* @len readable bytes at physical @pa, or NULL when they cannot be
	 * reached. Only those @len bytes are read through the result. */
	const void *(*map)(void *ctx, uint64_t pa, size_t len);
	void *ctx;
};

/* Everything discovery found, and what went wrong on the way (the glue
 * logs it: a pure file does not). */
struct acpi_state {
	int err; /* 0, or why there are no tables at all */
	struct acpi_root_info root;
	bool root_is_xsdt;
	bool rsdp_copy_bad;  /* the loader's RSDP copy failed its checks */
	bool rsdp_scanned;   /* found by scanning the BIOS areas */
	int xsdt_err;	     /* nonzero: XSDT unusable, the RSDT was used */
	unsigned int excess; /* tables beyond ACPI_MAX_TABLES, ignored */
	struct acpi_table_desc tables[ACPI_MAX_TABLES];
	size_t table_count;
	struct acpi_madt_info madt;
	struct acpi_hpet_info hpet;
	struct acpi_mcfg_info mcfg;
	struct acpi_fadt_info fadt;
	bool have_madt, have_hpet, have_mcfg, have_fadt, have_s5;
	bool fadt_unusable; /* a FADT without a usable DSDT pointer */
	uint8_t s5_typa, s5_typb;
};

/*
 * Find and parse the tables into @st. @rsdp/@rsdp_len is the loader's RSDP
 * copy (@rsdp_len 0 for none); @bios_areas allows the legacy scan when the
 * copy is missing or bad (BIOS boots only). Every byte is read through
 * @mem within a range it mapped. Never fails: st->err is 0, or -ENOENT (no
 * RSDP), -EFAULT/-EINVAL/-EBADMSG (no usable root table).
 */
void acpi_discover(const struct acpi_mem *mem, const uint8_t *rsdp, size_t rsdp_len,
		   bool bios_areas, struct acpi_state *st);

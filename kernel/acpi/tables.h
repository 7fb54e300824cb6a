/*
 * ACPI table layouts and the pure parsers of the RSDP, the common table
 * header, the root tables (XSDT/RSDT), HPET and MCFG. Every parser takes a
 * byte buffer and its length and never reads past either the buffer or the
 * table's own length field. Pure: host-testable (tables.c).
 * Reference: ACPI 6.5 §5.2.5 (RSDP), §5.2.6 (header), §5.2.7-8 (RSDT,
 * XSDT), §5.2.3.2 (Generic Address Structure); IA-PC HPET 1.0a §3.2.4;
 * PCI Firmware 3.2 §4.1.2 (MCFG).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

#define ACPI_SIG_LEN 4
#define ACPI_OEM_ID_LEN 6
#define ACPI_OEM_TABLE_ID_LEN 8

/* RSDP (ACPI 6.5 §5.2.5.3): 20 bytes in 1.0, 36 bytes from 2.0 on. */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[ACPI_OEM_ID_LEN];
	uint8_t revision; /* 0 = ACPI 1.0, 2 = ACPI 2.0+ */
	uint32_t rsdt_address;
	uint32_t length;	   /* 2.0+: whole structure */
	uint64_t xsdt_address;	   /* 2.0+ */
	uint8_t extended_checksum; /* 2.0+: over @length bytes */
	uint8_t reserved[3];
} __packed;

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, rsdt_address) == 16, "RSDP layout");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP layout");

#define ACPI_RSDP_V1_LEN 20

/* System description table header (ACPI 6.5 §5.2.6, Table 5.4). */
struct acpi_sdt_header {
	char signature[ACPI_SIG_LEN];
	uint32_t length; /* whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* all @length bytes sum to 0 */
	char oem_id[ACPI_OEM_ID_LEN];
	char oem_table_id[ACPI_OEM_TABLE_ID_LEN];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");

/* Generic Address Structure (ACPI 6.5 §5.2.3.2). */
struct acpi_gas {
	uint8_t space_id; /* enum acpi_gas_space */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 0 undefined, 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __packed;

_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

enum acpi_gas_space {
	ACPI_GAS_MEMORY = 0,
	ACPI_GAS_IO = 1,
	ACPI_GAS_PCI_CONFIG = 2,
};

/* What the RSDP says. */
struct acpi_root_info {
	uint8_t revision;
	char oem_id[ACPI_OEM_ID_LEN + 1];
	uint64_t rsdt; /* 0 if none */
	uint64_t xsdt; /* 0 if none or its checksum failed */
};

/* HPET description table body (IA-PC HPET 1.0a Table 3). */
struct acpi_hpet_info {
	uint64_t address; /* physical base of the register block */
	uint32_t block_id;
	uint8_t number;
	uint16_t min_tick;
};

#define ACPI_MCFG_MAX 8

/* One ECAM region from the MCFG. */
struct acpi_mcfg_entry {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_mcfg_info {
	struct acpi_mcfg_entry entries[ACPI_MCFG_MAX];
	unsigned int count;
	unsigned int dropped; /* entries beyond ACPI_MCFG_MAX */
};

/* Sum of @len bytes modulo 256: 0 for a valid ACPI checksum. */
uint8_t acpi_checksum(const void *buf, size_t len);

/*
 * Parse and verify an RSDP copy of @len bytes. The 1.0 checksum must hold;
 * for revision >= 2 the extended checksum must too, otherwise the XSDT is
 * ignored (the RSDT fallback). Returns 0, or -EINVAL (bad signature, short
 * buffer, bad checksum).
 */
int acpi_parse_rsdp(const void *buf, size_t len, struct acpi_root_info *out) __must_check;

/* Offset of a valid RSDP in a legacy BIOS area (16-byte aligned search),
 * or -ENOENT. */
long acpi_find_rsdp(const void *area, size_t len);

/*
 * Validate a table of @avail readable bytes: the header fits, its length is
 * at least the header and at most @avail, and its checksum holds. Returns 0,
 * -EINVAL (truncated or too short) or -EBADMSG (checksum).
 */
int acpi_check_table(const void *buf, size_t avail) __must_check;

/* Does @hdr carry signature @sig (4 characters)? */
bool acpi_table_is(const void *hdr, const char *sig);

/* Number of table pointers in a (checked) XSDT (@xsdt true) or RSDT. */
size_t acpi_root_count(const void *root, bool xsdt);

/* Physical address of entry @i of a checked root table (i < count). */
uint64_t acpi_root_entry(const void *root, bool xsdt, size_t i);

/* Parse a checked HPET table. Returns 0 or -EINVAL (short, or its base
 * address is not in system memory space). */
int acpi_parse_hpet(const void *table, struct acpi_hpet_info *out) __must_check;

/* Parse a checked MCFG table. Returns 0 or -EINVAL (shorter than its
 * fixed part). A partial trailing entry is ignored. */
int acpi_parse_mcfg(const void *table, struct acpi_mcfg_info *out) __must_check;

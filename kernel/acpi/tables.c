/*
 * Pure ACPI table parsing: RSDP, the common header, XSDT/RSDT enumeration,
 * HPET and MCFG. Multi-byte fields are read byte-wise (acpi_rd*), so the
 * buffers may have any alignment. Owns no state and no locks.
 * Pure: host-testable.
 * Reference: ACPI 6.5 §5.2.5-5.2.8; IA-PC HPET 1.0a §3.2.4; PCI Firmware
 * 3.2 §4.1.2.
 */
#include "acpi/tables.h"

#include "acpi/bytes.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

#define RSDP_SIGNATURE "RSD PTR "
#define RSDP_V2_REVISION 2
#define RSDP_ALIGN 16

/* HPET table: body offsets after the 36-byte header (HPET 1.0a Table 3). */
#define HPET_OFF_BLOCK_ID 36
#define HPET_OFF_BASE 40
#define HPET_OFF_NUMBER 52
#define HPET_OFF_MIN_TICK 53
#define HPET_TABLE_LEN 56

/* MCFG: 8 reserved bytes after the header, then 16-byte entries. */
#define MCFG_OFF_ENTRIES 44
#define MCFG_ENTRY_LEN 16

uint8_t acpi_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

int acpi_parse_rsdp(const void *buf, size_t len, struct acpi_root_info *out)
{
	const uint8_t *p = buf;
	uint32_t xlen;

	memset(out, 0, sizeof(*out));
	if (len < ACPI_RSDP_V1_LEN || memcmp(p, RSDP_SIGNATURE, 8) != 0)
		return -EINVAL;
	if (acpi_checksum(p, ACPI_RSDP_V1_LEN) != 0)
		return -EINVAL;
	out->revision = p[15];
	memcpy(out->oem_id, p + 9, ACPI_OEM_ID_LEN);
	out->rsdt = acpi_rd32(p + 16);
	if (out->revision < RSDP_V2_REVISION || len < sizeof(struct acpi_rsdp))
		return 0;
	xlen = acpi_rd32(p + 20);
	/* A bad extended checksum only costs the XSDT: fall back to the RSDT. */
	if (xlen >= sizeof(struct acpi_rsdp) && xlen <= len && acpi_checksum(p, xlen) == 0)
		out->xsdt = acpi_rd64(p + 24);
	return 0;
}

long acpi_find_rsdp(const void *area, size_t len)
{
	const uint8_t *p = area;
	struct acpi_root_info info;

	for (size_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += RSDP_ALIGN) {
		size_t avail = len - off;

		if (memcmp(p + off, RSDP_SIGNATURE, 8) != 0)
			continue;
		if (acpi_parse_rsdp(p + off, MIN(avail, sizeof(struct acpi_rsdp)), &info) == 0)
			return (long)off;
	}
	return -ENOENT;
}

int acpi_check_table(const void *buf, size_t avail)
{
	uint32_t len;

	if (avail < sizeof(struct acpi_sdt_header))
		return -EINVAL;
	len = acpi_rd32((const uint8_t *)buf + 4);
	if (len < sizeof(struct acpi_sdt_header) || len > avail)
		return -EINVAL;
	if (acpi_checksum(buf, len) != 0)
		return -EBADMSG;
	return 0;
}

bool acpi_table_is(const void *hdr, const char *sig)
{
	return memcmp(hdr, sig, ACPI_SIG_LEN) == 0;
}

size_t acpi_root_count(const void *root, bool xsdt)
{
	uint32_t len = acpi_rd32((const uint8_t *)root + 4);

	return (len - sizeof(struct acpi_sdt_header)) / (xsdt ? 8 : 4);
}

uint64_t acpi_root_entry(const void *root, bool xsdt, size_t i)
{
	const uint8_t *body = (const uint8_t *)root + sizeof(struct acpi_sdt_header);

	return xsdt ? acpi_rd64(body + 8 * i) : acpi_rd32(body + 4 * i);
}

int acpi_parse_hpet(const void *table, struct acpi_hpet_info *out)
{
	const uint8_t *p = table;

	memset(out, 0, sizeof(*out));
	if (acpi_rd32(p + 4) < HPET_TABLE_LEN)
		return -EINVAL;
	if (p[HPET_OFF_BASE] != ACPI_GAS_MEMORY)
		return -EINVAL;
	out->block_id = acpi_rd32(p + HPET_OFF_BLOCK_ID);
	out->address = acpi_rd64(p + HPET_OFF_BASE + 4);
	out->number = p[HPET_OFF_NUMBER];
	out->min_tick = acpi_rd16(p + HPET_OFF_MIN_TICK);
	return out->address ? 0 : -EINVAL;
}

int acpi_parse_mcfg(const void *table, struct acpi_mcfg_info *out)
{
	const uint8_t *p = table;
	uint32_t len = acpi_rd32(p + 4);

	memset(out, 0, sizeof(*out));
	if (len < MCFG_OFF_ENTRIES)
		return -EINVAL;
	for (uint32_t off = MCFG_OFF_ENTRIES; off + MCFG_ENTRY_LEN <= len; off += MCFG_ENTRY_LEN) {
		struct acpi_mcfg_entry *e;

		if (out->count == ACPI_MCFG_MAX) {
			out->dropped++;
			continue;
		}
		e = &out->entries[out->count++];
		e->base = acpi_rd64(p + off);
		e->segment = acpi_rd16(p + off + 8);
		e->bus_start = p[off + 10];
		e->bus_end = p[off + 11];
	}
	return 0;
}

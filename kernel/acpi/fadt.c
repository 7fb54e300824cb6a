/*
 * FADT field extraction and the \_S5 lookup. The full AML interpreter is
 * not needed to power off: \_S5 is, on every firmware we target, a plain
 * `Name (_S5, Package () { SLP_TYPa, SLP_TYPb, ... })` in the DSDT, so the
 * bytes NameOp '_S5_' PackageOp PkgLength NumElements <integers> are found
 * by a bounded scan. Owns no state. Pure: host-testable.
 * Reference: ACPI 6.5 §5.2.9 Table 5.9 (field offsets), §20.2.3 (PkgLength),
 * §20.2.5.4 (data objects), §7.4.2 (\_Sx).
 */
#include "acpi/fadt.h"

#include "acpi/bytes.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

/* FADT field offsets (Table 5.9). */
enum {
	FADT_DSDT = 40,
	FADT_SCI_INT = 46,
	FADT_SMI_CMD = 48,
	FADT_ACPI_ENABLE = 52,
	FADT_ACPI_DISABLE = 53,
	FADT_PM1A_CNT_BLK = 64,
	FADT_PM1B_CNT_BLK = 68,
	FADT_PM1_CNT_LEN = 89,
	FADT_CENTURY = 108,
	FADT_BOOT_ARCH = 109,
	FADT_FLAGS = 112,
	FADT_RESET_REG = 116,
	FADT_RESET_VALUE = 128,
	FADT_X_DSDT = 140,
	FADT_X_PM1A_CNT = 172,
	FADT_X_PM1B_CNT = 184,
	FADT_V1_LEN = 116, /* ACPI 1.0 FADT ends before RESET_REG */
};

/* AML opcodes and prefixes (ACPI 6.5 §20.2). */
enum {
	AML_ZERO = 0x00,
	AML_ONE = 0x01,
	AML_NAME = 0x08,
	AML_BYTE = 0x0a,
	AML_WORD = 0x0b,
	AML_DWORD = 0x0c,
	AML_QWORD = 0x0e,
	AML_PACKAGE = 0x12,
	AML_ROOT = 0x5c,
	AML_ONES = 0xff,
};

/* Does the table (of length @len) contain @size bytes at @off? */
static bool has_field(uint32_t len, uint32_t off, uint32_t size)
{
	return off + size <= len;
}

static void read_gas(const uint8_t *p, struct acpi_gas *g)
{
	g->space_id = p[0];
	g->bit_width = p[1];
	g->bit_offset = p[2];
	g->access_size = p[3];
	g->address = acpi_rd64(p + 4);
}

/* A PM1 control block: the 64-bit GAS when usable, else the I/O port. */
static void read_pm1(const uint8_t *p, uint32_t len, uint32_t x_off, uint32_t port_off,
		     struct acpi_gas *g)
{
	memset(g, 0, sizeof(*g));
	if (has_field(len, x_off, sizeof(*g)))
		read_gas(p + x_off, g);
	if (g->address)
		return;
	g->space_id = ACPI_GAS_IO;
	g->bit_width = 16;
	g->address = acpi_rd32(p + port_off);
}

int acpi_parse_fadt(const void *table, struct acpi_fadt_info *out)
{
	const uint8_t *p = table;
	uint32_t len = acpi_rd32(p + 4);

	memset(out, 0, sizeof(*out));
	if (len < FADT_V1_LEN)
		return -EINVAL;
	out->revision = p[8];
	out->dsdt = acpi_rd32(p + FADT_DSDT);
	if (has_field(len, FADT_X_DSDT, 8) && acpi_rd64(p + FADT_X_DSDT))
		out->dsdt = acpi_rd64(p + FADT_X_DSDT);
	out->sci_irq = acpi_rd16(p + FADT_SCI_INT);
	out->smi_cmd = acpi_rd32(p + FADT_SMI_CMD);
	out->acpi_enable = p[FADT_ACPI_ENABLE];
	out->acpi_disable = p[FADT_ACPI_DISABLE];
	out->pm1_cnt_len = p[FADT_PM1_CNT_LEN];
	out->century = p[FADT_CENTURY];
	out->boot_arch = acpi_rd16(p + FADT_BOOT_ARCH);
	out->flags = acpi_rd32(p + FADT_FLAGS);
	read_pm1(p, len, FADT_X_PM1A_CNT, FADT_PM1A_CNT_BLK, &out->pm1a_cnt);
	read_pm1(p, len, FADT_X_PM1B_CNT, FADT_PM1B_CNT_BLK, &out->pm1b_cnt);
	if (has_field(len, FADT_RESET_VALUE, 1)) {
		read_gas(p + FADT_RESET_REG, &out->reset_reg);
		out->reset_value = p[FADT_RESET_VALUE];
		out->has_reset = (out->flags & FADT_RESET_REG_SUP) && out->reset_reg.address != 0;
	}
	return 0;
}

/*
 * Decode a PkgLength at @p (at most @avail bytes): bits 7-6 of the lead
 * byte count the bytes that follow. Returns the encoding's size, or 0.
 */
static size_t pkg_length(const uint8_t *p, size_t avail, uint32_t *value)
{
	size_t follow;

	if (avail < 1) /* the lead byte itself may be past the AML */
		return 0;
	follow = p[0] >> 6;
	if (avail < follow + 1)
		return 0;
	if (follow == 0) {
		*value = p[0] & 0x3f;
		return 1;
	}
	*value = p[0] & 0x0f;
	for (size_t i = 1; i <= follow; i++)
		*value |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return follow + 1;
}

/* Decode one integer data object. Returns its size, or 0 if it is not one. */
static size_t aml_integer(const uint8_t *p, size_t avail, uint64_t *v)
{
	static const uint8_t sizes[] = {
		[AML_BYTE] = 1, [AML_WORD] = 2, [AML_DWORD] = 4, [AML_QWORD] = 8
	};
	size_t n;

	if (avail < 1)
		return 0;
	if (p[0] == AML_ZERO || p[0] == AML_ONE || p[0] == AML_ONES) {
		*v = p[0] == AML_ONES ? ~0ull : p[0];
		return 1;
	}
	if (p[0] >= sizeof(sizes) || !sizes[p[0]])
		return 0;
	n = sizes[p[0]];
	if (avail < n + 1)
		return 0;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v |= (uint64_t)p[1 + i] << (8 * i);
	return n + 1;
}

/* Parse "PackageOp PkgLength NumElements a b ..." at @p. */
static int parse_s5_package(const uint8_t *p, size_t avail, uint8_t *a, uint8_t *b)
{
	uint32_t plen;
	uint64_t va, vb;
	size_t off, n;

	if (avail < 1 || p[0] != AML_PACKAGE)
		return -EINVAL;
	n = pkg_length(p + 1, avail - 1, &plen);
	if (!n || plen > avail - 1)
		return -EINVAL;
	avail = plen + 1; /* PkgLength counts itself and the contents */
	off = 1 + n;
	if (off >= avail || p[off] < 2)
		return -EINVAL; /* need SLP_TYPa and SLP_TYPb */
	off++;
	n = aml_integer(p + off, avail - off, &va);
	if (!n)
		return -EINVAL;
	off += n;
	if (!aml_integer(p + off, avail - off, &vb))
		return -EINVAL;
	*a = (uint8_t)va;
	*b = (uint8_t)vb;
	return 0;
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	for (size_t i = 1; i + 4 <= len; i++) {
		bool named;

		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		/* NameOp "_S5_" or NameOp "\_S5_"; other hits are references. */
		named = aml[i - 1] == AML_NAME ||
			(i >= 2 && aml[i - 1] == AML_ROOT && aml[i - 2] == AML_NAME);
		if (named)
			return parse_s5_package(aml + i + 4, len - i - 4, slp_typa, slp_typb);
	}
	return -ENOENT;
}

/*
 * ACPI discovery (the contract is in discover.h): the RSDP, the root table,
 * the table list and the tables the kernel parses, read through a map
 * callback that the kernel backs with the direct map and the host with a
 * model of memory. Owns no state: everything lands in the caller's
 * struct acpi_state. Pure: host-testable.
 * Reference: ACPI 6.5 §5.2.5.1 (RSDP search), §5.2.7-8, §5.2.9 (FADT).
 */
#include "acpi/discover.h"

#include "acpi/bytes.h"
#include "include/compiler.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

static const void *map(const struct acpi_mem *mem, uint64_t pa, size_t len)
{
	return mem->map(mem->ctx, pa, len);
}

/* Map and validate the table at @pa. Returns it, or NULL with @err set. */
static const void *table_map_checked(const struct acpi_mem *mem, uint64_t pa, int *err)
{
	const uint8_t *h = map(mem, pa, sizeof(struct acpi_sdt_header));
	uint32_t len;

	*err = -EFAULT;
	if (!h)
		return NULL;
	len = acpi_rd32(h + 4);
	if (len < sizeof(struct acpi_sdt_header) || len > ACPI_TABLE_MAX_LEN) {
		*err = -EINVAL;
		return NULL;
	}
	h = map(mem, pa, len);
	if (!h)
		return NULL;
	*err = acpi_check_table(h, len);
	return *err ? NULL : h;
}

static void copy_id(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Record the table at @pa in the list. Returns it mapped if valid. */
static const void *add_table(const struct acpi_mem *mem, struct acpi_state *st, uint64_t pa)
{
	const struct acpi_sdt_header *h = map(mem, pa, sizeof(*h));
	struct acpi_table_desc *d;
	const void *t;

	if (st->table_count == ACPI_MAX_TABLES) {
		st->excess++;
		return NULL;
	}
	d = &st->tables[st->table_count++];
	memset(d, 0, sizeof(*d));
	d->phys = pa;
	if (!h) {
		copy_id(d->signature, "????", ACPI_SIG_LEN);
		d->err = -EFAULT;
		return NULL;
	}
	copy_id(d->signature, h->signature, ACPI_SIG_LEN);
	copy_id(d->oem_id, h->oem_id, ACPI_OEM_ID_LEN);
	copy_id(d->oem_table_id, h->oem_table_id, ACPI_OEM_TABLE_ID_LEN);
	d->length = acpi_rd32((const uint8_t *)h + 4);
	d->revision = h->revision;
	t = table_map_checked(mem, pa, &d->err);
	d->valid = t != NULL;
	return t;
}

/* Scan @len bytes of BIOS memory at @pa for an RSDP and parse it. */
static int scan_area(const struct acpi_mem *mem, uint64_t pa, size_t len,
		     struct acpi_root_info *root)
{
	const uint8_t *area = map(mem, pa, len);
	long off = area ? acpi_find_rsdp(area, len) : -ENOENT;

	if (off < 0)
		return (int)off;
	/* Parse it with what acpi_find_rsdp() validated: the bytes left in
	 * the area, which may be fewer than a 2.0 RSDP's 36. */
	return acpi_parse_rsdp(area + off, MIN(len - (size_t)off, sizeof(struct acpi_rsdp)), root);
}

/* Find the RSDP: the loader's copy, else (BIOS only) the legacy areas. */
static int find_root(const struct acpi_mem *mem, const uint8_t *rsdp, size_t rsdp_len,
		     bool bios_areas, struct acpi_state *st)
{
	const uint8_t *bda;
	int err;

	if (rsdp_len && acpi_parse_rsdp(rsdp, rsdp_len, &st->root) == 0)
		return 0;
	st->rsdp_copy_bad = rsdp_len != 0;
	if (!bios_areas)
		return -ENOENT;
	bda = map(mem, ACPI_BDA_EBDA_SEGMENT, 2);
	err = bda ? scan_area(mem, (uint64_t)acpi_rd16(bda) << 4, ACPI_EBDA_SEARCH_LEN, &st->root)
		  : -ENOENT;
	if (err)
		err = scan_area(mem, ACPI_BIOS_ROM_START, ACPI_BIOS_ROM_LEN, &st->root);
	st->rsdp_scanned = err == 0;
	return err;
}

/* Walk the XSDT (or RSDT) and list every table it points to. */
static int walk_root(const struct acpi_mem *mem, struct acpi_state *st)
{
	const void *rt = NULL;
	int err = -ENOENT;

	if (st->root.xsdt) {
		rt = table_map_checked(mem, st->root.xsdt, &err);
		if (!rt)
			st->xsdt_err = err;
	}
	st->root_is_xsdt = rt != NULL;
	if (!rt && st->root.rsdt)
		rt = table_map_checked(mem, st->root.rsdt, &err);
	if (!rt)
		return err;
	for (size_t i = 0; i < acpi_root_count(rt, st->root_is_xsdt); i++)
		add_table(mem, st, acpi_root_entry(rt, st->root_is_xsdt, i));
	return 0;
}

/* Parse the FADT and find \_S5 in the DSDT it points to. */
static void parse_fadt(const struct acpi_mem *mem, struct acpi_state *st, const void *t)
{
	const uint8_t *dsdt;
	uint32_t len;

	st->have_fadt = acpi_parse_fadt(t, &st->fadt) == 0;
	if (!st->have_fadt || !st->fadt.dsdt) {
		st->fadt_unusable = true;
		return;
	}
	dsdt = add_table(mem, st, st->fadt.dsdt);
	if (!dsdt)
		return;
	len = acpi_rd32(dsdt + 4); /* checked: at least the header */
	st->have_s5 =
		acpi_find_s5(dsdt + sizeof(struct acpi_sdt_header),
			     len - sizeof(struct acpi_sdt_header), &st->s5_typa, &st->s5_typb) == 0;
}

static void parse_known(const struct acpi_mem *mem, struct acpi_state *st, const void *t)
{
	if (acpi_table_is(t, "APIC") && !st->have_madt) {
		st->have_madt = acpi_parse_madt(t, &st->madt) == 0 || st->madt.cpu_count > 0;
	} else if (acpi_table_is(t, "HPET") && !st->have_hpet) {
		st->have_hpet = acpi_parse_hpet(t, &st->hpet) == 0;
	} else if (acpi_table_is(t, "MCFG") && !st->have_mcfg) {
		st->have_mcfg = acpi_parse_mcfg(t, &st->mcfg) == 0;
	} else if (acpi_table_is(t, "FACP") && !st->have_fadt) {
		parse_fadt(mem, st, t);
	}
}

void acpi_discover(const struct acpi_mem *mem, const uint8_t *rsdp, size_t rsdp_len,
		   bool bios_areas, struct acpi_state *st)
{
	memset(st, 0, sizeof(*st));
	st->err = find_root(mem, rsdp, rsdp_len, bios_areas, st);
	if (!st->err)
		st->err = walk_root(mem, st);
	if (st->err)
		return;
	/* Only the root's tables: the DSDT that parse_fadt() adds is not one
	 * of the kinds parse_known() looks for. */
	for (size_t i = 0, n = st->table_count; i < n; i++) {
		const struct acpi_table_desc *d = &st->tables[i];
		const void *t = d->valid ? map(mem, d->phys, d->length) : NULL;

		if (t)
			parse_known(mem, st, t);
	}
}

/*
 * ACPI glue: maps the RSDP's root table and every table it lists through
 * the direct map, checks them with the pure parsers (tables.c, madt.c,
 * fadt.c) and keeps the results in static storage. Tables are RAM (ACPI
 * reclaimable/NVS), so they are reached with phys_to_virt, limited to what
 * the boot page tables map. All state is written by acpi_init() on the boot
 * CPU before interrupts are enabled and is read-only afterwards.
 * Reference: ACPI 6.5 §5.2 (table discovery).
 */
#include "acpi/acpi.h"

#include "arch/arch.h"
#include "boot/multiboot2.h"
#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

#define LOG_PREFIX "acpi: "

/* The boot page tables map physical 0-4 GiB; tables above are skipped. */
#define TABLE_PHYS_LIMIT 0x100000000ull
/* Sanity bound on a table's length field (real DSDTs are < 1 MiB). */
#define TABLE_MAX_LEN (16u << 20)
/* Legacy BIOS areas searched for the RSDP (ACPI 6.5 §5.2.5.1). */
#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_SEARCH_LEN 1024
#define BIOS_ROM_START 0xe0000
#define BIOS_ROM_LEN 0x20000

/* Immutable after acpi_init(). */
static struct acpi_root_info root;
static bool have_root, root_is_xsdt;
static struct acpi_table_desc tables[ACPI_MAX_TABLES];
static size_t table_count;
static struct acpi_madt_info madt;
static struct acpi_hpet_info hpet;
static struct acpi_mcfg_info mcfg;
static struct acpi_fadt_info fadt;
static bool have_madt, have_hpet, have_mcfg, have_fadt, have_s5;
static uint8_t s5_typa, s5_typb;

/* Map @len bytes of table memory at @pa; NULL when not reachable. */
static const void *table_map(uint64_t pa, size_t len)
{
	if (!pa || pa >= TABLE_PHYS_LIMIT || len > TABLE_PHYS_LIMIT - pa)
		return NULL;
	return phys_to_virt(pa);
}

/* Map and validate the table at @pa. Returns it, or NULL with @err set. */
static const void *table_map_checked(uint64_t pa, int *err)
{
	const struct acpi_sdt_header *h = table_map(pa, sizeof(*h));
	uint32_t len;

	*err = -EFAULT;
	if (!h)
		return NULL;
	len = h->length;
	if (len > TABLE_MAX_LEN || !table_map(pa, len)) {
		*err = -EINVAL;
		return NULL;
	}
	*err = acpi_check_table(h, len);
	return *err ? NULL : h;
}

static void copy_id(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Record the table at @pa in the list. Returns it mapped if valid. */
static const void *add_table(uint64_t pa)
{
	const struct acpi_sdt_header *h = table_map(pa, sizeof(*h));
	struct acpi_table_desc *d;
	const void *t;
	int err;

	if (table_count == ACPI_MAX_TABLES) {
		log_warn("more than %d tables, ignoring %#lx\n", ACPI_MAX_TABLES,
			 (unsigned long)pa);
		return NULL;
	}
	d = &tables[table_count++];
	d->phys = pa;
	if (!h) {
		log_warn("table at %#lx is outside the mapped range\n", (unsigned long)pa);
		copy_id(d->signature, "????", ACPI_SIG_LEN);
		return NULL;
	}
	copy_id(d->signature, h->signature, ACPI_SIG_LEN);
	copy_id(d->oem_id, h->oem_id, ACPI_OEM_ID_LEN);
	copy_id(d->oem_table_id, h->oem_table_id, ACPI_OEM_TABLE_ID_LEN);
	d->length = h->length;
	d->revision = h->revision;
	t = table_map_checked(pa, &err);
	d->valid = t != NULL;
	if (!t)
		log_warn("%s at %#lx ignored: %s\n", d->signature, (unsigned long)pa,
			 err == -EBADMSG ? "bad checksum" : "bad length");
	return t;
}

/* Find the RSDP: the loader's copy, else (BIOS only) the legacy areas. */
static int find_root(const struct boot_info *bi)
{
	const uint16_t *ebda_seg = table_map(BDA_EBDA_SEGMENT, sizeof(*ebda_seg));
	const uint8_t *area;
	long off;

	if (bi->rsdp_len && acpi_parse_rsdp(bi->rsdp, bi->rsdp_len, &root) == 0)
		return 0;
	if (bi->rsdp_len)
		log_warn("the loader's RSDP copy is invalid\n");
	if (bi->uefi)
		return -ENOENT; /* no BIOS areas to search */
	area = table_map((uint64_t)*ebda_seg << 4, EBDA_SEARCH_LEN);
	off = area ? acpi_find_rsdp(area, EBDA_SEARCH_LEN) : -ENOENT;
	if (off < 0) {
		area = table_map(BIOS_ROM_START, BIOS_ROM_LEN);
		off = acpi_find_rsdp(area, BIOS_ROM_LEN);
	}
	if (off < 0)
		return (int)off;
	log_info("RSDP found by scanning BIOS memory\n");
	return acpi_parse_rsdp(area + off, sizeof(struct acpi_rsdp), &root);
}

/* Walk the XSDT (or RSDT) and list every table it points to. */
static int walk_root(void)
{
	const void *rt = NULL;
	int err = -ENOENT;

	if (root.xsdt) {
		rt = table_map_checked(root.xsdt, &err);
		if (!rt)
			log_warn("XSDT unusable (%d), falling back to the RSDT\n", err);
	}
	root_is_xsdt = rt != NULL;
	if (!rt && root.rsdt)
		rt = table_map_checked(root.rsdt, &err);
	if (!rt)
		return err;
	for (size_t i = 0; i < acpi_root_count(rt, root_is_xsdt); i++)
		add_table(acpi_root_entry(rt, root_is_xsdt, i));
	return 0;
}

/* Parse the FADT and find \_S5 in the DSDT it points to. */
static void parse_fadt(const void *t)
{
	const struct acpi_sdt_header *dsdt;

	have_fadt = acpi_parse_fadt(t, &fadt) == 0;
	if (!have_fadt || !fadt.dsdt) {
		log_warn("FADT unusable: no ACPI power off\n");
		return;
	}
	dsdt = add_table(fadt.dsdt);
	if (!dsdt)
		return;
	have_s5 = acpi_find_s5((const uint8_t *)(dsdt + 1), dsdt->length - sizeof(*dsdt), &s5_typa,
			       &s5_typb) == 0;
	if (!have_s5)
		log_warn("no \\_S5 package in the DSDT\n");
}

static void parse_known(const void *t)
{
	if (acpi_table_is(t, "APIC") && !have_madt) {
		have_madt = acpi_parse_madt(t, &madt) == 0 || madt.cpu_count > 0;
		if (madt.dropped || madt.bad_entries)
			log_warn("MADT: %u entries over the limits, %u malformed\n", madt.dropped,
				 madt.bad_entries);
	} else if (acpi_table_is(t, "HPET") && !have_hpet) {
		have_hpet = acpi_parse_hpet(t, &hpet) == 0;
	} else if (acpi_table_is(t, "MCFG") && !have_mcfg) {
		have_mcfg = acpi_parse_mcfg(t, &mcfg) == 0;
	} else if (acpi_table_is(t, "FACP") && !have_fadt) {
		parse_fadt(t);
	}
}

void acpi_init(const struct boot_info *bi)
{
	int err = find_root(bi);

	if (!err)
		err = walk_root();
	if (err) {
		log_warn("no usable ACPI tables (%d): legacy defaults\n", err);
		return;
	}
	have_root = true;
	for (size_t i = 0, n = table_count; i < n; i++) {
		const void *t = tables[i].valid ? table_map(tables[i].phys, 1) : NULL;

		if (t)
			parse_known(t);
	}
	if (!have_madt)
		log_warn("no valid MADT: single CPU, default APIC addresses\n");
	log_info("rev %u (%s), %zu tables, %u CPUs, %u IOAPICs, HPET %s, MCFG %s\n", root.revision,
		 root_is_xsdt ? "XSDT" : "RSDT", table_count, have_madt ? madt.cpu_count : 0,
		 have_madt ? madt.ioapic_count : 0, have_hpet ? "yes" : "no",
		 have_mcfg ? "yes" : "no");
}

const struct acpi_root_info *acpi_root(void)
{
	return have_root ? &root : NULL;
}

bool acpi_uses_xsdt(void)
{
	return root_is_xsdt;
}

size_t acpi_table_count(void)
{
	return table_count;
}

const struct acpi_table_desc *acpi_table_get(size_t i)
{
	return i < table_count ? &tables[i] : NULL;
}

const void *acpi_find_table(const char *sig)
{
	for (size_t i = 0; i < table_count; i++)
		if (tables[i].valid && memcmp(tables[i].signature, sig, ACPI_SIG_LEN) == 0)
			return table_map(tables[i].phys, tables[i].length);
	return NULL;
}

const struct acpi_madt_info *acpi_madt(void)
{
	return have_madt ? &madt : NULL;
}

const struct acpi_hpet_info *acpi_hpet(void)
{
	return have_hpet ? &hpet : NULL;
}

const struct acpi_mcfg_info *acpi_mcfg(void)
{
	return have_mcfg ? &mcfg : NULL;
}

const struct acpi_fadt_info *acpi_fadt(void)
{
	return have_fadt ? &fadt : NULL;
}

int acpi_s5_sleep_type(uint8_t *slp_typa, uint8_t *slp_typb)
{
	if (!have_s5)
		return -ENOENT;
	*slp_typa = s5_typa;
	*slp_typb = s5_typb;
	return 0;
}

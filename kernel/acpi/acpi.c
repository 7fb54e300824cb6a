/*
 * ACPI glue: runs the pure discovery walk (discover.c, which uses the
 * parsers in tables.c, madt.c and fadt.c) on the direct map, logs what it
 * found and what was wrong, and keeps the result in static storage.
 * Tables are RAM (ACPI reclaimable/NVS), so they are reached with
 * phys_to_virt, limited to what the boot page tables map. All state is
 * written by acpi_init() on the boot CPU before interrupts are enabled and
 * is read-only afterwards.
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

/* Immutable after acpi_init(). */
static struct acpi_state acpi;
static bool have_root;

/* Map @len bytes of table memory at @pa; NULL when not reachable. */
static const void *table_map(uint64_t pa, size_t len)
{
	if (!pa || pa >= TABLE_PHYS_LIMIT || len > TABLE_PHYS_LIMIT - pa)
		return NULL;
	return phys_to_virt(pa);
}

static const void *direct_map(void *ctx, uint64_t pa, size_t len)
{
	return table_map(pa, len);
}

static const struct acpi_mem direct_mem = { .map = direct_map };

static const char *table_err_name(int err)
{
	switch (err) {
	case -EFAULT:
		return "outside the mapped range";
	case -EBADMSG:
		return "bad checksum";
	default:
		return "bad length";
	}
}

/* One line per problem discovery ran into. */
static void log_problems(void)
{
	if (acpi.rsdp_copy_bad)
		log_warn("the loader's RSDP copy is invalid\n");
	if (acpi.rsdp_scanned)
		log_info("RSDP found by scanning BIOS memory\n");
	if (acpi.xsdt_err)
		log_warn("XSDT unusable (%d), falling back to the RSDT\n", acpi.xsdt_err);
	if (acpi.excess)
		log_warn("more than %d tables, %u ignored\n", ACPI_MAX_TABLES, acpi.excess);
	for (size_t i = 0; i < acpi.table_count; i++)
		if (!acpi.tables[i].valid)
			log_warn("%s at %#lx ignored: %s\n", acpi.tables[i].signature,
				 (unsigned long)acpi.tables[i].phys,
				 table_err_name(acpi.tables[i].err));
	if (acpi.have_madt && (acpi.madt.dropped || acpi.madt.bad_entries))
		log_warn("MADT: %u entries over the limits, %u malformed\n", acpi.madt.dropped,
			 acpi.madt.bad_entries);
	if (acpi.fadt_unusable)
		log_warn("FADT unusable: no ACPI power off\n");
	else if (acpi.have_fadt && !acpi.have_s5)
		log_warn("no \\_S5 package in the DSDT\n");
}

void acpi_init(const struct boot_info *bi)
{
	acpi_discover(&direct_mem, bi->rsdp, bi->rsdp_len, !bi->uefi, &acpi);
	if (acpi.err) {
		log_problems();
		log_warn("no usable ACPI tables (%d): legacy defaults\n", acpi.err);
		return;
	}
	have_root = true;
	log_problems();
	if (!acpi.have_madt)
		log_warn("no valid MADT: single CPU, default APIC addresses\n");
	log_info("rev %u (%s), %zu tables, %u CPUs, %u IOAPICs, HPET %s, MCFG %s\n",
		 acpi.root.revision, acpi.root_is_xsdt ? "XSDT" : "RSDT", acpi.table_count,
		 acpi.have_madt ? acpi.madt.cpu_count : 0,
		 acpi.have_madt ? acpi.madt.ioapic_count : 0, acpi.have_hpet ? "yes" : "no",
		 acpi.have_mcfg ? "yes" : "no");
}

const struct acpi_root_info *acpi_root(void)
{
	return have_root ? &acpi.root : NULL;
}

bool acpi_uses_xsdt(void)
{
	return acpi.root_is_xsdt;
}

size_t acpi_table_count(void)
{
	return acpi.table_count;
}

const struct acpi_table_desc *acpi_table_get(size_t i)
{
	return i < acpi.table_count ? &acpi.tables[i] : NULL;
}

const void *acpi_find_table(const char *sig)
{
	for (size_t i = 0; i < acpi.table_count; i++) {
		const struct acpi_table_desc *d = &acpi.tables[i];

		if (d->valid && memcmp(d->signature, sig, ACPI_SIG_LEN) == 0)
			return table_map(d->phys, d->length);
	}
	return NULL;
}

const struct acpi_madt_info *acpi_madt(void)
{
	return acpi.have_madt ? &acpi.madt : NULL;
}

const struct acpi_hpet_info *acpi_hpet(void)
{
	return acpi.have_hpet ? &acpi.hpet : NULL;
}

const struct acpi_mcfg_info *acpi_mcfg(void)
{
	return acpi.have_mcfg ? &acpi.mcfg : NULL;
}

const struct acpi_fadt_info *acpi_fadt(void)
{
	return acpi.have_fadt ? &acpi.fadt : NULL;
}

int acpi_s5_sleep_type(uint8_t *slp_typa, uint8_t *slp_typb)
{
	if (!acpi.have_s5)
		return -ENOENT;
	*slp_typa = acpi.s5_typa;
	*slp_typb = acpi.s5_typb;
	return 0;
}

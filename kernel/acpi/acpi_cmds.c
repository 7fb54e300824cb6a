/*
 * The `acpi` shell command: the table list (signature, address, length,
 * revision, OEM ids, checksum state) and what the kernel took from the
 * MADT, HPET, MCFG and FADT. Reads acpi.c's immutable state only.
 */
#include "acpi/acpi.h"
#include "core/console.h"
#include "lib/string.h"
#include "shell/shell.h"

static void print_tables(void)
{
	const struct acpi_root_info *r = acpi_root();

	kprintf("RSDP revision %u, OEM '%s', root table %s\n", r->revision, r->oem_id,
		acpi_uses_xsdt() ? "XSDT" : "RSDT");
	kprintf("SIG  ADDRESS            LENGTH REV OEM    OEM-TABLE STATUS\n");
	for (size_t i = 0; i < acpi_table_count(); i++) {
		const struct acpi_table_desc *t = acpi_table_get(i);

		kprintf("%-4s %#018lx %6u %3u %-6s %-9s %s\n", t->signature, (unsigned long)t->phys,
			t->length, t->revision, t->oem_id, t->oem_table_id,
			t->valid ? "ok" : "INVALID");
	}
}

static void print_madt(const struct acpi_madt_info *m)
{
	kprintf("MADT: LAPIC at %#lx, %u CPUs (APIC ids", (unsigned long)m->lapic_address,
		m->cpu_count);
	for (unsigned int i = 0; i < m->cpu_count; i++)
		kprintf(" %u%s", m->cpus[i].apic_id, m->cpus[i].enabled ? "" : "(off)");
	kprintf("), %u IOAPICs, %u LAPIC NMIs, PC-AT 8259s %s\n", m->ioapic_count, m->nmi_count,
		(m->flags & MADT_PCAT_COMPAT) ? "yes" : "no");
	for (unsigned int i = 0; i < m->ioapic_count; i++)
		kprintf("  IOAPIC id %u at %#x, GSI base %u\n", m->ioapics[i].id,
			m->ioapics[i].address, m->ioapics[i].gsi_base);
	for (unsigned int i = 0; i < m->override_count; i++) {
		const struct acpi_override *o = &m->overrides[i];

		kprintf("  override: ISA IRQ %u -> GSI %u, %s, %s\n", o->source, o->gsi,
			(o->flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL ? "level" : "edge",
			(o->flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW ? "active low"
									   : "active high");
	}
}

static const char *space_name(uint8_t id)
{
	return id == ACPI_GAS_IO ? "io" : id == ACPI_GAS_MEMORY ? "mem" : "other";
}

static void print_fadt(const struct acpi_fadt_info *f)
{
	uint8_t a, b;

	kprintf("FADT: revision %u, SCI IRQ %u, PM1a control %#lx (%s)", f->revision, f->sci_irq,
		(unsigned long)f->pm1a_cnt.address, space_name(f->pm1a_cnt.space_id));
	if (f->pm1b_cnt.address)
		kprintf(", PM1b %#lx", (unsigned long)f->pm1b_cnt.address);
	if (f->has_reset)
		kprintf(", reset %#lx (%s) <- %#x", (unsigned long)f->reset_reg.address,
			space_name(f->reset_reg.space_id), f->reset_value);
	if (acpi_s5_sleep_type(&a, &b) == 0)
		kprintf(", \\_S5 SLP_TYP %u/%u", a, b);
	kprintf(", century reg %#x\n", f->century);
}

static void print_parsed(void)
{
	const struct acpi_hpet_info *h = acpi_hpet();
	const struct acpi_mcfg_info *mc = acpi_mcfg();

	if (acpi_madt())
		print_madt(acpi_madt());
	else
		kprintf("MADT: none\n");
	if (h)
		kprintf("HPET: block %u at %#lx, id %#x, min tick %u\n", h->number,
			(unsigned long)h->address, h->block_id, h->min_tick);
	else
		kprintf("HPET: none\n");
	for (unsigned int i = 0; mc && i < mc->count; i++)
		kprintf("MCFG: segment %u buses %u-%u at %#lx\n", mc->entries[i].segment,
			mc->entries[i].bus_start, mc->entries[i].bus_end,
			(unsigned long)mc->entries[i].base);
	if (!mc)
		kprintf("MCFG: none (no PCIe ECAM)\n");
	if (acpi_fadt())
		print_fadt(acpi_fadt());
	else
		kprintf("FADT: none\n");
}

static int cmd_acpi(int argc, char **argv)
{
	bool tables = argc == 1 || strcmp(argv[1], "tables") == 0;
	bool parsed = argc == 1 || strcmp(argv[1], "parsed") == 0;

	if (argc > 2 || (!tables && !parsed))
		return shell_usage(shell_find("acpi"));
	if (!acpi_root()) {
		kprintf("acpi: no ACPI tables were found\n");
		return 1;
	}
	if (tables)
		print_tables();
	if (parsed)
		print_parsed();
	return 0;
}

static const char *const acpi_subcmds[] = { "tables", "parsed", NULL };

SHELL_COMMAND(acpi, .name = "acpi", .group = "hardware",
	      .summary = "list ACPI tables and what was parsed from them",
	      .usage = "acpi [tables|parsed]", .fn = cmd_acpi, .subcmds = acpi_subcmds);

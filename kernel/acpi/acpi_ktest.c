/*
 * In-kernel ACPI tests against the firmware's real tables (QEMU q35 or pc,
 * SeaBIOS or OVMF): every listed table passed its checksum, and the MADT,
 * FADT, \_S5 and HPET the rest of the kernel relies on were found.
 */
#include "acpi/acpi.h"
#include "ktest/ktest.h"

KTEST(acpi_tables_checksummed)
{
	KASSERT(acpi_root() != NULL);
	KASSERT(acpi_table_count() >= 3);
	for (size_t i = 0; i < acpi_table_count(); i++) {
		const struct acpi_table_desc *t = acpi_table_get(i);
		const void *mapped = acpi_find_table(t->signature);

		KASSERT(t->valid);
		KASSERT(mapped != NULL);
		KASSERT_EQ(acpi_checksum(mapped, ((const struct acpi_sdt_header *)mapped)->length),
			   0);
	}
	KASSERT(acpi_table_get(acpi_table_count()) == NULL);
}

KTEST(acpi_madt_boot_cpu_and_ioapic)
{
	const struct acpi_madt_info *m = acpi_madt();
	uint16_t flags;

	KASSERT(m != NULL);
	KASSERT(m->cpu_count >= 1);
	KASSERT(m->ioapic_count >= 1);
	KASSERT(m->lapic_address != 0);
	/* Every PC firmware routes the PIT's ISA IRQ 0 to GSI 2. */
	KASSERT_EQ(acpi_isa_to_gsi(m, 0, &flags), 2);
}

KTEST(acpi_fadt_power_registers)
{
	const struct acpi_fadt_info *f = acpi_fadt();
	uint8_t a, b;

	KASSERT(f != NULL);
	KASSERT(f->pm1a_cnt.address != 0);
	KASSERT(f->dsdt != 0);
	KASSERT_EQ(acpi_s5_sleep_type(&a, &b), 0);
	KASSERT(acpi_find_table("DSDT") != NULL);
}

KTEST(acpi_hpet_found)
{
	const struct acpi_hpet_info *h = acpi_hpet();

	KASSERT(h != NULL);
	KASSERT(h->address != 0);
	KASSERT(acpi_find_table("NOPE") == NULL);
}

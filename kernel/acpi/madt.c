/*
 * MADT parser: walks the variable-length interrupt controller structures
 * into struct acpi_madt_info. A structure shorter than its type needs is
 * skipped and counted; a length below 2 or past the end ends the walk,
 * because the next entry's position can no longer be trusted.
 * Pure: host-testable.
 * Reference: ACPI 6.5 §5.2.12 (Tables 5.19-5.34).
 */
#include "acpi/madt.h"

#include "acpi/bytes.h"
#include "acpi/tables.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

#define MADT_OFF_LAPIC_ADDR 36
#define MADT_OFF_FLAGS 40
#define MADT_OFF_ENTRIES 44
#define ISA_BUS 0

/* Minimum length of each known entry type (spec tables 5.22-5.34). */
static uint8_t min_entry_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
		return 12;
	case MADT_ISO:
		return 10;
	case MADT_NMI_SOURCE:
		return 8;
	case MADT_LAPIC_NMI:
		return 6;
	case MADT_LAPIC_ADDR:
		return 12;
	case MADT_X2APIC:
		return 16;
	case MADT_X2APIC_NMI:
		return 12;
	default:
		return 0;
	}
}

static void add_cpu(struct acpi_madt_info *m, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	if (!(flags & (MADT_LAPIC_ENABLED | MADT_LAPIC_ONLINE_CAPABLE)))
		return; /* not usable at all: firmware says ignore it */
	if (m->cpu_count == ACPI_MAX_CPUS) {
		m->dropped++;
		return;
	}
	m->cpus[m->cpu_count++] = (struct acpi_cpu){
		.apic_id = apic_id,
		.uid = uid,
		.enabled = flags & MADT_LAPIC_ENABLED,
	};
}

static void add_ioapic(struct acpi_madt_info *m, const uint8_t *e)
{
	if (m->ioapic_count == ACPI_MAX_IOAPICS) {
		m->dropped++;
		return;
	}
	m->ioapics[m->ioapic_count++] = (struct acpi_ioapic){
		.id = e[2],
		.address = acpi_rd32(e + 4),
		.gsi_base = acpi_rd32(e + 8),
	};
}

static void add_override(struct acpi_madt_info *m, const uint8_t *e)
{
	if (m->override_count == ACPI_MAX_OVERRIDES) {
		m->dropped++;
		return;
	}
	m->overrides[m->override_count++] = (struct acpi_override){
		.bus = e[2],
		.source = e[3],
		.gsi = acpi_rd32(e + 4),
		.flags = acpi_rd16(e + 8),
	};
}

static void add_nmi(struct acpi_madt_info *m, uint32_t uid, uint16_t flags, uint8_t lint)
{
	if (m->nmi_count == ACPI_MAX_LAPIC_NMIS) {
		m->dropped++;
		return;
	}
	m->nmis[m->nmi_count++] = (struct acpi_lapic_nmi){
		.uid = uid,
		.flags = flags,
		.lint = lint,
	};
}

/* Record one entry whose length is already known to be sufficient. */
static void parse_entry(struct acpi_madt_info *m, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		add_cpu(m, e[3], e[2], acpi_rd32(e + 4));
		break;
	case MADT_IOAPIC:
		add_ioapic(m, e);
		break;
	case MADT_ISO:
		add_override(m, e);
		break;
	case MADT_NMI_SOURCE:
		m->nmi_source_count++;
		break;
	case MADT_LAPIC_NMI: /* uid 0xff means all processors */
		add_nmi(m, e[2] == 0xff ? MADT_NMI_ALL_CPUS : e[2], acpi_rd16(e + 3), e[5]);
		break;
	case MADT_LAPIC_ADDR:
		m->lapic_address = acpi_rd64(e + 4);
		break;
	case MADT_X2APIC:
		add_cpu(m, acpi_rd32(e + 4), acpi_rd32(e + 12), acpi_rd32(e + 8));
		break;
	case MADT_X2APIC_NMI:
		add_nmi(m, acpi_rd32(e + 4), acpi_rd16(e + 2), e[8]);
		break;
	}
}

int acpi_parse_madt(const void *table, struct acpi_madt_info *out)
{
	const uint8_t *p = table;
	uint32_t len = acpi_rd32(p + 4);
	uint32_t off = MADT_OFF_ENTRIES;

	memset(out, 0, sizeof(*out));
	if (len < MADT_OFF_ENTRIES)
		return -EINVAL;
	out->lapic_address = acpi_rd32(p + MADT_OFF_LAPIC_ADDR);
	out->flags = acpi_rd32(p + MADT_OFF_FLAGS);
	while (off + 2 <= len) {
		const uint8_t *e = p + off;
		uint8_t elen = e[1];
		uint8_t need = min_entry_len(e[0]);

		if (elen < 2 || elen > len - off)
			return -EINVAL;
		if (!need)
			out->unknown++;
		else if (elen < need)
			out->bad_entries++;
		else
			parse_entry(out, e);
		off += elen;
	}
	return off == len ? 0 : -EINVAL;
}

uint32_t acpi_isa_to_gsi(const struct acpi_madt_info *m, unsigned int irq, uint16_t *flags)
{
	for (unsigned int i = 0; m && i < m->override_count; i++) {
		const struct acpi_override *o = &m->overrides[i];

		if (o->bus == ISA_BUS && o->source == irq) {
			*flags = o->flags;
			return o->gsi;
		}
	}
	*flags = 0; /* conforms to the ISA bus: edge, active high */
	return irq;
}

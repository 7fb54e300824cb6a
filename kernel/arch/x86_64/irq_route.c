/*
 * Where interrupts come from: GSIs through the IOAPICs (ISA IRQs translated
 * by the MADT's source overrides), and MSI/MSI-X messages composed for a
 * vector and a CPU. Also the CPU index -> APIC id map the destinations use.
 * Locking: irq_desc_lock as in irq.c; cpu_apic_ids
 * is immutable after irq_init_cpu_map().
 * Reference: ACPI 6.5 §5.2.12.5 (overrides); Intel SDM Vol. 3 §11.11
 * (MSI address and data formats).
 */
#include "irq/irq.h"

#include "acpi/acpi.h"
#include "arch/arch.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/irq_internal.h"
#include "arch/x86_64/irq_vectors.h"
#include "arch/x86_64/lapic.h"
#include "include/uapi/errno.h"

/* MSI address/data (SDM §11.11.1-2): fixed delivery, edge, physical. */
#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_MAX_DEST 0xff

/* Immutable after irq_init_cpu_map(). */
static uint32_t cpu_apic_ids[IRQ_MAX_CPUS];
static unsigned int nr_cpu_ids;

void irq_init_cpu_map(void)
{
	const struct acpi_madt_info *m = acpi_madt();
	uint32_t boot = lapic_id();

	cpu_apic_ids[0] = boot;
	nr_cpu_ids = 1;
	for (unsigned int i = 0; m && i < m->cpu_count && nr_cpu_ids < IRQ_MAX_CPUS; i++)
		if (m->cpus[i].enabled && m->cpus[i].apic_id != boot)
			cpu_apic_ids[nr_cpu_ids++] = m->cpus[i].apic_id;
}

long irq_cpu_apic_id(unsigned int cpu)
{
	return cpu < nr_cpu_ids ? (long)cpu_apic_ids[cpu] : -1;
}

static bool vector_usable(unsigned int v)
{
	return v >= IRQ_VEC_DYNAMIC_FIRST && v <= IRQ_VEC_DYNAMIC_LAST && descs[v].allocated;
}

static unsigned int to_ioapic_flags(unsigned int flags)
{
	return ((flags & IRQ_LEVEL) ? IOAPIC_LEVEL : 0) |
	       ((flags & IRQ_ACTIVE_LOW) ? IOAPIC_ACTIVE_LOW : 0);
}

int irq_route_gsi(uint32_t gsi, unsigned int vector, unsigned int flags)
{
	unsigned long irqf;
	int err;

	irqf = spin_lock_irqsave(&irq_desc_lock);
	if (!vector_usable(vector)) {
		err = -EINVAL;
	} else if (descs[vector].gsi >= 0) {
		err = -EBUSY; /* one GSI per vector keeps irq_free() simple */
	} else {
		err = ioapic_route(gsi, (uint8_t)vector, cpu_apic_ids[0], to_ioapic_flags(flags));
		if (!err)
			descs[vector].gsi = gsi;
	}
	spin_unlock_irqrestore(&irq_desc_lock, irqf);
	return err;
}

int irq_unroute_gsi(uint32_t gsi)
{
	unsigned long irqf = spin_lock_irqsave(&irq_desc_lock);
	int err = ioapic_unroute(gsi);

	for (unsigned int v = 0; !err && v < IRQ_NR_VECTORS; v++)
		if (descs[v].gsi == (long)gsi)
			descs[v].gsi = -1;
	spin_unlock_irqrestore(&irq_desc_lock, irqf);
	return err;
}

uint32_t irq_isa_to_gsi(unsigned int isa_irq, unsigned int *flags)
{
	uint16_t mps;
	uint32_t gsi = acpi_isa_to_gsi(acpi_madt(), isa_irq, &mps);

	/* "Conforms to the bus" is edge and active high on ISA. */
	*flags = ((mps & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL ? IRQ_LEVEL : 0) |
		 ((mps & MPS_POLARITY_MASK) == MPS_POLARITY_LOW ? IRQ_ACTIVE_LOW : 0);
	return gsi;
}

int irq_request_isa(unsigned int isa_irq, void (*fn)(struct irq_ctx *ctx, void *data), void *data,
		    const char *name)
{
	unsigned int flags;
	uint32_t gsi = irq_isa_to_gsi(isa_irq, &flags);
	int vector, err;

	vector = irq_alloc_vector();
	if (vector < 0)
		return vector;
	err = irq_attach((unsigned int)vector, fn, data, name);
	if (err)
		goto err_free;
	err = irq_route_gsi(gsi, (unsigned int)vector, flags);
	if (err)
		goto err_free;
	return vector;

err_free:
	if (irq_free((unsigned int)vector))
		return -EINVAL; /* cannot happen: we own the vector */
	return err;
}

int irq_msi_compose(unsigned int vector, unsigned int cpu, uint64_t *addr, uint32_t *data)
{
	long apic_id = irq_cpu_apic_id(cpu);

	if (!vector_usable(vector) || apic_id < 0)
		return -EINVAL;
	if (apic_id > MSI_MAX_DEST)
		return -ERANGE; /* needs interrupt remapping */
	*addr = MSI_ADDR_BASE | ((uint64_t)apic_id << MSI_ADDR_DEST_SHIFT);
	*data = vector; /* delivery mode fixed (0), edge (bit 15 = 0) */
	return 0;
}

/*
 * MSI-X (PCI Local Bus 3.0 §6.8.2): find the table through the
 * capability's BIR and offset, map it, program entries with the message
 * irq_msi_compose() gives for a vector and a CPU, and switch the function
 * from INTx to MSI-X. Entries stay masked until programmed.
 * Locking: called by the device's driver during probe (one caller).
 */
#include "drivers/pci/msix.h"

#include "core/log.h"
#include "include/mmio.h"
#include "include/uapi/errno.h"
#include "irq/irq.h"

#define LOG_PREFIX "pci: "

#define MSIX_CTRL 2  /* message control: table size - 1, mask, enable */
#define MSIX_TABLE 4 /* table offset | BIR */
#define MSIX_CTRL_SIZE 0x7ff
#define MSIX_CTRL_MASK_ALL (1u << 14)
#define MSIX_CTRL_ENABLE (1u << 15)
#define MSIX_ENTRY_BYTES 16
#define MSIX_ENTRY_MASKED 1u
#define CMD_INTX_DISABLE (1u << 10)

int pci_msix_map(struct pci_dev *d, struct pci_msix *m)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	uint32_t table;
	unsigned int bir;
	uint64_t off, bytes;

	*m = (struct pci_msix){ 0 };
	if (!cap)
		return -ENODEV;
	m->cap = cap;
	m->count = (pci_read16(d, (uint16_t)(cap + MSIX_CTRL)) & MSIX_CTRL_SIZE) + 1;
	table = pci_read32(d, (uint16_t)(cap + MSIX_TABLE));
	bir = table & 7;
	off = table & ~7u;
	bytes = (uint64_t)m->count * MSIX_ENTRY_BYTES;
	if (bir >= PCI_MAX_BARS || d->bars[bir].is_io || !d->bars[bir].base ||
	    off + bytes > d->bars[bir].size) {
		log_warn("%02x:%02x.%x: MSI-X table outside BAR%u, refused\n", d->bus, d->dev,
			 d->fn, bir);
		return -EINVAL;
	}
	m->table = mmio_map(d->bars[bir].base + off, bytes);
	if (!m->table)
		return -ENOMEM;
	/* Function-mask while we program, and mask every entry. */
	pci_write16(d, (uint16_t)(cap + MSIX_CTRL),
		    pci_read16(d, (uint16_t)(cap + MSIX_CTRL)) | MSIX_CTRL_MASK_ALL);
	for (unsigned int i = 0; i < m->count; i++)
		mmio_write32((uint8_t *)m->table + i * MSIX_ENTRY_BYTES + 12, MSIX_ENTRY_MASKED);
	return 0;
}

int pci_msix_set(struct pci_msix *m, unsigned int entry, unsigned int vector, unsigned int cpu)
{
	volatile uint8_t *e;
	uint64_t addr;
	uint32_t data;
	int err;

	if (!m->table || entry >= m->count)
		return -EINVAL;
	err = irq_msi_compose(vector, cpu, &addr, &data);
	if (err)
		return err;
	e = (volatile uint8_t *)m->table + entry * MSIX_ENTRY_BYTES;
	mmio_write32(e + 12, MSIX_ENTRY_MASKED);
	mmio_write32(e + 0, (uint32_t)addr);
	mmio_write32(e + 4, (uint32_t)(addr >> 32));
	mmio_write32(e + 8, data);
	mmio_write32(e + 12, 0); /* unmask */
	return 0;
}

void pci_msix_enable(struct pci_dev *d, struct pci_msix *m)
{
	uint16_t ctrl = pci_read16(d, (uint16_t)(m->cap + MSIX_CTRL));

	pci_write16(d, 0x04, pci_read16(d, 0x04) | CMD_INTX_DISABLE);
	ctrl = (uint16_t)((ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASK_ALL);
	pci_write16(d, (uint16_t)(m->cap + MSIX_CTRL), ctrl);
	d->irq_mode = "msix";
}

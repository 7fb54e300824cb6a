/*
 * MSI-X for PCI drivers: map a function's vector table, point entries at
 * (vector, CPU) pairs from the interrupt allocator, enable.
 */
#pragma once

#include <stdint.h>

#include "drivers/pci/pci.h"
#include "include/compiler.h"

struct pci_msix {
	uint8_t cap;	    /* capability offset */
	unsigned int count; /* table entries */
	void *table;	    /* mapped table */
};

/* Find and map @d's MSI-X table, masking every entry. Returns 0, -ENODEV
 * (no MSI-X), -EINVAL (table outside its BAR: refused, logged) or
 * -ENOMEM. */
int pci_msix_map(struct pci_dev *d, struct pci_msix *m) __must_check;

/* Deliver table entry @entry as @vector (from irq_alloc_vector) on CPU
 * @cpu, unmasked. Returns 0 or -EINVAL / irq_msi_compose()'s error. */
int pci_msix_set(struct pci_msix *m, unsigned int entry, unsigned int vector, unsigned int cpu)
	__must_check;

/* Switch @d to MSI-X (INTx off, function mask off). */
void pci_msix_enable(struct pci_dev *d, struct pci_msix *m);

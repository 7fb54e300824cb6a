/*
 * MSI for PCI drivers (PCI Local Bus 3.0 §6.8.1), the fallback for
 * functions without MSI-X: one message, pointed at a (vector, CPU) pair
 * from the interrupt allocator, replacing INTx.
 * Locking: none of its own; called by a driver's probe (or, to retarget,
 * by the driver later): the device is the driver's.
 */
#pragma once

#include "drivers/pci/pci.h"
#include "include/compiler.h"

/*
 * Switch @d to MSI with one message (Multiple Message Enable = 0) that
 * delivers @vector (from irq_alloc_vector) to CPU index @cpu: programs the
 * 32- or 64-bit address form, unmasks message 0 if the function has
 * per-vector masking, turns MSI-X and INTx off, sets the MSI enable bit and
 * d->irq_mode = "msi". Calling it again retargets the message. Returns 0,
 * -ENODEV (no MSI capability), irq_msi_compose()'s error (-EINVAL,
 * -ERANGE) or -ERANGE (a 64-bit address for a 32-bit-only function); on
 * an error @d is left untouched. Does not sleep.
 */
int pci_msi_enable(struct pci_dev *d, unsigned int vector, unsigned int cpu) __must_check;

/*
 * Turn MSI off on @d (message 0 masked if per-vector masking exists) and
 * give INTx back (Interrupt Disable cleared); d->irq_mode becomes "-".
 * Nothing happens unless MSI is enabled on @d. Does not sleep.
 */
void pci_msi_disable(struct pci_dev *d);

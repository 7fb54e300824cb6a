/*
 * MSI (PCI Local Bus 3.0 §6.8.1): one message per function. The
 * capability comes in four layouts - 32- or 64-bit message address, each
 * with or without per-vector mask and pending registers - and this file
 * programs message 0 of any of them with what irq_msi_compose() gives,
 * then switches the function from INTx (or MSI-X) to MSI.
 * Locking: none; called by the device's driver (one caller per device).
 */
#include "drivers/pci/msi.h"

#include "include/uapi/errno.h"
#include "irq/irq.h"

/* Capability registers (§6.8.1.1-6), offsets from the capability. */
enum {
	MSI_CTRL = 0x02,    /* Message Control (16 bits) */
	MSI_ADDR_LO = 0x04, /* Message Address, bits 1:0 reserved */
	MSI_ADDR_HI = 0x08, /* Message Upper Address (64-bit form only) */
	MSI_DATA_32 = 0x08, /* Message Data (16 bits), 32-bit form */
	MSI_DATA_64 = 0x0c, /* Message Data (16 bits), 64-bit form */
	MSI_MASK_32 = 0x0c, /* Mask Bits, 32-bit form with per-vector masking */
	MSI_MASK_64 = 0x10, /* Mask Bits, 64-bit form with per-vector masking */
};

/* Message Control fields (§6.8.1.3). */
enum {
	MSI_CTRL_ENABLE = 1u << 0,
	MSI_CTRL_MME = 7u << 4,		    /* Multiple Message Enable: log2(vectors) */
	MSI_CTRL_64BIT = 1u << 7,	    /* 64 bit address capable */
	MSI_CTRL_PER_VECTOR_MASK = 1u << 8, /* Per-vector masking capable */
};

#define MSIX_CTRL 0x02 /* MSI-X Message Control (§6.8.2.3) */
#define MSIX_CTRL_ENABLE (1u << 15)
#define PCI_COMMAND 0x04		    /* Command register (§6.2.2) */
#define PCI_COMMAND_INTX_DISABLE (1u << 10) /* Interrupt Disable */
#define MSI_MASK_VECTOR0 1u

static uint16_t data_reg(uint8_t cap, uint16_t ctrl)
{
	return (uint16_t)(cap + ((ctrl & MSI_CTRL_64BIT) ? MSI_DATA_64 : MSI_DATA_32));
}

static uint16_t mask_reg(uint8_t cap, uint16_t ctrl)
{
	return (uint16_t)(cap + ((ctrl & MSI_CTRL_64BIT) ? MSI_MASK_64 : MSI_MASK_32));
}

/* MSI and MSI-X both enabled is undefined (§6.8.2): make sure MSI-X is off. */
static void msix_off(struct pci_dev *d)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	uint16_t ctrl;

	if (!cap)
		return;
	ctrl = pci_read16(d, (uint16_t)(cap + MSIX_CTRL));
	if (ctrl & MSIX_CTRL_ENABLE)
		pci_write16(d, (uint16_t)(cap + MSIX_CTRL), (uint16_t)(ctrl & ~MSIX_CTRL_ENABLE));
}

static void set_intx_disabled(struct pci_dev *d, bool disabled)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	if (disabled)
		cmd |= PCI_COMMAND_INTX_DISABLE;
	else
		cmd &= (uint16_t)~PCI_COMMAND_INTX_DISABLE;
	pci_write16(d, PCI_COMMAND, cmd);
}

int pci_msi_enable(struct pci_dev *d, unsigned int vector, unsigned int cpu)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSI, 0);
	uint16_t ctrl;
	uint64_t addr;
	uint32_t data;
	int err;

	if (!cap)
		return -ENODEV;
	err = irq_msi_compose(vector, cpu, &addr, &data);
	if (err)
		return err;
	ctrl = pci_read16(d, (uint16_t)(cap + MSI_CTRL));
	if (!(ctrl & MSI_CTRL_64BIT) && (addr >> 32))
		return -ERANGE; /* the function can only address the low 4 GiB */
	msix_off(d);
	/* Off while the message changes, so a half-written one is never sent. */
	pci_write16(d, (uint16_t)(cap + MSI_CTRL), (uint16_t)(ctrl & ~MSI_CTRL_ENABLE));
	pci_write32(d, (uint16_t)(cap + MSI_ADDR_LO), (uint32_t)addr);
	if (ctrl & MSI_CTRL_64BIT)
		pci_write32(d, (uint16_t)(cap + MSI_ADDR_HI), (uint32_t)(addr >> 32));
	pci_write16(d, data_reg(cap, ctrl), (uint16_t)data);
	if (ctrl & MSI_CTRL_PER_VECTOR_MASK)
		pci_write32(d, mask_reg(cap, ctrl),
			    pci_read32(d, mask_reg(cap, ctrl)) & ~MSI_MASK_VECTOR0);
	set_intx_disabled(d, true);
	ctrl = (uint16_t)((ctrl & ~MSI_CTRL_MME) | MSI_CTRL_ENABLE); /* one message */
	pci_write16(d, (uint16_t)(cap + MSI_CTRL), ctrl);
	d->irq_mode = "msi";
	return 0;
}

void pci_msi_disable(struct pci_dev *d)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSI, 0);
	uint16_t ctrl;

	if (!cap)
		return;
	ctrl = pci_read16(d, (uint16_t)(cap + MSI_CTRL));
	if (!(ctrl & MSI_CTRL_ENABLE))
		return; /* not ours to undo: INTx or MSI-X in use */
	pci_write16(d, (uint16_t)(cap + MSI_CTRL), (uint16_t)(ctrl & ~MSI_CTRL_ENABLE));
	if (ctrl & MSI_CTRL_PER_VECTOR_MASK)
		pci_write32(d, mask_reg(cap, ctrl),
			    pci_read32(d, mask_reg(cap, ctrl)) | MSI_MASK_VECTOR0);
	set_intx_disabled(d, false);
	d->irq_mode = "-";
}

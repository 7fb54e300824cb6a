/*
 * In-kernel PCI tests against the devices QEMU always provides: a host
 * bridge at 00:00.0, config reads that agree across widths, sized BARs
 * that fit their alignment, and the capability walk on whatever offers
 * MSI or MSI-X.
 */
#include "drivers/pci/config.h"
#include "drivers/pci/pci.h"
#include "ktest/ktest.h"

KTEST(pci_host_bridge_found)
{
	struct pci_dev *d = pci_find(PCI_ANY, PCI_ANY, NULL);

	KASSERT(pci_count() >= 2);
	KASSERT(d != NULL);
	KASSERT(d->bus == 0 && d->dev == 0 && d->fn == 0);
	KASSERT_EQ(d->class_base, 0x06); /* bridge */
	KASSERT_EQ(d->class_sub, 0x00);	 /* host */
	KASSERT_EQ(d->vendor, 0x8086);
}

KTEST(pci_config_widths_agree)
{
	struct pci_dev *d = pci_find(PCI_ANY, PCI_ANY, NULL);
	uint32_t id = pci_read32(d, 0);

	KASSERT_EQ(pci_read16(d, 0), (uint16_t)id);
	KASSERT_EQ(pci_read16(d, 2), (uint16_t)(id >> 16));
	KASSERT_EQ(pci_read8(d, 1), (uint8_t)(id >> 8));
	/* An absent function reads all ones. */
	KASSERT_EQ(pci_cfg_read32(0, 31, 7, 0) == 0xffffffff ||
			   pci_cfg_read16(0, 31, 7, 0) != 0xffff,
		   1);
	KASSERT_EQ(pci_cfg_read32(0, 32, 0, 0), 0xffffffff); /* no device 32 */
	KASSERT_EQ(pci_cfg_read32(0, 0, 0, 2), 0xffffffff);  /* misaligned */
}

static void check_bars(struct pci_dev *d, void *arg)
{
	unsigned int *bad = arg;

	for (unsigned int i = 0; i < PCI_MAX_BARS; i++) {
		const struct pci_bar_info *b = &d->bars[i];

		if (!b->size)
			continue;
		/* sizes are powers of two and assigned bases are aligned to them */
		if (b->size & (b->size - 1))
			(*bad)++;
		if (b->base & (b->size - 1))
			(*bad)++;
	}
}

KTEST(pci_bars_are_sane)
{
	unsigned int bad = 0;

	pci_for_each(check_bars, &bad);
	KASSERT_EQ(bad, 0);
}

static void check_caps(struct pci_dev *d, void *arg)
{
	unsigned int *found = arg;
	uint8_t off = pci_find_cap(d, PCI_CAP_MSIX, 0);

	if (!off)
		off = pci_find_cap(d, PCI_CAP_MSI, 0);
	if (off) {
		(*found)++;
		uint8_t id = pci_read8(d, off);
		if (off < 0x40 || (id != PCI_CAP_MSIX && id != PCI_CAP_MSI))
			(*found) += 1000; /* walk returned a wrong offset */
	}
}

/* Every capability found is where the walk says; q35's AHCI controller
 * (8086:2922) offers MSI. */
KTEST(pci_capability_walk_finds_msi)
{
	struct pci_dev *ahci = pci_find(0x8086, 0x2922, NULL);
	unsigned int found = 0;

	pci_for_each(check_caps, &found);
	KASSERT(found < 1000);
	if (ahci)
		KASSERT(pci_has_cap(ahci, PCI_CAP_MSI));
}

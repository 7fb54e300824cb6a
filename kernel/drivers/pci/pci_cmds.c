/*
 * `pci`: list every PCI function like lspci - bus:dev.fn, class name and
 * code, vendor:device, the bound driver, its interrupt mode and the
 * interrupt capabilities it offers; `pci -v` adds the BARs.
 */
#include "core/console.h"
#include "drivers/pci/pci.h"
#include "lib/string.h"
#include "shell/shell.h"

static void print_bars(const struct pci_dev *d)
{
	for (unsigned int i = 0; i < PCI_MAX_BARS; i++) {
		const struct pci_bar_info *b = &d->bars[i];

		if (!b->size)
			continue;
		kprintf("        BAR%u: %s at %#lx, %lu bytes%s%s\n", i,
			b->is_io ? "I/O" : "memory", (unsigned long)b->base, (unsigned long)b->size,
			b->is_64 ? ", 64-bit" : "", b->prefetchable ? ", prefetchable" : "");
	}
}

/* The interrupt capabilities offered: "msix,msi", "msi", "-", ... */
static const char *irq_caps(const struct pci_dev *d)
{
	bool msix = pci_has_cap(d, PCI_CAP_MSIX), msi = pci_has_cap(d, PCI_CAP_MSI);

	return msix && msi ? "msix,msi" : msix ? "msix" : msi ? "msi" : "-";
}

static void print_one(struct pci_dev *d, void *arg)
{
	bool verbose = *(bool *)arg;

	kprintf("%02x:%02x.%x %s [%02x%02x]: %04x:%04x rev %02x driver=%s irq=%s can=%s\n", d->bus,
		d->dev, d->fn, pci_class_name(d->class_base, d->class_sub, d->prog_if),
		d->class_base, d->class_sub, d->vendor, d->device, d->revision,
		d->driver ? d->driver->name : "-", d->irq_mode, irq_caps(d));
	if (verbose)
		print_bars(d);
}

static int cmd_pci(int argc, char **argv)
{
	bool verbose = argc == 2 && !strcmp(argv[1], "-v");

	if (argc > 2 || (argc == 2 && !verbose))
		return shell_usage(shell_find("pci"));
	kprintf("%lu functions (config access: %s)\n", (unsigned long)pci_count(), pci_method());
	pci_for_each(print_one, &verbose);
	return 0;
}

SHELL_COMMAND(pci, .name = "pci", .group = "devices", .summary = "list PCI devices (-v: BARs)",
	      .usage = "pci [-v]", .fn = cmd_pci);

/*
 * The PCI bus: every function found by enumerating from bus 0 through
 * PCI-PCI bridges, with its identity, BARs (sized at enumeration) and
 * capabilities, and a driver registry that binds drivers by vendor/device
 * or class. Config access: drivers/pci/config.h.
 * Locking: the device list is built once by pci_init() (boot, before
 * drivers bind) and immutable afterwards, except each device's `driver`
 * field, which is written once by the bind.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"
#include "include/list.h"
#include "lib/pci_core.h"

#define PCI_MAX_BARS 6

/* Capability ids (PCI Local Bus 3.0 Appendix H). */
enum {
	PCI_CAP_MSI = 0x05,
	PCI_CAP_VENDOR = 0x09,
	PCI_CAP_PCIE = 0x10,
	PCI_CAP_MSIX = 0x11,
};

struct pci_driver;

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint8_t class_base, class_sub, prog_if, revision;
	uint8_t header_type; /* 0 device, 1 PCI-PCI bridge, 2 CardBus */
	uint8_t irq_line, irq_pin;
	struct pci_bar_info bars[PCI_MAX_BARS];
	const struct pci_driver *driver; /* bound driver, or NULL */
	const char *irq_mode;		 /* "msix", "msi", "intx" or "-" (set by drivers) */
	struct list_head link;
};

struct pci_id {
	uint16_t vendor, device; /* PCI_ANY for either */
};
#define PCI_ANY 0xffff

struct pci_driver {
	const char *name;
	const struct pci_id *ids; /* ends with {0, 0} */
	/* Set up @d. Returns 0 (bound) or a negative errno (logged; the
	 * device stays unbound). May sleep. */
	int (*probe)(struct pci_dev *d);
};

/* Enumerate all buses and bind the registered drivers. Boot CPU, after
 * the scheduler (probes may sleep). Logs one line. */
void pci_init(void);

/* Add a driver; devices found later by pci_init(), or already found and
 * unbound, are probed against it. Returns 0 or -EBUSY (registered twice). */
int pci_register_driver(const struct pci_driver *drv) __must_check;

/* The config-space mechanism in use ("ECAM" or "port I/O"). */
const char *pci_method(void);

/* Call @fn for every function, in bus:dev.fn order. */
void pci_for_each(void (*fn)(struct pci_dev *d, void *arg), void *arg);

/* Number of functions found. */
size_t pci_count(void);

/* The first function matching @vendor/@device (PCI_ANY wildcards) at or
 * after @from (NULL: from the start), or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, struct pci_dev *from);

/* Config access for @d. */
uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);

/* Offset of capability @cap_id after @start (0: the first), or 0. */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t cap_id, uint8_t start);
bool pci_has_cap(const struct pci_dev *d, uint8_t cap_id);

/* Turn on memory and I/O decoding, and bus mastering when @master. */
void pci_enable(struct pci_dev *d, bool master);

/* Map memory BAR @i uncached. Returns its virtual address, or NULL (not a
 * memory BAR, not assigned, or no memory). */
void *pci_map_bar(const struct pci_dev *d, unsigned int i) __must_check;

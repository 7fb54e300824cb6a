/*
 * PCI enumeration and the driver registry (drivers/pci/pci.h): a
 * depth-first scan from bus 0 that follows PCI-PCI bridges to their
 * secondary buses, sizing each BAR with decoding switched off (PCI Local
 * Bus 3.0 §6.2.5.1), then binding drivers by id.
 * Locking: see pci.h; drivers[] is written only at boot, before pci_init.
 */
#include "drivers/pci/pci.h"

#include "core/log.h"
#include "drivers/pci/config.h"
#include "include/mmio.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "pci: "

#define PCI_MAX_DRIVERS 16
#define MAX_BRIDGE_DEPTH 16

enum {
	CFG_VENDOR = 0x00,
	CFG_COMMAND = 0x04,
	CFG_REVISION = 0x08,
	CFG_HEADER = 0x0e,
	CFG_BAR0 = 0x10,
	CFG_SUBSYS = 0x2c,
	CFG_IRQ_LINE = 0x3c,
	CFG_SECONDARY_BUS = 0x19, /* type 1 header */
	CMD_IO = 1u << 0,
	CMD_MEMORY = 1u << 1,
	CMD_MASTER = 1u << 2,
};

static struct list_head devices = LIST_HEAD_INIT(devices);
static size_t nr_devices;
static const struct pci_driver *drivers[PCI_MAX_DRIVERS];
static unsigned int nr_drivers;
static bool buses_seen[256];

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	return pci_cfg_read32(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	return pci_cfg_read16(d->bus, d->dev, d->fn, off);
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	return pci_cfg_read8(d->bus, d->dev, d->fn, off);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	pci_cfg_write32(d->bus, d->dev, d->fn, off, v);
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	pci_cfg_write16(d->bus, d->dev, d->fn, off, v);
}

static uint8_t cap_read8(void *ctx, uint16_t off)
{
	return pci_read8(ctx, off);
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t cap_id, uint8_t start)
{
	if (!(pci_read16(d, 0x06) & (1u << 4))) /* status: capability list */
		return 0;
	return pci_cap_find(cap_read8, (void *)d, cap_id, start);
}

bool pci_has_cap(const struct pci_dev *d, uint8_t cap_id)
{
	return pci_find_cap(d, cap_id, 0) != 0;
}

void pci_enable(struct pci_dev *d, bool master)
{
	uint16_t cmd = pci_read16(d, CFG_COMMAND) | CMD_IO | CMD_MEMORY;

	pci_write16(d, CFG_COMMAND, master ? cmd | CMD_MASTER : cmd);
}

void *pci_map_bar(const struct pci_dev *d, unsigned int i)
{
	const struct pci_bar_info *b = i < PCI_MAX_BARS ? &d->bars[i] : NULL;

	if (!b || b->is_io || !b->base || !b->size)
		return NULL;
	return mmio_map(b->base, b->size);
}

/* Size the BARs of a type-0 (@n = 6) or type-1 (@n = 2) header, with
 * decoding off so the all-ones probe cannot alias another device. */
static void size_bars(struct pci_dev *d, unsigned int n)
{
	uint16_t cmd = pci_read16(d, CFG_COMMAND);

	pci_write16(d, CFG_COMMAND, cmd & ~(CMD_IO | CMD_MEMORY));
	for (unsigned int i = 0; i < n; i++) {
		uint16_t off = (uint16_t)(CFG_BAR0 + 4 * i);
		uint32_t lo = pci_read32(d, off), mlo, hi = 0, mhi = 0;
		bool wide = pci_bar_is_64(lo) && i + 1 < n;

		pci_write32(d, off, 0xffffffff);
		mlo = pci_read32(d, off);
		pci_write32(d, off, lo);
		if (wide) {
			hi = pci_read32(d, (uint16_t)(off + 4));
			pci_write32(d, (uint16_t)(off + 4), 0xffffffff);
			mhi = pci_read32(d, (uint16_t)(off + 4));
			pci_write32(d, (uint16_t)(off + 4), hi);
		}
		if (pci_bar_decode(lo, mlo, hi, mhi, &d->bars[i]))
			log_warn("%02x:%02x.%x: BAR%u has a reserved type, ignored\n", d->bus,
				 d->dev, d->fn, i);
		if (wide)
			i++; /* the upper half is not a BAR of its own */
	}
	pci_write16(d, CFG_COMMAND, cmd);
}

/* Insert in bus:dev.fn order (bridges are scanned depth-first). */
static void add_device(struct pci_dev *d)
{
	struct list_head *pos;
	unsigned int key = ((unsigned int)d->bus << 8) | (d->dev << 3) | d->fn;

	list_for_each (pos, &devices) {
		struct pci_dev *o = list_entry(pos, struct pci_dev, link);
		if ((((unsigned int)o->bus << 8) | (o->dev << 3) | o->fn) > key)
			break;
	}
	list_insert_between(&d->link, pos->prev, pos);
	nr_devices++;
}

static void scan_bus(uint8_t bus, unsigned int depth);

static void scan_function(uint8_t bus, uint8_t dev, uint8_t fn, unsigned int depth)
{
	uint32_t id = pci_cfg_read32(bus, dev, fn, CFG_VENDOR);
	struct pci_dev *d;
	uint32_t rev;

	if ((id & 0xffff) == 0xffff)
		return;
	d = kzalloc(sizeof(*d));
	if (!d) {
		log_err("out of memory at %02x:%02x.%x\n", bus, dev, fn);
		return;
	}
	rev = pci_cfg_read32(bus, dev, fn, CFG_REVISION);
	*d = (struct pci_dev){ .bus = bus, .dev = dev, .fn = fn, .irq_mode = "-" };
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->revision = (uint8_t)rev;
	d->prog_if = (uint8_t)(rev >> 8);
	d->class_sub = (uint8_t)(rev >> 16);
	d->class_base = (uint8_t)(rev >> 24);
	d->header_type = pci_read8(d, CFG_HEADER) & 0x7f;
	d->irq_line = pci_read8(d, CFG_IRQ_LINE);
	d->irq_pin = pci_read8(d, CFG_IRQ_LINE + 1);
	if (d->header_type == 0) {
		uint32_t ss = pci_read32(d, CFG_SUBSYS);
		d->subsys_vendor = (uint16_t)ss;
		d->subsys_device = (uint16_t)(ss >> 16);
	}
	size_bars(d, d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0);
	add_device(d);
	if (d->header_type == 1) {
		uint8_t sec = pci_read8(d, CFG_SECONDARY_BUS);
		if (sec > bus && depth < MAX_BRIDGE_DEPTH)
			scan_bus(sec, depth + 1);
		else
			log_warn("bridge %02x:%02x.%x: bad secondary bus %u, not followed\n", bus,
				 dev, fn, sec);
	}
}

static void scan_bus(uint8_t bus, unsigned int depth)
{
	if (buses_seen[bus])
		return; /* a misconfigured bridge pointing back: scanned already */
	buses_seen[bus] = true;
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = pci_cfg_read32(bus, dev, 0, CFG_VENDOR);
		bool multi;

		if ((id & 0xffff) == 0xffff)
			continue;
		multi = pci_cfg_read8(bus, dev, 0, CFG_HEADER) & 0x80;
		for (uint8_t fn = 0; fn < (multi ? 8 : 1); fn++)
			scan_function(bus, dev, fn, depth);
	}
}

static bool id_matches(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_id *id = drv->ids; id->vendor || id->device; id++)
		if ((id->vendor == PCI_ANY || id->vendor == d->vendor) &&
		    (id->device == PCI_ANY || id->device == d->device))
			return true;
	return false;
}

static void try_bind(struct pci_dev *d, const struct pci_driver *drv)
{
	int err;

	if (d->driver || !id_matches(drv, d))
		return;
	err = drv->probe(d);
	if (err)
		log_warn("%02x:%02x.%x: %s: probe failed (%d)\n", d->bus, d->dev, d->fn, drv->name,
			 err);
	else
		d->driver = drv;
}

int pci_register_driver(const struct pci_driver *drv)
{
	struct pci_dev *d;

	for (unsigned int i = 0; i < nr_drivers; i++)
		if (drivers[i] == drv)
			return -EBUSY;
	if (nr_drivers == PCI_MAX_DRIVERS)
		return -ENOSPC;
	drivers[nr_drivers++] = drv;
	list_for_each_entry (d, &devices, link)
		try_bind(d, drv);
	return 0;
}

void pci_init(void)
{
	struct pci_dev *d;
	unsigned int bound = 0;

	pci_config_init();
	scan_bus(0, 0);
	list_for_each_entry (d, &devices, link) {
		for (unsigned int i = 0; i < nr_drivers; i++)
			try_bind(d, drivers[i]);
		bound += d->driver != NULL;
	}
	log_info("%lu functions via %s, %u bound to drivers\n", (unsigned long)nr_devices,
		 pci_config_method(), bound);
}

const char *pci_method(void)
{
	return pci_config_method();
}

void pci_for_each(void (*fn)(struct pci_dev *d, void *arg), void *arg)
{
	struct pci_dev *d;

	list_for_each_entry (d, &devices, link)
		fn(d, arg);
}

size_t pci_count(void)
{
	return nr_devices;
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, struct pci_dev *from)
{
	struct list_head *pos = from ? from->link.next : devices.next;

	for (; pos != &devices; pos = pos->next) {
		struct pci_dev *d = list_entry(pos, struct pci_dev, link);
		if ((vendor == PCI_ANY || d->vendor == vendor) &&
		    (device == PCI_ANY || d->device == device))
			return d;
	}
	return NULL;
}

/*
 * PCI configuration-space access (drivers/pci/config.h). ECAM buses are
 * mapped on first use, 1 MiB each (32 devices x 8 functions x 4 KiB),
 * uncached through mmio_map, at the MCFG base plus bus << 20 (the base is
 * bus 0's even when the region starts at a later bus; lib/pci_core.c);
 * buses outside the region read as absent. Port I/O goes through the 0xCF8 address
 * register and 0xCFC data window.
 * Locking: cfg_lock (IRQ-safe leaf) serialises the two-step port access
 * and the bus-mapping table.
 */
#include "drivers/pci/config.h"

#include "acpi/acpi.h"
#include "acpi/tables.h"
#include "arch/arch.h"
#include "core/log.h"
#include "include/mmio.h"
#include "lib/pci_core.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "pci: "

#define CONF_ADDR 0xcf8
#define CONF_DATA 0xcfc
#define CONF_ENABLE (1u << 31)
#define ECAM_BUS_BYTES (1u << 20)
#define NR_BUSES 256

static struct spinlock cfg_lock = SPINLOCK_INIT("pci_cfg", LOCK_RANK_LEAF);
/* Immutable after pci_config_init(): */
static uint64_t ecam_base; /* 0: port I/O */
static uint8_t ecam_bus_start, ecam_bus_end;
/* Protected by cfg_lock: */
static void *ecam_bus[NR_BUSES];

bool pci_config_init(void)
{
	const struct acpi_mcfg_info *m = acpi_mcfg();

	for (unsigned int i = 0; m && i < m->count; i++) {
		if (m->entries[i].segment == 0) {
			ecam_base = m->entries[i].base;
			ecam_bus_start = m->entries[i].bus_start;
			ecam_bus_end = m->entries[i].bus_end;
			return true;
		}
	}
	return false;
}

const char *pci_config_method(void)
{
	return ecam_base ? "ECAM" : "port I/O";
}

/* Map @bus's ECAM window if that has not happened yet. Called without
 * cfg_lock: mapping takes the mm locks, which rank below it. */
static void ecam_map_bus(uint8_t bus)
{
	unsigned long flags;
	uint64_t off;
	void *p;

	if (!ecam_base || READ_ONCE(ecam_bus[bus]) ||
	    pci_ecam_bus_offset(ecam_bus_start, ecam_bus_end, bus, &off))
		return; /* no ECAM, mapped already, or a bus outside the region */
	p = mmio_map(ecam_base + off, ECAM_BUS_BYTES);
	if (!p)
		return;
	flags = spin_lock_irqsave(&cfg_lock);
	if (!ecam_bus[bus]) {
		ecam_bus[bus] = p;
		p = NULL;
	}
	spin_unlock_irqrestore(&cfg_lock, flags);
	if (p)
		mmio_unmap(p); /* another CPU mapped it first */
}

/* The mapped config space of (bus, dev, fn), or NULL. cfg_lock held. */
static volatile uint8_t *ecam_fn(uint8_t bus, uint8_t dev, uint8_t fn)
{
	spin_assert_held(&cfg_lock);
	if (bus < ecam_bus_start || bus > ecam_bus_end || !ecam_bus[bus])
		return NULL;
	return (volatile uint8_t *)ecam_bus[bus] + (((uint32_t)dev << 15) | ((uint32_t)fn << 12));
}

uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	unsigned long flags;
	uint32_t v = 0xffffffff;

	if (dev >= 32 || fn >= 8 || off > 0xffc || (off & 3))
		return v;
	ecam_map_bus(bus);
	flags = spin_lock_irqsave(&cfg_lock);
	if (ecam_base) {
		volatile uint8_t *p = ecam_fn(bus, dev, fn);
		if (p)
			v = mmio_read32(p + off);
	} else if (off < 256) {
		arch_outl(CONF_ADDR, CONF_ENABLE | ((uint32_t)bus << 16) | ((uint32_t)dev << 11) |
					     ((uint32_t)fn << 8) | off);
		v = arch_inl(CONF_DATA);
	}
	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

uint16_t pci_cfg_read16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return (uint16_t)(pci_cfg_read32(bus, dev, fn, off & ~3u) >> ((off & 2) * 8));
}

uint8_t pci_cfg_read8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return (uint8_t)(pci_cfg_read32(bus, dev, fn, off & ~3u) >> ((off & 3) * 8));
}

void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	unsigned long flags;

	if (dev >= 32 || fn >= 8 || off > 0xffc || (off & 3))
		return;
	ecam_map_bus(bus);
	flags = spin_lock_irqsave(&cfg_lock);
	if (ecam_base) {
		volatile uint8_t *p = ecam_fn(bus, dev, fn);
		if (p)
			mmio_write32(p + off, v);
	} else if (off < 256) {
		arch_outl(CONF_ADDR, CONF_ENABLE | ((uint32_t)bus << 16) | ((uint32_t)dev << 11) |
					     ((uint32_t)fn << 8) | off);
		arch_outl(CONF_DATA, v);
	}
	spin_unlock_irqrestore(&cfg_lock, flags);
}

/* Read-modify-write of the containing dword: fine for the command and
 * control registers we write, whose other halves have no write-1-to-clear
 * bits we would disturb except the status register, which we zero-mask. */
void pci_cfg_write16(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint16_t v)
{
	unsigned int shift = (off & 2) * 8;
	uint32_t old = pci_cfg_read32(bus, dev, fn, off & ~3u);

	if ((off & ~3u) == 0x04) /* command/status: never write back status bits */
		old &= 0x0000ffff;
	old = (old & ~(0xffffu << shift)) | ((uint32_t)v << shift);
	pci_cfg_write32(bus, dev, fn, off & ~3u, old);
}

/*
 * PCI logic without hardware (lib/pci_core.h): class names, BAR
 * decoding, the capability walk.
 * Pure: host-testable.
 */
#include "lib/pci_core.h"

#include <stddef.h>

#include "include/compiler.h"
#include "include/uapi/errno.h"

#define CAP_PTR 0x34
#define CAP_MIN_OFFSET 0x40 /* capabilities live after the standard header */

struct class_name {
	uint8_t base, sub; /* sub 0xff: any subclass */
	int16_t prog_if;   /* -1: any */
	const char *name;
};

/* Most specific entries first within a base class. */
static const struct class_name class_names[] = {
	{ 0x00, 0xff, -1, "Unclassified device" },
	{ 0x01, 0x00, -1, "SCSI storage controller" },
	{ 0x01, 0x01, -1, "IDE interface" },
	{ 0x01, 0x06, -1, "SATA controller" },
	{ 0x01, 0x08, 0x02, "NVM Express" },
	{ 0x01, 0xff, -1, "Mass storage controller" },
	{ 0x02, 0x00, -1, "Ethernet controller" },
	{ 0x02, 0xff, -1, "Network controller" },
	{ 0x03, 0x00, -1, "VGA compatible controller" },
	{ 0x03, 0xff, -1, "Display controller" },
	{ 0x04, 0x01, -1, "Audio device" },
	{ 0x04, 0x03, -1, "Audio device" },
	{ 0x04, 0xff, -1, "Multimedia controller" },
	{ 0x05, 0xff, -1, "Memory controller" },
	{ 0x06, 0x00, -1, "Host bridge" },
	{ 0x06, 0x01, -1, "ISA bridge" },
	{ 0x06, 0x04, -1, "PCI bridge" },
	{ 0x06, 0x80, -1, "Bridge" },
	{ 0x06, 0xff, -1, "Bridge" },
	{ 0x07, 0x00, -1, "Serial controller" },
	{ 0x07, 0xff, -1, "Communication controller" },
	{ 0x08, 0xff, -1, "System peripheral" },
	{ 0x09, 0xff, -1, "Input device controller" },
	{ 0x0c, 0x03, 0x30, "USB controller (xHCI)" },
	{ 0x0c, 0x03, -1, "USB controller" },
	{ 0x0c, 0x05, -1, "SMBus" },
	{ 0x0c, 0xff, -1, "Serial bus controller" },
	{ 0x0d, 0xff, -1, "Wireless controller" },
	{ 0x10, 0xff, -1, "Encryption controller" },
	{ 0x11, 0xff, -1, "Signal processing controller" },
	{ 0xff, 0xff, -1, "Unassigned class" },
};

const char *pci_class_name(uint8_t base, uint8_t sub, uint8_t prog_if)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++) {
		const struct class_name *c = &class_names[i];

		if (c->base != base)
			continue;
		if (c->sub != 0xff && c->sub != sub)
			continue;
		if (c->prog_if >= 0 && c->prog_if != prog_if)
			continue;
		return c->name;
	}
	return "Unknown class";
}

bool pci_bar_is_64(uint32_t orig_lo)
{
	return !(orig_lo & 1) && ((orig_lo >> 1) & 3) == 2;
}

int pci_bar_decode(uint32_t orig_lo, uint32_t mask_lo, uint32_t orig_hi, uint32_t mask_hi,
		   struct pci_bar_info *out)
{
	uint64_t base, mask;

	*out = (struct pci_bar_info){ 0 };
	if (orig_lo & 1) { /* I/O: bits 31..2 (only 16 decoded on x86) */
		out->is_io = true;
		mask = (uint64_t)(mask_lo & ~3u) | 0xffffffff00000000ull;
		out->base = orig_lo & ~3u;
		out->size = mask_lo & ~3u ? (~mask + 1) & 0xffffffffull : 0;
		return 0;
	}
	switch ((orig_lo >> 1) & 3) {
	case 0: /* 32-bit */
		base = orig_lo & ~0xfu;
		mask = (uint64_t)(mask_lo & ~0xfu) | 0xffffffff00000000ull;
		break;
	case 2: /* 64-bit */
		out->is_64 = true;
		base = ((uint64_t)orig_hi << 32) | (orig_lo & ~0xfu);
		mask = ((uint64_t)mask_hi << 32) | (mask_lo & ~0xfu);
		break;
	default:
		return -EINVAL; /* type 1 (below 1 MiB) is reserved in PCI 3.0 */
	}
	out->prefetchable = orig_lo & 8;
	out->base = base;
	out->size = (mask_lo & ~0xfu) || (out->is_64 && mask_hi) ? ~mask + 1 : 0;
	return 0;
}

uint8_t pci_cap_find(pci_cfg_read8_fn read8, void *ctx, uint8_t cap_id, uint8_t start)
{
	uint8_t off = start ? read8(ctx, (uint16_t)(start + 1)) : read8(ctx, CAP_PTR);

	for (int n = 0; n < PCI_CAP_MAX_COUNT; n++) {
		off &= ~3u;
		if (off < CAP_MIN_OFFSET)
			return 0;
		if (read8(ctx, off) == cap_id)
			return off;
		off = read8(ctx, (uint16_t)(off + 1));
	}
	return 0;
}

unsigned int pci_cap_list(pci_cfg_read8_fn read8, void *ctx, uint8_t cap_id, uint8_t *offs,
			  unsigned int max)
{
	uint8_t seen[256 / 32] = { 0 }; /* a bit per 4-byte-aligned offset / 4 */
	uint8_t off = read8(ctx, CAP_PTR);
	unsigned int n = 0;

	for (int steps = 0; steps < PCI_CAP_MAX_COUNT && n < max; steps++) {
		off &= ~3u;
		if (off < CAP_MIN_OFFSET || (seen[off / 32] & (1u << (off / 4 % 8))))
			break;
		seen[off / 32] |= (uint8_t)(1u << (off / 4 % 8));
		if (read8(ctx, off) == cap_id)
			offs[n++] = off;
		off = read8(ctx, (uint16_t)(off + 1));
	}
	return n;
}

int pci_ecam_bus_offset(uint8_t start, uint8_t end, uint8_t bus, uint64_t *out)
{
	if (bus < start || bus > end)
		return -ERANGE;
	/* The base is bus 0's window even when the region starts later: the
	 * windows of buses below @start are simply not decoded (Linux maps
	 * from cfg->address + PCI_MMCFG_BUS_OFFSET(start_bus) likewise). */
	*out = (uint64_t)bus << 20;
	return 0;
}

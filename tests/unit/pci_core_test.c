/*
 * Tests for kernel/drivers/pci/pci_core.c: class names, BAR decoding for
 * I/O, 32-bit, 64-bit and unimplemented BARs (values as QEMU's devices
 * return them), and the capability walk over a fake config space,
 * including a looping list.
 */
#include <string.h>

#include "lib/pci_core.h"
#include "unit.h"

TEST(pci_class_names)
{
	CHECK_STR_EQ(pci_class_name(0x06, 0x00, 0), "Host bridge");
	CHECK_STR_EQ(pci_class_name(0x01, 0x08, 0x02), "NVM Express");
	CHECK_STR_EQ(pci_class_name(0x01, 0x08, 0x01), "Mass storage controller");
	CHECK_STR_EQ(pci_class_name(0x0c, 0x03, 0x30), "USB controller (xHCI)");
	CHECK_STR_EQ(pci_class_name(0x0c, 0x03, 0x20), "USB controller");
	CHECK_STR_EQ(pci_class_name(0x42, 0, 0), "Unknown class");
}

TEST(pci_bar_io)
{
	struct pci_bar_info b;

	/* A 32-byte I/O BAR at 0xc040 (bits 15..5 writable). */
	CHECK_EQ(pci_bar_decode(0xc041, 0xffffffe1, 0, 0, &b), 0);
	CHECK(b.is_io && !b.is_64);
	CHECK_EQ(b.base, 0xc040);
	CHECK_EQ(b.size, 32);
}

TEST(pci_bar_mem32_and_absent)
{
	struct pci_bar_info b;

	CHECK_EQ(pci_bar_decode(0xfebd1000, 0xfffff000, 0, 0, &b), 0);
	CHECK(!b.is_io && !b.is_64 && !b.prefetchable);
	CHECK_EQ(b.base, 0xfebd1000);
	CHECK_EQ(b.size, 4096);
	CHECK_EQ(pci_bar_decode(0, 0, 0, 0, &b), 0);
	CHECK_EQ(b.size, 0);
	CHECK_EQ(pci_bar_decode(0x2, 0xfffff002, 0, 0, &b), -22); /* reserved type */
}

TEST(pci_bar_mem64)
{
	struct pci_bar_info b;

	/* 16 KiB prefetchable 64-bit BAR at 0x8_0000_4000 (virtio modern). */
	CHECK(pci_bar_is_64(0x0000400c));
	CHECK_EQ(pci_bar_decode(0x0000400c, 0xffffc00c, 0x8, 0xffffffff, &b), 0);
	CHECK(b.is_64 && b.prefetchable);
	CHECK_EQ(b.base, 0x800004000ull);
	CHECK_EQ(b.size, 16384);
	/* A BAR bigger than 4 GiB: the size comes from the upper half too. */
	CHECK_EQ(pci_bar_decode(0xc, 0xc, 0x10, 0xfffffff0, &b), 0);
	CHECK_EQ(b.size, 0x1000000000ull);
}

static uint8_t cfg[256];

static uint8_t read_cfg(void *ctx, uint16_t off)
{
	return ((uint8_t *)ctx)[off & 0xff];
}

TEST(pci_capability_walk)
{
	memset(cfg, 0, sizeof(cfg));
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x09;
	cfg[0x41] = 0x50; /* vendor-specific */
	cfg[0x50] = 0x11;
	cfg[0x51] = 0x60; /* MSI-X */
	cfg[0x60] = 0x09;
	cfg[0x61] = 0x00;
	CHECK_EQ(pci_cap_find(read_cfg, cfg, 0x11, 0), 0x50);
	CHECK_EQ(pci_cap_find(read_cfg, cfg, 0x09, 0), 0x40);
	CHECK_EQ(pci_cap_find(read_cfg, cfg, 0x09, 0x40), 0x60); /* the next one */
	CHECK_EQ(pci_cap_find(read_cfg, cfg, 0x05, 0), 0);
	cfg[0x61] = 0x40; /* a loop: must still end */
	CHECK_EQ(pci_cap_find(read_cfg, cfg, 0x05, 0), 0);
	cfg[0x34] = 0x10; /* points into the header: no list */
	CHECK_EQ(pci_cap_find(read_cfg, cfg, 0x09, 0), 0);
}

TEST(pci_capability_list_one_walk)
{
	uint8_t offs[48];

	memset(cfg, 0, sizeof(cfg));
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x09;
	cfg[0x41] = 0x50;
	cfg[0x50] = 0x11;
	cfg[0x51] = 0x60;
	cfg[0x60] = 0x09;
	cfg[0x61] = 0x00;
	CHECK_EQ(pci_cap_list(read_cfg, cfg, 0x09, offs, 48), 2);
	CHECK_EQ(offs[0], 0x40);
	CHECK_EQ(offs[1], 0x60);
	CHECK_EQ(pci_cap_list(read_cfg, cfg, 0x09, offs, 1), 1); /* @max holds */
	cfg[0x61] = 0x40;					 /* a loop: each capability once */
	CHECK_EQ(pci_cap_list(read_cfg, cfg, 0x09, offs, 48), 2);
	cfg[0x61] = 0x61; /* a misaligned pointer to itself: ends too */
	CHECK_EQ(pci_cap_list(read_cfg, cfg, 0x09, offs, 48), 2);
	/* 48 capabilities in a chain, all found (the bound is not too tight). */
	memset(cfg, 0, sizeof(cfg));
	cfg[0x34] = 0x40;
	for (unsigned int at = 0x40; at < 0x100; at += 4) {
		cfg[at] = 0x09;
		cfg[at + 1] = (uint8_t)(at + 4 < 0x100 ? at + 4 : 0);
	}
	CHECK_EQ(pci_cap_list(read_cfg, cfg, 0x09, offs, 48), 48);
}

/* The MCFG base is the address of bus 0's window even when the region
 * starts at a later bus (PCI Firmware 3.2 §4.1.2; Linux's
 * PCI_MMCFG_BUS_OFFSET(bus) from cfg->address). */
TEST(pci_ecam_offset_is_from_bus_0)
{
	uint64_t off = 1;

	CHECK_EQ(pci_ecam_bus_offset(0, 255, 0, &off), 0);
	CHECK_EQ(off, 0);
	CHECK_EQ(pci_ecam_bus_offset(0, 255, 3, &off), 0);
	CHECK_EQ(off, 3ull << 20);
	CHECK_EQ(pci_ecam_bus_offset(0x10, 0x1f, 0x10, &off), 0);
	CHECK_EQ(off, 0x10ull << 20);
	CHECK_EQ(pci_ecam_bus_offset(0x10, 0x1f, 0x1f, &off), 0);
	CHECK_EQ(off, 0x1full << 20);
	CHECK_EQ(pci_ecam_bus_offset(0x10, 0x1f, 0x0f, &off), -34); /* outside */
	CHECK_EQ(pci_ecam_bus_offset(0x10, 0x1f, 0x20, &off), -34);
	CHECK_EQ(pci_ecam_bus_offset(0x20, 0x10, 0x18, &off), -34); /* end < start */
	CHECK_EQ(pci_ecam_bus_offset(0, 255, 255, &off), 0);
	CHECK_EQ(off, 255ull << 20);
}

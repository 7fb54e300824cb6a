/*
 * Tests for kernel/lib/virtio_caps.c: the capability walk as the
 * virtio transport uses it (QEMU's layout, a looping list, duplicates,
 * missing structures) and the notify-address bound.
 */
#include <string.h>

#include "lib/virtio_caps.h"
#include "unit.h"

static uint8_t cfg[256];

static uint8_t read_cfg(void *ctx, uint16_t off)
{
	return ((uint8_t *)ctx)[off & 0xff];
}

static void put32(uint8_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}

/* A vendor capability at @at of @type, BAR @bar, @offset/@length, next @next. */
static void vcap(uint8_t at, uint8_t next, uint8_t type, uint8_t bar, uint32_t offset,
		 uint32_t length)
{
	cfg[at] = 0x09;
	cfg[at + 1] = next;
	cfg[at + 2] = type == 2 ? 20 : 16;
	cfg[at + 3] = type;
	cfg[at + 4] = bar;
	put32((uint8_t)(at + 8), offset);
	put32((uint8_t)(at + 12), length);
}

/* QEMU's virtio-rng-pci: MSI-X, then common, ISR, device, notify, PCI cfg. */
static void qemu_layout(void)
{
	memset(cfg, 0, sizeof(cfg));
	cfg[0x34] = 0x98;
	cfg[0x98] = 0x11;
	cfg[0x99] = 0x84;	      /* MSI-X */
	vcap(0x84, 0x70, 5, 0, 0, 4); /* PCI cfg access: ignored */
	vcap(0x70, 0x60, 2, 4, 0x3000, 0x1000);
	put32(0x70 + 16, 4);
	vcap(0x60, 0x50, 4, 4, 0x2000, 0x1000);
	vcap(0x50, 0x40, 3, 4, 0x1000, 0x1000);
	vcap(0x40, 0x00, 1, 4, 0x0000, 0x1000);
}

TEST(virtio_caps_qemu_layout)
{
	struct virtio_pci_caps c;

	qemu_layout();
	CHECK_EQ(virtio_pci_find_caps(read_cfg, cfg, &c), 0);
	CHECK_EQ(c.common.cap, 0x40);
	CHECK_EQ(c.common.bar, 4);
	CHECK_EQ(c.isr.offset, 0x1000);
	CHECK_EQ(c.device.cap, 0x60);
	CHECK_EQ(c.notify.cap, 0x70);
	CHECK_EQ(c.notify.offset, 0x3000);
	CHECK_EQ(c.notify.length, 0x1000);
	CHECK_EQ(c.notify.notify_mult, 4);
}

/* The looping list of pci_capability_walk (vendor, MSI-X, vendor, back to
 * the first): the walk used to resume after each match and go round for
 * ever, each resumed walk bounded but never the whole. */
TEST(virtio_caps_looping_list_ends)
{
	struct virtio_pci_caps c;

	memset(cfg, 0, sizeof(cfg));
	cfg[0x34] = 0x40;
	vcap(0x40, 0x50, 1, 4, 0, 0x100);
	cfg[0x50] = 0x11;
	cfg[0x51] = 0x60;
	vcap(0x60, 0x40, 2, 4, 0x100, 0x100);
	CHECK_EQ(virtio_pci_find_caps(read_cfg, cfg, &c), 0);
	CHECK_EQ(c.common.cap, 0x40);
	CHECK_EQ(c.notify.cap, 0x60);
	cfg[0x63] = 3; /* now no notify structure at all: still ends */
	CHECK_EQ(virtio_pci_find_caps(read_cfg, cfg, &c), -19);
	cfg[0x61] = 0x60; /* a capability pointing at itself */
	CHECK_EQ(virtio_pci_find_caps(read_cfg, cfg, &c), -19);
}

TEST(virtio_caps_first_of_each_type_wins)
{
	struct virtio_pci_caps c;

	qemu_layout();
	vcap(0x40, 0xa0, 1, 4, 0, 0x1000);
	vcap(0xa0, 0x00, 1, 2, 0x8000, 0x10); /* a later duplicate */
	CHECK_EQ(virtio_pci_find_caps(read_cfg, cfg, &c), 0);
	CHECK_EQ(c.common.bar, 4);
	cfg[0x34] = 0x00; /* no list */
	CHECK_EQ(virtio_pci_find_caps(read_cfg, cfg, &c), -19);
}

TEST(virtio_notify_bound)
{
	struct virtio_pci_cap_info n = { .cap = 0x70, .length = 0x1000, .notify_mult = 4 };

	CHECK(virtio_notify_in_range(&n, 0));
	CHECK(virtio_notify_in_range(&n, 1023)); /* bytes 4092..4093 */
	CHECK(!virtio_notify_in_range(&n, 1024));
	n.notify_mult = 0xffffffff; /* 64-bit arithmetic: no wrap-around */
	CHECK(!virtio_notify_in_range(&n, 0xffff));
	CHECK(virtio_notify_in_range(&n, 0));
	n.length = 1; /* too short for even one register */
	CHECK(!virtio_notify_in_range(&n, 0));
}

/*
 * VirtIO PCI capability parsing (lib/virtio_caps.h): the walk
 * over the vendor-specific capabilities and the notify bound. The list
 * is walked once (pci_cap_list, bounded as a whole): resuming a walk after
 * each match, each resumed walk bounded on its own, went round a looping
 * list for ever.
 * Pure: host-testable.
 */
#include "lib/virtio_caps.h"

#include <stddef.h>

#include "include/uapi/errno.h"

/* struct virtio_pci_cap / virtio_pci_notify_cap field offsets. */
enum {
	CAP_CFG_TYPE = 3,
	CAP_BAR = 4,
	CAP_OFFSET = 8,
	CAP_LENGTH = 12,
	CAP_NOTIFY_MULT = 16,
};

#define CAP_ID_VENDOR 0x09 /* PCI Code and ID Assignment: vendor specific */
#define NOTIFY_REG_BYTES 2 /* queue_notify writes are 16 bits */

static uint32_t read32(pci_cfg_read8_fn read8, void *ctx, uint16_t off)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < 4; i++)
		v |= (uint32_t)read8(ctx, (uint16_t)(off + i)) << (8 * i);
	return v;
}

static struct virtio_pci_cap_info *slot_for(struct virtio_pci_caps *out, uint8_t type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return &out->common;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return &out->notify;
	case VIRTIO_PCI_CAP_ISR_CFG:
		return &out->isr;
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return &out->device;
	}
	return NULL;
}

int virtio_pci_find_caps(pci_cfg_read8_fn read8, void *ctx, struct virtio_pci_caps *out)
{
	uint8_t caps[PCI_CAP_MAX_COUNT];
	unsigned int n = pci_cap_list(read8, ctx, CAP_ID_VENDOR, caps, PCI_CAP_MAX_COUNT);

	*out = (struct virtio_pci_caps){ 0 };
	for (unsigned int i = 0; i < n; i++) {
		uint8_t cap = caps[i];
		struct virtio_pci_cap_info *s =
			slot_for(out, read8(ctx, (uint16_t)(cap + CAP_CFG_TYPE)));

		if (!s || s->cap)
			continue; /* other types, or a later duplicate */
		s->cap = cap;
		s->bar = read8(ctx, (uint16_t)(cap + CAP_BAR));
		s->offset = read32(read8, ctx, (uint16_t)(cap + CAP_OFFSET));
		s->length = read32(read8, ctx, (uint16_t)(cap + CAP_LENGTH));
		if (s == &out->notify)
			s->notify_mult = read32(read8, ctx, (uint16_t)(cap + CAP_NOTIFY_MULT));
	}
	return out->common.cap && out->notify.cap ? 0 : -ENODEV;
}

bool virtio_notify_in_range(const struct virtio_pci_cap_info *notify, uint16_t queue_notify_off)
{
	uint64_t at = (uint64_t)queue_notify_off * notify->notify_mult;

	return at + NOTIFY_REG_BYTES <= notify->length;
}

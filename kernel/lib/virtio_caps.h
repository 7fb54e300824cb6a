/*
 * The VirtIO PCI capabilities (VirtIO 1.2 §4.1.4): which vendor-specific
 * capabilities locate the common, notify, ISR and device configuration
 * structures, read through a caller-supplied config-space reader, and
 * the bound on the notify address the device's numbers give.
 * Pure: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/pci_core.h"

/* cfg_type values (VirtIO 1.2 §4.1.4). */
enum {
	VIRTIO_PCI_CAP_COMMON_CFG = 1,
	VIRTIO_PCI_CAP_NOTIFY_CFG = 2,
	VIRTIO_PCI_CAP_ISR_CFG = 3,
	VIRTIO_PCI_CAP_DEVICE_CFG = 4,
};

/* One structure's location, as its capability gives it. */
struct virtio_pci_cap_info {
	uint8_t cap; /* config offset of the capability; 0: none found */
	uint8_t bar;
	uint32_t offset, length;
	uint32_t notify_mult; /* notify capability only */
};

struct virtio_pci_caps {
	struct virtio_pci_cap_info common, notify, isr, device;
};

/*
 * Walk the capability list once, recording the first capability of each
 * of the four types (later duplicates and other types are skipped, as
 * VirtIO 1.2 §4.1.4 lets a driver do). Looping lists end. Returns 0, or
 * -ENODEV when the common or notify structure is missing.
 */
int virtio_pci_find_caps(pci_cfg_read8_fn read8, void *ctx, struct virtio_pci_caps *out);

/*
 * Does the 2-byte notify register of a queue at @queue_notify_off *
 * @notify->notify_mult lie inside the notify structure? (VirtIO 1.2
 * §4.1.4.4; the structure itself is checked against its BAR.)
 */
bool virtio_notify_in_range(const struct virtio_pci_cap_info *notify, uint16_t queue_notify_off);

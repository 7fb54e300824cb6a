/*
 * The VirtIO 1.x PCI transport (VirtIO 1.2 §4.1): the vendor-specific
 * capabilities that locate the common, notify, ISR and device
 * configuration structures in the BARs, the status handshake, feature
 * negotiation, and queue setup with an MSI-X vector per queue.
 * Works for non-transitional (1af4:1040+) and transitional (1af4:1000-
 * 103f) devices through their modern interface.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci/msix.h"
#include "drivers/pci/pci.h"
#include "drivers/virtio/virtqueue.h"
#include "include/compiler.h"
#include "lib/virtio_caps.h"

/* Feature bits (VirtIO 1.2 §6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

struct virtio_dev {
	struct pci_dev *pci;
	volatile uint8_t *common, *notify, *isr, *device_cfg;
	struct virtio_pci_cap_info notify_cap; /* the notify structure (and multiplier) */
	uint64_t features;		       /* negotiated: what both sides accepted */
	struct pci_msix msix;
};

/*
 * Find and map the structures, reset the device and negotiate: offer the
 * device's features masked by @wanted (VERSION_1 is always required).
 * Leaves the device in FEATURES_OK. Returns 0, or -ENODEV (not a modern
 * device), -EINVAL (a capability outside its BAR: refused and logged),
 * -EOPNOTSUPP (no VERSION_1, or FEATURES_OK refused). May sleep.
 */
int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *d, uint64_t wanted) __must_check;

/*
 * Set up queue @index: allocate @q (the device's size, at most
 * VIRTQ_MAX_SIZE), program its rings, route it to MSI-X entry @entry
 * (vector @vector on CPU @cpu) and enable it. Returns 0, -ENODEV (no such
 * queue or size 0: refused and logged), -EINVAL (its notify register,
 * queue_notify_off x notify_off_multiplier + 2 bytes, lies outside the
 * notify structure: refused and logged), -EIO (vector not accepted) or
 * -ENOMEM.
 */
int virtio_pci_setup_queue(struct virtio_dev *vd, uint16_t index, struct virtq *q,
			   unsigned int entry, unsigned int vector, unsigned int cpu) __must_check;

/* Tell the device the driver is ready (DRIVER_OK). */
void virtio_pci_ready(struct virtio_dev *vd);

/* Reset the device (status 0) and wait up to 100 ms for it to read back
 * 0: from then on it no longer uses its queues or any buffer posted on
 * them (VirtIO 1.2 §2.1, §4.1.4.3.2). Returns 0 or -EIO (no reset). */
int virtio_pci_reset(struct virtio_dev *vd) __must_check;

/* Mark the device FAILED (after a setup error). */
void virtio_pci_fail(struct virtio_dev *vd);

/* Notify the device that queue @index (@q) has new buffers. */
void virtio_pci_notify(struct virtio_dev *vd, uint16_t index, const struct virtq *q);

/* Read the device-specific configuration at @off (NULL-safe: 0 when the
 * device has none), retrying while the device changes it underneath
 * (config_generation, VirtIO 1.2 §4.1.4.3.1). */
uint32_t virtio_cfg_read32(const struct virtio_dev *vd, uint32_t off);
uint64_t virtio_cfg_read64(const struct virtio_dev *vd, uint32_t off);

/* Is the negotiated feature @bit on? */
bool virtio_has_feature(const struct virtio_dev *vd, unsigned int bit);

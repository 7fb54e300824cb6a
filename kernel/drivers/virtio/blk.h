/*
 * virtio-blk (VirtIO 1.2 §5.2): each device found on PCI becomes a block
 * device "vda", "vdb", ... in drivers/block/blkdev.h, with read, write,
 * flush (when the device offers VIRTIO_BLK_F_FLUSH), its capacity and its
 * serial (GET_ID). Many requests are in flight at once; completions
 * arrive by MSI-X on a CPU chosen per device.
 */
#pragma once

/* Register the PCI driver; devices bind in pci_init(). */
void virtio_blk_register(void);

/*
 * The virtio-rng driver (VirtIO 1.2 §5.4): one request queue; the driver
 * offers device-writable buffers and the device fills them with entropy.
 * Completions arrive by MSI-X on CPU 0 and wake the requester.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "include/compiler.h"

/* Register the driver with the PCI registry (before pci_init). */
void virtio_rng_register(void);

/* Is a virtio-rng device bound? */
bool virtio_rng_present(void);

/* Fill @buf with @len random bytes from the device. Returns 0, or
 * -ENODEV (no device) / -EIO (the device did not answer within 1 s, kept
 * answering with nothing, or broke the virtqueue protocol) / -ENOMEM.
 * @buf is never written after the call returns. May sleep. */
int virtio_rng_read(void *buf, size_t len) __must_check;

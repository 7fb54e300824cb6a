/*
 * devfs: the filesystem of device files mounted at /dev. Its entries are
 * fixed when it is mounted: the memory devices (null, zero, full, random,
 * urandom), console, kmsg, and one block-device file per registered disk
 * (vda, vdb, ...). Names cannot be created, removed or renamed (-EPERM).
 * doc/vfs.md ("devfs") has the semantics of each file.
 */
#pragma once

#include <stddef.h>

/* Make "devfs" mountable and seed the random generator. Boot, once,
 * after the block and virtio drivers have bound (pci_init). May sleep. */
void devfs_register(void);

/* Create /dev if it is missing and mount a devfs on it. Boot, once, after
 * the initramfs is unpacked. A failure is logged and the boot goes on. */
void devfs_init(void);

/* Fill @buf with @n bytes from the ChaCha20 generator behind /dev/urandom
 * (getrandom(2)). May sleep. */
void devfs_random_fill(void *buf, size_t n);

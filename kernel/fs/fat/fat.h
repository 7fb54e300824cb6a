/*
 * FAT12, FAT16 and FAT32 with VFAT long names (doc/fat.md). Register with
 * fat_register(); the type is "vfat", it needs a block device and its
 * probe() recognises FAT volumes for `mount` without -t and for the boot
 * automount. Mount options: "ro".
 */
#pragma once

#include <stdbool.h>

struct blkdev;

/* Make "vfat" mountable. Boot, once. */
void fat_register(void);

/* Does @dev hold a FAT volume this driver can mount? Reads sector 0 and
 * checks the BPB strictly; never logs. May sleep. */
bool fat_probe(struct blkdev *dev);

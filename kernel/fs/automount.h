/*
 * Disks mounted at boot: every block device whose filesystem a registered
 * type recognises (fs_type_probe) is mounted at /mnt/NAME ("/mnt/vdb").
 */
#pragma once

/* Probe and mount each disk; a failure is logged, not fatal. Boot, once,
 * after the boot mounts. May sleep. */
void vfs_automount(void);

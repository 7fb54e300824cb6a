/*
 * procfs: the kernel's state as text files, in the formats Linux uses
 * (meminfo, cpuinfo, uptime, loadavg, mounts, interrupts, version,
 * filesystems) plus one directory per task (status, stat, cmdline), so
 * BusyBox's free, ps, uptime and mount can read them unchanged. Mounted by
 * type name "proc"; every file's text is made when it is opened.
 */
#pragma once

/* Make "proc" mountable. Boot, once, from vfs_init(). */
void procfs_register(void);

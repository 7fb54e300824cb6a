/*
 * ext2: the Second Extended File System on a block device, read and
 * written through the buffer cache (doc/ext2.md). Register it with
 * ext2_register(); mount it by type "ext2" from a block device name
 * ("mount -t ext2 vdb /mnt/x"), or let `mount` without -t and the boot
 * automount find it with the probe. Revision 0 and 1, 1/2/4 KiB blocks,
 * features filetype, sparse_super, large_file (dir_index and ext_attr
 * directories and inodes are read; an indexed directory loses its index
 * when written, as with Linux's ext2).
 */
#pragma once

/* Make "ext2" mountable. Boot, once. */
void ext2_register(void);

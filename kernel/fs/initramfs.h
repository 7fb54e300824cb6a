/*
 * The initramfs: a newc (or crc) cpio archive that GRUB loads as a
 * Multiboot2 module, unpacked at boot into the root tmpfs. The build
 * packs rootfs/ into it (tools/mkinitramfs.sh). A malformed archive is
 * reported and the entries before the bad one are kept; the kernel boots
 * either way.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "include/compiler.h"

struct boot_info;
struct vfs_path;

/* What an unpack did. */
struct initramfs_stats {
	unsigned int dirs, files, symlinks, links; // created
	unsigned int skipped;			   // special files, unsafe names
	unsigned int errors;			   // entries the VFS refused
	size_t bytes;				   // file data written
	bool malformed;				   // the archive stopped at a bad entry
	size_t bad_offset;			   // where, when malformed
};

/*
 * Unpack the @size-byte archive at @buf into the directory @root (NULL:
 * "/"); names are taken as relative to it, "." is @root itself. Directories, regular
 * files (with hard links), symlinks, modes, owners and times are kept;
 * device nodes, FIFOs and sockets are skipped (counted), as are names
 * with a ".." component. Directory times are set after their contents.
 * Returns 0 when the whole archive was read, -EINVAL/-EUCLEAN when it
 * stopped at a malformed entry (what came before is kept), -ENOMEM.
 * Every problem is logged. May sleep.
 */
int initramfs_unpack(const struct vfs_path *root, const void *buf, size_t size,
		     struct initramfs_stats *st) __must_check;

/* Unpack the boot module named "initramfs" (or, failing that, the first
 * module), logging one summary line; nothing when there is none. Boot,
 * after vfs_init(). */
void initramfs_init(const struct boot_info *bi);

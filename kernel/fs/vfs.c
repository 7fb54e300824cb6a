/*
 * VFS start-up: the dentry cache, the built-in filesystem types (tmpfs,
 * devfs) and the root tmpfs. The initramfs unpacker, devfs and procfs mount on top of
 * this later.
 */
#include "fs/vfs.h"

#include "core/log.h"
#include "core/panic.h"
#include "fs/dcache.h"
#include "fs/devfs/devfs.h"
#include "fs/tmpfs/tmpfs.h"

#define LOG_PREFIX "vfs: "

void vfs_init(void)
{
	int err;

	dcache_init();
	tmpfs_register();
	devfs_register();
	err = vfs_mount_root("tmpfs", NULL);
	if (err)
		panic("vfs: cannot mount the root tmpfs (%d)", err);
	log_info("tmpfs mounted as /\n");
}

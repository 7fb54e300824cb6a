/*
 * VFS start-up: the dentry cache, the built-in filesystem types (tmpfs,
 * devfs, proc) and the root tmpfs; after the initramfs is unpacked, the
 * boot mounts (procfs on /proc, a tmpfs on /tmp), their mount points made
 * if the initramfs lacked them. devfs mounts itself on /dev (devfs_init).
 */
#include "fs/vfs.h"

#include "core/log.h"
#include "core/panic.h"
#include "fs/dcache.h"
#include "fs/devfs/devfs.h"
#include "fs/ext2/ext2.h"
#include "fs/fat/fat.h"
#include "fs/namei.h"
#include "fs/pipe.h"
#include "fs/procfs/procfs.h"
#include "fs/tmpfs/tmpfs.h"
#include "include/uapi/errno.h"

#define LOG_PREFIX "vfs: "

void vfs_init(void)
{
	int err;

	dcache_init();
	mount_init();
	pipe_init(); // pipefs: anonymous pipes (fs/pipe.h)
	tmpfs_register();
	devfs_register();
	procfs_register();
	ext2_register();
	fat_register();
	err = vfs_mount_root("tmpfs", NULL);
	if (err)
		panic("vfs: cannot mount the root tmpfs (%d)", err);
	log_info("tmpfs mounted as /\n");
}

/* Mount a fresh @type from @source on @dir, making @dir if missing. A
 * failure is logged, not fatal: the shell still works without it. */
static void mount_boot_one(const char *dir, const char *type, const char *source)
{
	struct vfs_path at;
	int err = vfs_mkdir(NULL, dir, 0555);

	if (err && err != -EEXIST)
		goto out_err;
	err = vfs_walk(NULL, dir, WALK_FOLLOW | WALK_DIRECTORY, &at);
	if (err)
		goto out_err;
	err = vfs_mount_at(&at, type, source, NULL);
	vfs_path_put(&at);
	if (err)
		goto out_err;
	log_info("%s mounted on %s\n", type, dir);
	return;
out_err:
	log_warn("cannot mount %s on %s (%d)\n", type, dir, err);
}

void vfs_mount_root_dev(const char *dev)
{
	int err = vfs_switch_root("auto", dev, NULL);

	if (err)
		log_err("root=%s: cannot mount it as / (%d); keeping the initramfs root\n", dev,
			err);
	else
		log_info("%s mounted as / (root=%s)\n", dev, dev);
}

void vfs_mount_boot(void)
{
	mount_boot_one("/proc", "proc", "proc");
	mount_boot_one("/tmp", "tmpfs", "tmpfs");
}

/*
 * Boot-time mounting of disks: each registered block device is probed by
 * every filesystem type that can recognise one, and the first match is
 * mounted at /mnt/NAME. Devices nobody recognises (the boot ISO, a blank
 * scratch disk) are left alone, silently.
 */
#include "fs/automount.h"

#include "core/log.h"
#include "drivers/block/blkdev.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/printf.h"

#define LOG_PREFIX "vfs: "

static void automount_one(struct blkdev *dev, void *arg)
{
	const struct fs_type *t = fs_type_probe(dev);
	struct vfs_path at;
	char dir[8 + BLK_NAME_MAX];
	int err;

	(void)arg;
	if (!t || mount_source_busy(dev->name)) // unknown, or already "/" (root=)
		return;
	ksnprintf(dir, sizeof(dir), "/mnt/%s", dev->name);
	err = vfs_mkdir(NULL, "/mnt", 0755);
	if (err && err != -EEXIST)
		goto out_err;
	err = vfs_mkdir(NULL, dir, 0755);
	if (err && err != -EEXIST)
		goto out_err;
	err = vfs_walk(NULL, dir, WALK_FOLLOW | WALK_DIRECTORY, &at);
	if (err)
		goto out_err;
	err = vfs_mount_at(&at, t->name, dev->name, NULL);
	vfs_path_put(&at);
	if (err)
		goto out_err;
	log_info("%s (%s) mounted on %s\n", dev->name, t->name, dir);
	return;
out_err:
	log_warn("cannot mount %s (%s) on %s (%d)\n", dev->name, t->name, dir, err);
}

void vfs_automount(void)
{
	blkdev_for_each(automount_one, NULL);
}

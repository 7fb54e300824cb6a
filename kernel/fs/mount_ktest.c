/*
 * The mount table's iteration: sync(2) visits every mount, however many,
 * and gives every reference back (each mount can be unmounted after it).
 */
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"

#define NMOUNTS 24 // more than any fixed table sync once had (16)

static void mount_path(char *buf, size_t n, int i)
{
	ksnprintf(buf, n, "/tmp/ktest-mnt%d", i);
}

KTEST(vfs_mount_next_visits_all_and_sync_balances)
{
	char path[32];
	struct mount *m = NULL;
	int before = 0, after = 0, i;

	while ((m = mount_next(m)))
		before++;
	for (i = 0; i < NMOUNTS; i++) {
		struct vfs_path at;

		mount_path(path, sizeof(path), i);
		KASSERT_EQ(vfs_mkdir(NULL, path, 0755), 0);
		KASSERT_EQ(vfs_walk(NULL, path, WALK_DIRECTORY, &at), 0);
		KASSERT_EQ(vfs_mount_at(&at, "tmpfs", "none", NULL), 0);
		vfs_path_put(&at);
	}
	while ((m = mount_next(m)))
		after++;
	KASSERT_EQ(after, before + NMOUNTS);
	KASSERT_EQ(vfs_sync(), 0);
	for (i = 0; i < NMOUNTS; i++) {
		struct vfs_path at;

		mount_path(path, sizeof(path), i);
		KASSERT_EQ(vfs_walk(NULL, path, WALK_DIRECTORY, &at), 0);
		KASSERT_EQ(vfs_umount(&at), 0); // -EBUSY if sync kept a reference
		KASSERT_EQ(vfs_rmdir(NULL, path), 0);
	}
}

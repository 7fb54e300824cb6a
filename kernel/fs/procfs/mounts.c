/*
 * /proc/mounts: "SOURCE MOUNTPOINT TYPE rw[,OPTS] 0 0" per mount, in
 * mount order (Linux's fs/proc_namespace.c layout). The table is walked
 * under mount_lock, where nothing may sleep, so each mount is pinned (a
 * reference, as mount.h requires) and named afterwards. The same pins
 * let meminfo add up the tmpfs pages (Linux counts them as Shmem).
 */
#include "fs/procfs/procfs_internal.h"
#include "fs/tmpfs/tmpfs.h"

#include "fs/fs_cmds.h"
#include "fs/inode.h"
#include "fs/mount.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define MOUNTS_MAX 64 // listing stops here (more are not expected)

struct mount_pins {
	struct mount *m[MOUNTS_MAX];
	size_t n;
};

/* Under mount_lock: pin @m. */
static int pin_mount(const struct mount *m, void *arg)
{
	struct mount_pins *l = arg;

	if (l->n == MOUNTS_MAX)
		return 1;
	atomic_inc(&((struct mount *)m)->count);
	l->m[l->n++] = (struct mount *)m;
	return 0;
}

static void mount_line(struct procfs_text *t, struct mount *m, char *name)
{
	struct vfs_path p = { m, m->root };

	vfs_path_get(&p);
	if (fs_cmd_path_name(&p, name, FS_CMD_PATH_BUF))
		strlcpy(name, "?", FS_CMD_PATH_BUF);
	vfs_path_put(&p);
	procfs_text_printf(t, "%s %s %s rw%s%s 0 0\n", m->source, name, m->sb->type_name,
			   m->opts[0] ? "," : "", m->opts);
}

/* Pin every mount into a new list (NULL: out of memory). */
static struct mount_pins *mounts_pin(void)
{
	struct mount_pins *l = kmalloc(sizeof(*l));

	if (l) {
		l->n = 0;
		(void)mount_for_each(pin_mount, l);
	}
	return l;
}

uint64_t procfs_tmpfs_pages(void)
{
	struct mount_pins *l = mounts_pin();
	uint64_t pages = 0;

	if (!l)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->m[i]->sb->type_name, "tmpfs"))
			pages += tmpfs_used_pages(l->m[i]->sb);
		atomic_dec(&l->m[i]->count);
	}
	kfree(l);
	return pages;
}

int procfs_render_mounts(struct procfs_text *t, uint64_t id)
{
	char *name = kmalloc(FS_CMD_PATH_BUF);
	struct mount_pins *l = name ? mounts_pin() : NULL;
	int err = -ENOMEM;

	(void)id;
	if (l && name) {
		for (size_t i = 0; i < l->n; i++) {
			mount_line(t, l->m[i], name);
			atomic_dec(&l->m[i]->count);
		}
		err = 0;
	}
	kfree(name);
	kfree(l);
	return err;
}

/*
 * The shell's mount commands: `mount` lists the mount table ("SOURCE on
 * PATH type TYPE (OPTS)") and `mount -t TYPE [-o OPTS] SOURCE PATH`
 * mounts (the options are shown as given, after "rw"); `umount PATH`; `df` shows each mount's size, use and room in
 * KiB from statfs. The table is walked under mount_lock, where nothing may
 * sleep, so the mounts are first pinned (a reference each) and then named
 * and printed outside it. Shell task only.
 */
#include <stdbool.h>

#include "core/console.h"
#include "fs/dcache.h"
#include "fs/fs_cmds.h"
#include "fs/inode.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "shell/shell.h"

#define MOUNTS_SHOWN 64 // listing stops here (more are not expected)

struct mount_list {
	struct mount *m[MOUNTS_SHOWN];
	size_t n;
};

/* Under mount_lock: pin @m (the count is raised only here, as mount.h
 * requires, so umount sees it busy until it is dropped). */
static int pin_mount(const struct mount *m, void *arg)
{
	struct mount_list *l = arg;

	if (l->n == MOUNTS_SHOWN)
		return 1;
	atomic_inc(&((struct mount *)m)->count);
	l->m[l->n++] = (struct mount *)m;
	return 0;
}

/* Pin every mount into a new list (NULL: out of memory). */
static struct mount_list *mounts_pin(void)
{
	struct mount_list *l = kmalloc(sizeof(*l));

	if (!l)
		return NULL;
	l->n = 0;
	(void)mount_for_each(pin_mount, l);
	return l;
}

static void mounts_unpin(struct mount_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		atomic_dec(&l->m[i]->count);
	kfree(l);
}

/* @m's root as a referenced path (the mount's pin keeps root alive). */
static void mount_root_path(struct mount *m, struct vfs_path *p)
{
	p->mnt = m;
	p->dentry = m->root;
	vfs_path_get(p);
}

static void print_mount(struct mount *m, char *name)
{
	struct vfs_path p;

	mount_root_path(m, &p);
	if (fs_cmd_path_name(&p, name, FS_CMD_PATH_BUF))
		strlcpy(name, "?", FS_CMD_PATH_BUF);
	vfs_path_put(&p);
	kprintf("%s on %s type %s (rw%s%s)\n", m->source, name, m->sb->type_name,
		m->opts[0] ? "," : "", m->opts);
}

static int mount_list_all(void)
{
	struct mount_list *l = mounts_pin();
	char *name = kmalloc(FS_CMD_PATH_BUF);

	if (l && name)
		for (size_t i = 0; i < l->n; i++)
			print_mount(l->m[i], name);
	kfree(name);
	if (l)
		mounts_unpin(l);
	return l && name ? 0 : fs_cmd_error("mount", "/", -ENOMEM);
}

static int mount_dev_error(const char *dev, const char *why)
{
	kprintf_err("mount: %s: %s\n", dev, why);
	return 1;
}

/* mount [-t TYPE] [-o OPTS] SOURCE PATH, the options before or after; no
 * -t (or -t auto) detects a block device's filesystem. */
static int cmd_mount(int argc, char **argv)
{
	const char *type = NULL, *opts = NULL, *pos[2];
	struct vfs_path at;
	int i, n = 0, err;

	if (argc == 1)
		return mount_list_all();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			type = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			opts = argv[++i];
		else if (argv[i][0] == '-' || n == 2)
			return shell_usage(shell_find("mount"));
		else
			pos[n++] = argv[i];
	}
	if (n != 2)
		return shell_usage(shell_find("mount"));
	if (strlen(pos[0]) >= sizeof(((struct mount *)0)->source))
		return fs_cmd_error("mount", pos[0], -ENAMETOOLONG);
	err = vfs_walk(fs_cmd_cwd(), pos[1], WALK_FOLLOW | WALK_DIRECTORY, &at);
	if (err)
		return fs_cmd_error("mount", pos[1], err);
	err = vfs_mount_at(&at, type, pos[0], opts);
	vfs_path_put(&at);
	if (err == -EINVAL && (!type || !strcmp(type, "auto")))
		return mount_dev_error(pos[0], "no known filesystem on it");
	if (err == -ENXIO)
		return mount_dev_error(pos[0], "no such block device");
	if (err == -EBUSY)
		return mount_dev_error(pos[0], "already mounted");
	return err ? fs_cmd_error("mount", pos[1], err) : 0;
}

static const char *const mount_subcmds[] = { "-t", "-o", NULL };

SHELL_COMMAND(mount, .name = "mount", .group = "fs",
	      .summary = "list mounts, or mount SOURCE (a disk, or none) on PATH",
	      .usage = "mount [SOURCE PATH [-t TYPE] [-o OPTS]]", .fn = cmd_mount,
	      .subcmds = mount_subcmds);

static int cmd_umount(int argc, char **argv)
{
	struct vfs_path at;
	int err;

	if (argc != 2)
		return shell_usage(shell_find("umount"));
	err = vfs_walk(fs_cmd_cwd(), argv[1], WALK_FOLLOW | WALK_DIRECTORY, &at);
	if (err)
		return fs_cmd_error("umount", argv[1], err);
	err = vfs_umount(&at); // drops at's references either way
	if (err == -EBUSY) {
		kprintf("umount: %s: busy\n", argv[1]);
		return 1;
	}
	return err ? fs_cmd_error("umount", argv[1], err) : 0;
}

SHELL_COMMAND(umount, .name = "umount", .group = "fs",
	      .summary = "unmount the filesystem mounted on PATH", .usage = "umount PATH",
	      .fn = cmd_umount);

static void df_mount(struct mount *m, char *name)
{
	struct linux_statfs st;
	struct vfs_path p;
	uint64_t bsize;
	int err;

	mount_root_path(m, &p);
	if (fs_cmd_path_name(&p, name, FS_CMD_PATH_BUF))
		strlcpy(name, "?", FS_CMD_PATH_BUF);
	err = vfs_statfs(&p, ".", &st);
	vfs_path_put(&p);
	if (err) {
		fs_cmd_error("df", name, err);
		return;
	}
	bsize = (uint64_t)st.f_bsize;
	kprintf("%-16s %10lu %10lu %10lu %s\n", m->source,
		(unsigned long)(st.f_blocks * bsize >> 10),
		(unsigned long)((st.f_blocks - st.f_bfree) * bsize >> 10),
		(unsigned long)(st.f_bavail * bsize >> 10), name);
}

static int cmd_df(int argc, char **argv)
{
	struct mount_list *l;
	char *name;

	(void)argv;
	if (argc != 1)
		return shell_usage(shell_find("df"));
	l = mounts_pin();
	name = kmalloc(FS_CMD_PATH_BUF);
	if (l && name) {
		kprintf("%-16s %10s %10s %10s %s\n", "Filesystem", "1K-blocks", "Used", "Available",
			"Mounted on");
		for (size_t i = 0; i < l->n; i++)
			df_mount(l->m[i], name);
	}
	kfree(name);
	if (l)
		mounts_unpin(l);
	return l && name ? 0 : fs_cmd_error("df", "/", -ENOMEM);
}

SHELL_COMMAND(df, .name = "df", .group = "fs", .summary = "each mount's size, use and room in KiB",
	      .usage = "df", .fn = cmd_df);

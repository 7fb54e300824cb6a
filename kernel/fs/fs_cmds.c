/*
 * The shell's working directory and its navigation commands: `pwd`, `cd
 * [PATH]` and `ls [-l] [-a] [-R] [PATH...]`, plus the helpers every file
 * command shares (fs/fs_cmds.h). The commands use only the VFS API, so
 * they work on any mounted filesystem. Shell task only: the working
 * directory is the shell's and nothing else touches it.
 */
#include "fs/fs_cmds.h"

#include <stdbool.h>

#include "core/console.h"
#include "fs/dcache.h"
#include "fs/vfs.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/filemode.h"
#include "lib/path.h"
#include "lib/strerror.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "shell/shell.h"
#include "time/calendar.h"

#define DIRENT_BUF 4096 // getdents64 buffer per call
#define LS_DEPTH_MAX 32 // ls -R levels below an operand (each costs stack)

/* Shell task only: the working directory, taken from the root on first use. */
static struct vfs_path shell_cwd;

struct vfs_path *fs_cmd_cwd(void)
{
	if (!shell_cwd.mnt)
		vfs_root(&shell_cwd);
	return &shell_cwd;
}

int fs_cmd_error(const char *cmd, const char *path, int err)
{
	kprintf_err("%s: %s: %s\n", cmd, path, kstrerror(err));
	return 1;
}

/* Step @p one level up, across mounted roots; false at the tree's root. */
static bool path_step_up(struct vfs_path *p)
{
	struct vfs_path up;

	if (p->dentry != p->mnt->root) {
		up.mnt = p->mnt;
		up.dentry = dentry_parent(p->dentry); // referenced
		atomic_inc(&up.mnt->count);
	} else if (p->mnt->parent) {
		up.mnt = p->mnt->parent;
		up.dentry = p->mnt->mountpoint;
		vfs_path_get(&up);
	} else {
		return false;
	}
	vfs_path_put(p);
	*p = up;
	return true;
}

int fs_cmd_path_name(const struct vfs_path *start, char *buf, size_t size)
{
	struct vfs_path p = *start;
	char *name = kmalloc(PATH_NAME_MAX + 1);
	size_t end = size - 1, len;
	int err = 0;

	if (!name)
		return -ENOMEM;
	vfs_path_get(&p);
	buf[end] = '\0';
	while (p.dentry != p.mnt->root || p.mnt->parent) {
		if (p.dentry != p.mnt->root) {
			len = dentry_copy_name(p.dentry, name);
			if (len + 1 > end) {
				err = -ENAMETOOLONG;
				break;
			}
			end -= len;
			memcpy(buf + end, name, len);
			buf[--end] = '/';
		}
		path_step_up(&p);
	}
	vfs_path_put(&p);
	kfree(name);
	if (err)
		return err;
	if (end == size - 1)
		buf[--end] = '/';
	memmove(buf, buf + end, size - end);
	return 0;
}

static int cmd_pwd(int argc, char **argv)
{
	char *buf;
	int err;

	(void)argv;
	if (argc != 1)
		return shell_usage(shell_find("pwd"));
	buf = kmalloc(FS_CMD_PATH_BUF);
	if (!buf)
		return fs_cmd_error("pwd", ".", -ENOMEM);
	err = fs_cmd_path_name(fs_cmd_cwd(), buf, FS_CMD_PATH_BUF);
	if (!err)
		kprintf("%s\n", buf);
	kfree(buf);
	return err ? fs_cmd_error("pwd", ".", err) : 0;
}

SHELL_COMMAND(pwd, .name = "pwd", .group = "fs", .summary = "print the working directory",
	      .usage = "pwd", .fn = cmd_pwd);

static int cmd_cd(int argc, char **argv)
{
	const char *path = argc == 2 ? argv[1] : "/";
	int err;

	if (argc > 2)
		return shell_usage(shell_find("cd"));
	err = vfs_chdir(fs_cmd_cwd(), path);
	return err ? fs_cmd_error("cd", path, err) : 0;
}

SHELL_COMMAND(cd, .name = "cd", .group = "fs",
	      .summary = "change the working directory (default /)", .usage = "cd [PATH]",
	      .fn = cmd_cd);

struct ls_opts {
	bool lng; // -l
	bool all; // -a
	bool rec; // -R
};

/* Print one entry, @name, whose path is @path (lstat'd for -l). */
static int ls_print(const struct ls_opts *o, const char *path, const char *name)
{
	struct linux_stat st;
	struct cal_date d;
	char mode[11], *target;
	ssize_t n;
	int err;

	if (!o->lng) {
		kprintf("%s\n", name);
		return 0;
	}
	err = vfs_lstat(fs_cmd_cwd(), path, &st);
	if (err)
		return fs_cmd_error("ls", path, err);
	filemode_string(st.st_mode, mode);
	cal_from_unix((int64_t)st.st_mtime_sec, &d);
	kprintf("%s %2lu %u %u %8ld %04d-%02d-%02d %02d:%02d %s", mode, (unsigned long)st.st_nlink,
		st.st_uid, st.st_gid, (long)st.st_size, d.year, d.month, d.day, d.hour, d.min,
		name);
	if (S_ISLNK(st.st_mode)) {
		target = kmalloc(FS_CMD_PATH_BUF);
		n = target ? vfs_readlink(fs_cmd_cwd(), path, target, FS_CMD_PATH_BUF) : -ENOMEM;
		if (n >= 0)
			kprintf(" -> %.*s", (int)n, target);
		kfree(target);
	}
	kprintf("\n");
	return 0;
}

/* Shell sort by name: directories are not large enough to need more. */
static void sort_names(char **names, size_t n)
{
	for (size_t gap = n / 2; gap; gap /= 2)
		for (size_t i = gap; i < n; i++)
			for (size_t j = i; j >= gap && strcmp(names[j - gap], names[j]) > 0;
			     j -= gap) {
				char *t = names[j];

				names[j] = names[j - gap];
				names[j - gap] = t;
			}
}

/* Append a copy of @name to the growing array *@names (count *@n). */
static int names_add(char ***names, size_t *n, size_t *cap, const char *name)
{
	size_t len = strlen(name);
	char *copy;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		char **grown = krealloc(*names, ncap * sizeof(char *));

		if (!grown)
			return -ENOMEM;
		*names = grown;
		*cap = ncap;
	}
	copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len + 1);
	(*names)[(*n)++] = copy;
	return 0;
}

int fs_cmd_read_names(const char *path, bool all, char ***names, size_t *n)
{
	struct file *f;
	char *buf;
	size_t cap = 0;
	ssize_t got = 0;
	int err;

	err = vfs_open(fs_cmd_cwd(), path, O_RDONLY | O_DIRECTORY, 0, &f);
	if (err)
		return err;
	buf = kmalloc(DIRENT_BUF);
	err = buf ? 0 : -ENOMEM;
	while (!err && (got = vfs_getdents64(f, buf, DIRENT_BUF)) > 0) {
		for (ssize_t off = 0; !err && off < got;) {
			struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);

			if (!de->d_reclen) // a broken filesystem: do not spin
				err = -EIO;
			else if (all || de->d_name[0] != '.')
				err = names_add(names, n, &cap, de->d_name);
			off += de->d_reclen;
		}
	}
	if (!err && got < 0)
		err = (int)got;
	kfree(buf);
	file_put(f);
	if (!err)
		sort_names(*names, *n);
	return err;
}

void fs_cmd_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kfree(names[i]);
	kfree(names);
}

void fs_cmd_path_join(char *full, const char *dir, const char *name)
{
	strlcpy(full, dir, FS_CMD_PATH_BUF);
	if (full[0] && full[strlen(full) - 1] != '/')
		strlcat(full, "/", FS_CMD_PATH_BUF);
	strlcat(full, name, FS_CMD_PATH_BUF);
}

static int ls_dir(const struct ls_opts *o, const char *path, unsigned int depth);

/* ls -R: each subdirectory among @names (not followed through symlinks;
 * not . or ..), after a blank line and a "PATH:" heading. */
static int ls_subdirs(const struct ls_opts *o, const char *path, char **names, size_t n,
		      unsigned int depth)
{
	char *full = kmalloc(FS_CMD_PATH_BUF);
	struct linux_stat st;
	int status = 0;

	if (!full)
		return fs_cmd_error("ls", path, -ENOMEM);
	for (size_t i = 0; i < n && !shell_interrupted(); i++) {
		if (!strcmp(names[i], ".") || !strcmp(names[i], ".."))
			continue;
		fs_cmd_path_join(full, path, names[i]);
		if (vfs_lstat(fs_cmd_cwd(), full, &st) || !S_ISDIR(st.st_mode))
			continue;
		kprintf("\n%s:\n", full);
		if (ls_dir(o, full, depth + 1))
			status = 1;
	}
	kfree(full);
	return status;
}

/* List the directory @path, sorted by name; with -R, then its
 * subdirectories, @depth levels below the operand. */
static int ls_dir(const struct ls_opts *o, const char *path, unsigned int depth)
{
	char **names = NULL, *full = kmalloc(FS_CMD_PATH_BUF);
	size_t n = 0;
	int status = 0, err;

	if (depth > LS_DEPTH_MAX) {
		kfree(full);
		kprintf_err("ls: %s: more than %d levels deep; not listed\n", path, LS_DEPTH_MAX);
		return 1;
	}
	err = full ? fs_cmd_read_names(path, o->all, &names, &n) : -ENOMEM;
	if (err)
		status = fs_cmd_error("ls", path, err);
	for (size_t i = 0; i < n && !status && !shell_interrupted(); i++) {
		fs_cmd_path_join(full, path, names[i]);
		status = ls_print(o, full, names[i]);
	}
	kfree(full);
	if (!status && o->rec)
		status = ls_subdirs(o, path, names, n, depth);
	fs_cmd_free_names(names, n);
	return status;
}

/* List @path: a directory's entries (after a "PATH:" heading when
 * several operands were given), or the one non-directory itself. */
static int ls_one(const struct ls_opts *o, const char *path, bool heading)
{
	struct linux_stat st;
	int err = vfs_lstat(fs_cmd_cwd(), path, &st);
	bool dir = !err && S_ISDIR(st.st_mode);

	if (!err && S_ISLNK(st.st_mode) && !o->lng && !vfs_stat(fs_cmd_cwd(), path, &st))
		dir = S_ISDIR(st.st_mode); // ls LINK lists the directory it names
	if (err)
		return fs_cmd_error("ls", path, err);
	if (!dir)
		return ls_print(o, path, path);
	if (heading || o->rec)
		kprintf("%s:\n", path);
	return ls_dir(o, path, 0);
}

/* Parse leading "-l", "-a", "-la"...; returns the first operand's index
 * or -1 for an unknown option. */
static int ls_parse(int argc, char **argv, struct ls_opts *o)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'l')
				o->lng = true;
			else if (*c == 'a')
				o->all = true;
			else if (*c == 'R')
				o->rec = true;
			else
				return -1;
		}
	}
	return i;
}

static int cmd_ls(int argc, char **argv)
{
	struct ls_opts o = { 0 };
	int first = ls_parse(argc, argv, &o), status = 0;

	if (first < 0)
		return shell_usage(shell_find("ls"));
	if (first == argc)
		return ls_one(&o, ".", false);
	for (int i = first; i < argc; i++) {
		if (o.rec && i > first)
			kprintf("\n");
		if (ls_one(&o, argv[i], argc - first > 1))
			status = 1;
	}
	return status;
}

SHELL_COMMAND(ls, .name = "ls", .group = "fs",
	      .summary = "list directories sorted by name (-l long, -a dot files, -R recursive)",
	      .usage = "ls [-l] [-a] [-R] [PATH...]", .fn = cmd_ls);

/*
 * The shell's commands that change the tree: `mkdir [-p]`, `rmdir`, `rm
 * [-r]`, `write FILE TEXT...`, `touch`, `mv` and `ln [-s]`. Each is a thin
 * loop over one VFS call; the VFS makes the refusals (fs/vfs.h) and the
 * command prints them as "CMD: PATH: message". `rm -r` walks the tree
 * with one path buffer instead of recursion, so depth costs no stack.
 * Shell task only.
 */
#include <stdbool.h>

#include "core/console.h"
#include "fs/fs_cmds.h"
#include "fs/vfs.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "shell/shell.h"

#define DIR_MODE 0755
#define FILE_MODE 0644
#define DIRENT_BUF 4096

/* True when argv[1] is exactly @flag (then the operands start at 2). */
static bool has_flag(int argc, char **argv, const char *flag)
{
	return argc > 1 && !strcmp(argv[1], flag);
}

/* A kmalloc'd copy of @s, or NULL. */
static char *dup_path(const char *s)
{
	char *buf = kmalloc(FS_CMD_PATH_BUF);

	if (buf && strlcpy(buf, s, FS_CMD_PATH_BUF) >= FS_CMD_PATH_BUF) {
		kfree(buf);
		return NULL;
	}
	return buf;
}

/* mkdir -p: each prefix ending before a '/', then the whole path; an
 * existing directory is fine. */
static int mkdir_parents(const char *path)
{
	struct vfs_path *cwd = fs_cmd_cwd();
	struct linux_stat st;
	char *buf = dup_path(path);
	int err = 0;

	if (!buf)
		return -ENAMETOOLONG;
	for (size_t i = 1, len = strlen(buf); i < len && !err; i++) {
		if (buf[i] != '/' || buf[i - 1] == '/')
			continue;
		buf[i] = '\0';
		err = vfs_mkdir(cwd, buf, DIR_MODE);
		if (err == -EEXIST)
			err = 0;
		buf[i] = '/';
	}
	if (!err)
		err = vfs_mkdir(cwd, buf, DIR_MODE);
	if (err == -EEXIST && !vfs_stat(cwd, buf, &st) && S_ISDIR(st.st_mode))
		err = 0;
	kfree(buf);
	return err;
}

static int cmd_mkdir(int argc, char **argv)
{
	bool parents = has_flag(argc, argv, "-p");
	int status = 0, err;

	if (argc < 2 + parents)
		return shell_usage(shell_find("mkdir"));
	for (int i = 1 + parents; i < argc; i++) {
		err = parents ? mkdir_parents(argv[i]) : vfs_mkdir(fs_cmd_cwd(), argv[i], DIR_MODE);
		if (err)
			status = fs_cmd_error("mkdir", argv[i], err);
	}
	return status;
}

SHELL_COMMAND(mkdir, .name = "mkdir", .group = "fs",
	      .summary = "make directories (-p: with their parents, existing ones fine)",
	      .usage = "mkdir [-p] DIR...", .fn = cmd_mkdir);

static int cmd_rmdir(int argc, char **argv)
{
	int status = 0, err;

	if (argc < 2)
		return shell_usage(shell_find("rmdir"));
	for (int i = 1; i < argc; i++) {
		err = vfs_rmdir(fs_cmd_cwd(), argv[i]);
		if (err)
			status = fs_cmd_error("rmdir", argv[i], err);
	}
	return status;
}

SHELL_COMMAND(rmdir, .name = "rmdir", .group = "fs", .summary = "remove empty directories",
	      .usage = "rmdir DIR...", .fn = cmd_rmdir);

/* The first entry of directory @path other than "." and "..", copied
 * into @name (256 bytes), reading with @buf (DIRENT_BUF bytes). Returns 1
 * (found), 0 (empty) or -errno. */
static int first_entry(const char *path, char *name, char *buf)
{
	struct file *f;
	ssize_t got;
	int found = 0, err = vfs_open(fs_cmd_cwd(), path, O_RDONLY | O_DIRECTORY, 0, &f);

	if (err)
		return err;
	while (!found && (got = vfs_getdents64(f, buf, DIRENT_BUF)) > 0) {
		for (ssize_t off = 0; !found && off < got;) {
			struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);

			if (!de->d_reclen) { // a broken filesystem: do not spin
				found = -EIO;
				break;
			}
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				strlcpy(name, de->d_name, 256);
				found = 1;
			}
			off += de->d_reclen;
		}
	}
	file_put(f);
	return found ? found : (int)got; // 1, -EIO, 0 at the end, or -errno
}

/*
 * rm -r of the directory @top: repeatedly take the first entry of the
 * directory in @path; descend into a subdirectory, unlink anything else,
 * and remove an emptied directory and climb back. Stops at the first error.
 */
static int rm_tree(const char *top, char *path, char *name, char *buf)
{
	size_t top_len = strlen(top), len;
	struct linux_stat st;
	int r;

	strlcpy(path, top, FS_CMD_PATH_BUF);
	for (;;) {
		if (shell_interrupted())
			return SHELL_STATUS_INTERRUPTED;
		r = first_entry(path, name, buf);
		if (r < 0)
			return fs_cmd_error("rm", path, r);
		len = strlen(path);
		if (r == 0) {
			r = vfs_rmdir(fs_cmd_cwd(), path);
			if (r)
				return fs_cmd_error("rm", path, r);
			if (len <= top_len)
				return 0;
			*strrchr(path, '/') = '\0';
			continue;
		}
		if (strlcat(path, "/", FS_CMD_PATH_BUF) >= FS_CMD_PATH_BUF ||
		    strlcat(path, name, FS_CMD_PATH_BUF) >= FS_CMD_PATH_BUF)
			return fs_cmd_error("rm", path, -ENAMETOOLONG);
		r = vfs_lstat(fs_cmd_cwd(), path, &st);
		if (!r && !S_ISDIR(st.st_mode)) {
			r = vfs_unlink(fs_cmd_cwd(), path);
			path[len] = '\0';
		}
		if (r)
			return fs_cmd_error("rm", path, r);
	}
}

static int rm_recursive(const char *path)
{
	struct linux_stat st;
	char *full, *name, *buf;
	int err = vfs_lstat(fs_cmd_cwd(), path, &st), status;

	if (err)
		return fs_cmd_error("rm", path, err);
	if (!S_ISDIR(st.st_mode)) {
		err = vfs_unlink(fs_cmd_cwd(), path);
		return err ? fs_cmd_error("rm", path, err) : 0;
	}
	full = kmalloc(FS_CMD_PATH_BUF);
	name = kmalloc(256);
	buf = kmalloc(DIRENT_BUF);
	status = full && name && buf ? rm_tree(path, full, name, buf)
				     : fs_cmd_error("rm", path, -ENOMEM);
	kfree(buf);
	kfree(name);
	kfree(full);
	return status;
}

static int cmd_rm(int argc, char **argv)
{
	bool recursive = has_flag(argc, argv, "-r");
	int status = 0, err;

	if (argc < 2 + recursive)
		return shell_usage(shell_find("rm"));
	for (int i = 1 + recursive; i < argc; i++) {
		if (recursive) {
			err = rm_recursive(argv[i]);
			if (err)
				status = err;
			continue;
		}
		err = vfs_unlink(fs_cmd_cwd(), argv[i]);
		if (err)
			status = fs_cmd_error("rm", argv[i], err);
	}
	return status;
}

SHELL_COMMAND(rm, .name = "rm", .group = "fs",
	      .summary = "remove files (-r: directories and everything in them)",
	      .usage = "rm [-r] PATH...", .fn = cmd_rm);

/* Write all of @buf to @f. Returns 0 or -errno. */
static int write_all(struct file *f, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = vfs_write(f, buf, n);

		if (w < 0)
			return (int)w;
		if (w == 0)
			return -EIO;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int cmd_write(int argc, char **argv)
{
	struct file *f;
	size_t len = 0, at = 0;
	char *text;
	int err;

	if (argc < 3)
		return shell_usage(shell_find("write"));
	for (int i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1; // the word and a space or the newline
	text = kmalloc(len);
	if (!text)
		return fs_cmd_error("write", argv[1], -ENOMEM);
	for (int i = 2; i < argc; i++) {
		size_t n = strlen(argv[i]);

		memcpy(text + at, argv[i], n);
		at += n;
		text[at++] = i + 1 < argc ? ' ' : '\n';
	}
	err = vfs_open(fs_cmd_cwd(), argv[1], O_WRONLY | O_CREAT | O_TRUNC, FILE_MODE, &f);
	if (!err) {
		err = write_all(f, text, len);
		file_put(f);
	}
	kfree(text);
	return err ? fs_cmd_error("write", argv[1], err) : 0;
}

SHELL_COMMAND(write, .name = "write", .group = "fs",
	      .summary = "create or truncate FILE holding the words and a newline",
	      .usage = "write FILE TEXT...", .fn = cmd_write);

static int cmd_touch(int argc, char **argv)
{
	struct file *f;
	int status = 0, err;

	if (argc < 2)
		return shell_usage(shell_find("touch"));
	for (int i = 1; i < argc; i++) {
		err = vfs_utimens(fs_cmd_cwd(), argv[i], NULL);
		if (err == -ENOENT) {
			err = vfs_open(fs_cmd_cwd(), argv[i], O_WRONLY | O_CREAT, FILE_MODE, &f);
			if (!err)
				file_put(f);
		}
		if (err)
			status = fs_cmd_error("touch", argv[i], err);
	}
	return status;
}

SHELL_COMMAND(touch, .name = "touch", .group = "fs",
	      .summary = "set files' times to now, creating missing ones", .usage = "touch FILE...",
	      .fn = cmd_touch);

static int cmd_mv(int argc, char **argv)
{
	struct linux_stat st;
	size_t end, start, at;
	char *dst;
	int err;

	if (argc != 3)
		return shell_usage(shell_find("mv"));
	dst = dup_path(argv[2]);
	if (!dst)
		return fs_cmd_error("mv", argv[2], -ENAMETOOLONG);
	/* Into an existing directory: keep the old last name (trailing
	 * slashes aside), as mv(1) does. */
	if (!vfs_stat(fs_cmd_cwd(), argv[2], &st) && S_ISDIR(st.st_mode)) {
		for (end = strlen(argv[1]); end > 1 && argv[1][end - 1] == '/'; end--)
			;
		for (start = end; start && argv[1][start - 1] != '/'; start--)
			;
		at = strlcat(dst, "/", FS_CMD_PATH_BUF);
		if (end > start && at + end - start < FS_CMD_PATH_BUF) {
			memcpy(dst + at, argv[1] + start, end - start);
			dst[at + end - start] = '\0';
		}
	}
	err = vfs_rename(fs_cmd_cwd(), argv[1], dst);
	kfree(dst);
	return err ? fs_cmd_error("mv", argv[1], err) : 0;
}

SHELL_COMMAND(mv, .name = "mv", .group = "fs",
	      .summary = "rename OLD to NEW (or into the directory NEW)", .usage = "mv OLD NEW",
	      .fn = cmd_mv);

static int cmd_ln(int argc, char **argv)
{
	bool sym = has_flag(argc, argv, "-s");
	const char *target, *link;
	int err;

	if (argc != 3 + sym)
		return shell_usage(shell_find("ln"));
	target = argv[1 + sym];
	link = argv[2 + sym];
	err = sym ? vfs_symlink(fs_cmd_cwd(), target, link) : vfs_link(fs_cmd_cwd(), target, link);
	return err ? fs_cmd_error("ln", link, err) : 0;
}

SHELL_COMMAND(ln, .name = "ln", .group = "fs",
	      .summary = "a hard link LINK to TARGET (-s: a symbolic link holding TARGET)",
	      .usage = "ln [-s] TARGET LINK", .fn = cmd_ln);

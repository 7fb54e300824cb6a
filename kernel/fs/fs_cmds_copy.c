/*
 * The shell's `cp [-r] SRC DST`: a file's bytes into a new or truncated
 * file (keeping its permission bits), or with -r a whole tree: directories
 * made, files copied, symlinks recreated with the same target. DST may be
 * an existing directory, which then receives SRC's last name. A directory
 * is never copied into itself or its own subtree (found by walking DST's
 * parent up through ".." to the root, comparing device and inode with
 * SRC). Uses only the VFS API. Shell task only.
 */
#include <stdbool.h>

#include "core/console.h"
#include "fs/file.h"
#include "fs/fs_cmds.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "shell/shell.h"

#define COPY_BUF 4096	  // bytes per read/write
#define COPY_DEPTH_MAX 32 // cp -r levels (each costs stack)
#define PERM_MASK 07777	  // the permission bits a copy keeps
#define LOOKS_UP "/.."	  // appended to climb one level

static bool same_inode(const struct linux_stat *a, const struct linux_stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int copy_bytes(struct file *in, struct file *out, char *buf)
{
	ssize_t got;

	while ((got = vfs_read(in, buf, COPY_BUF)) > 0) {
		for (ssize_t done = 0; done < got;) {
			ssize_t w = vfs_write(out, buf + done, (size_t)(got - done));

			if (w <= 0)
				return w < 0 ? (int)w : -EIO;
			done += w;
		}
		if (shell_interrupted())
			return -EINTR;
	}
	return (int)got;
}

/* Copy the regular file @src (mode @mode) to @dst. */
static int copy_file(const char *src, const char *dst, uint32_t mode)
{
	struct file *in, *out;
	char *buf;
	int err;

	err = vfs_open(fs_cmd_cwd(), src, O_RDONLY, 0, &in);
	if (err)
		return fs_cmd_error("cp", src, err);
	err = vfs_open(fs_cmd_cwd(), dst, O_WRONLY | O_CREAT | O_TRUNC, mode & PERM_MASK, &out);
	if (err) {
		file_put(in);
		return fs_cmd_error("cp", dst, err);
	}
	buf = kmalloc(COPY_BUF);
	err = buf ? copy_bytes(in, out, buf) : -ENOMEM;
	kfree(buf);
	file_put(out);
	file_put(in);
	return err ? fs_cmd_error("cp", src, err) : 0;
}

static int copy_symlink(const char *src, const char *dst)
{
	char *target = kmalloc(FS_CMD_PATH_BUF);
	ssize_t n = target ? vfs_readlink(fs_cmd_cwd(), src, target, FS_CMD_PATH_BUF - 1) : -ENOMEM;
	int err = n < 0 ? (int)n : 0;

	if (!err) {
		target[n] = '\0';
		err = vfs_symlink(fs_cmd_cwd(), target, dst);
	}
	kfree(target);
	return err ? fs_cmd_error("cp", dst, err) : 0;
}

static int copy_tree(const char *src, const char *dst, const struct linux_stat *st,
		     unsigned int depth);

/* Copy each entry of the directory @src into the directory @dst. */
static int copy_entries(const char *src, const char *dst, unsigned int depth)
{
	char **names = NULL, *from = kmalloc(FS_CMD_PATH_BUF), *to = kmalloc(FS_CMD_PATH_BUF);
	struct linux_stat st;
	size_t n = 0;
	int status = 0, err;

	err = from && to ? fs_cmd_read_names(src, true, &names, &n) : -ENOMEM;
	if (err)
		status = fs_cmd_error("cp", src, err);
	for (size_t i = 0; i < n && !status; i++) {
		if (!strcmp(names[i], ".") || !strcmp(names[i], ".."))
			continue;
		fs_cmd_path_join(from, src, names[i]);
		fs_cmd_path_join(to, dst, names[i]);
		err = vfs_lstat(fs_cmd_cwd(), from, &st);
		status = err ? fs_cmd_error("cp", from, err) : copy_tree(from, to, &st, depth + 1);
	}
	fs_cmd_free_names(names, n);
	kfree(from);
	kfree(to);
	return status;
}

/* Copy @src (already lstat'd into @st) to @dst, directories recursively. */
static int copy_tree(const char *src, const char *dst, const struct linux_stat *st,
		     unsigned int depth)
{
	int err;

	if (depth > COPY_DEPTH_MAX) {
		kprintf_err("cp: %s: more than %d levels deep; not copied\n", src, COPY_DEPTH_MAX);
		return 1;
	}
	if (S_ISREG(st->st_mode))
		return copy_file(src, dst, st->st_mode);
	if (S_ISLNK(st->st_mode))
		return copy_symlink(src, dst);
	if (!S_ISDIR(st->st_mode)) {
		kprintf_err("cp: %s: not a regular file, directory or symlink; not copied\n", src);
		return 1;
	}
	err = vfs_mkdir(fs_cmd_cwd(), dst, st->st_mode & PERM_MASK);
	if (err && err != -EEXIST)
		return fs_cmd_error("cp", dst, err);
	return copy_entries(src, dst, depth);
}

/* The directory part of @path into @out: "." for a bare name, "/" for
 * one just under the root. */
static void parent_name(const char *path, char *out)
{
	size_t end = strlcpy(out, path, FS_CMD_PATH_BUF);

	while (end > 1 && out[end - 1] == '/')
		end--;
	while (end && out[end - 1] != '/')
		end--;
	while (end > 1 && out[end - 1] == '/')
		end--;
	if (end == 0)
		strlcpy(out, ".", FS_CMD_PATH_BUF);
	else
		out[end] = '\0';
}

/*
 * True when the directory that will hold @dst is @src or below it: climb
 * from @dst's parent through ".." to the root, comparing each step with
 * @src. Errors (a parent that does not exist yet) answer false; creating
 * @dst then reports them.
 */
static bool is_inside(const struct linux_stat *src, const char *dst)
{
	char *p = kmalloc(FS_CMD_PATH_BUF);
	struct linux_stat cur, up;
	bool inside = false;

	if (!p)
		return false;
	parent_name(dst, p);
	while (!vfs_stat(fs_cmd_cwd(), p, &cur)) {
		if (same_inode(&cur, src)) {
			inside = true;
			break;
		}
		if (strlcat(p, LOOKS_UP, FS_CMD_PATH_BUF) >= FS_CMD_PATH_BUF ||
		    vfs_stat(fs_cmd_cwd(), p, &up) || same_inode(&cur, &up))
			break; // the root is its own parent
	}
	kfree(p);
	return inside;
}

/* DST, or DST/LAST when DST is an existing directory (LAST being SRC's
 * last name, trailing slashes aside). */
static int target_name(const char *src, const char *dst, char *out)
{
	struct linux_stat st;
	size_t end, start, len;

	if (strlcpy(out, dst, FS_CMD_PATH_BUF) >= FS_CMD_PATH_BUF)
		return -ENAMETOOLONG;
	if (vfs_stat(fs_cmd_cwd(), dst, &st) || !S_ISDIR(st.st_mode))
		return 0;
	for (end = strlen(src); end > 1 && src[end - 1] == '/'; end--)
		;
	for (start = end; start && src[start - 1] != '/'; start--)
		;
	if (strlen(out) + 1 + (end - start) >= FS_CMD_PATH_BUF)
		return -ENAMETOOLONG;
	fs_cmd_path_join(out, dst, "");
	len = strlen(out);
	memcpy(out + len, src + start, end - start);
	out[len + end - start] = '\0';
	return 0;
}

static int cmd_cp(int argc, char **argv)
{
	bool rec = argc > 1 && !strcmp(argv[1], "-r");
	struct linux_stat st, dst_st;
	const char *src;
	char *dst;
	int err, status;

	if (argc != 3 + rec)
		return shell_usage(shell_find("cp"));
	src = argv[1 + rec];
	err = vfs_stat(fs_cmd_cwd(), src, &st);
	if (err)
		return fs_cmd_error("cp", src, err);
	if (S_ISDIR(st.st_mode) && !rec)
		return fs_cmd_error("cp", src, -EISDIR);
	dst = kmalloc(FS_CMD_PATH_BUF);
	err = dst ? target_name(src, argv[2 + rec], dst) : -ENOMEM;
	if (err) {
		kfree(dst);
		return fs_cmd_error("cp", argv[2 + rec], err);
	}
	if (!vfs_stat(fs_cmd_cwd(), dst, &dst_st) && same_inode(&st, &dst_st)) {
		kprintf_err("cp: %s and %s are the same file\n", src, dst);
		status = 1;
	} else if (S_ISDIR(st.st_mode) && is_inside(&st, dst)) {
		kprintf_err("cp: cannot copy directory %s into itself (%s)\n", src, dst);
		status = 1;
	} else {
		status = copy_tree(src, dst, &st, 0);
	}
	kfree(dst);
	return status;
}

SHELL_COMMAND(cp, .name = "cp", .group = "fs",
	      .summary = "copy a file, or with -r a tree, to DST (or into the directory DST)",
	      .usage = "cp [-r] SRC DST", .fn = cmd_cp);

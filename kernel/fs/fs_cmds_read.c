/*
 * The shell's commands that show files: `cat FILE...`, `hexdump FILE`
 * (hexdump -C's canonical layout), `stat PATH` (after Linux stat(1)) and
 * `crc32 FILE...` (zlib's CRC-32 and the size, for checking files against
 * the host's copies).
 * Reads go through the open-file API, so they work on any filesystem; a
 * long output stops at ^C. Shell task only.
 */
#include "core/console.h"
#include "fs/fs_cmds.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/crc32.h"
#include "lib/filemode.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "shell/shell.h"
#include "time/calendar.h"

#define READ_BUF 4096	// bytes per vfs_read
#define HEX_PER_LINE 16 // bytes per hexdump line
#define LINK_BUF 4096	// readlink buffer (PATH_MAX)

/* Open @path for reading and pass each chunk of the @len bytes from @off
 * on (to the end for UINT64_MAX) to @fn. Returns the command's status,
 * printing the error for @cmd. */
static int read_range(const char *cmd, const char *path, uint64_t off, uint64_t len,
		      void (*fn)(const char *buf, size_t n, void *arg), void *arg)
{
	struct file *f;
	char *buf;
	ssize_t n = 0;
	int err = vfs_open(fs_cmd_cwd(), path, O_RDONLY, 0, &f);

	if (err)
		return fs_cmd_error(cmd, path, err);
	buf = kmalloc(READ_BUF);
	if (!buf) {
		file_put(f);
		return fs_cmd_error(cmd, path, -ENOMEM);
	}
	if (off && (n = vfs_lseek(f, (int64_t)off, SEEK_SET)) >= 0)
		n = 0;
	while (!n && len && (n = vfs_read(f, buf, len < READ_BUF ? len : READ_BUF)) > 0) {
		fn(buf, (size_t)n, arg);
		len -= len == UINT64_MAX ? 0 : (uint64_t)n;
		/* A stream (the console) sees ^C itself; polling here would
		 * take the very keystrokes it is reading. */
		if (!f->inode->fops->stream && shell_interrupted())
			break;
		n = 0;
	}
	kfree(buf);
	file_put(f);
	return n < 0 ? fs_cmd_error(cmd, path, (int)n) : 0;
}

static int read_file(const char *cmd, const char *path,
		     void (*fn)(const char *buf, size_t n, void *arg), void *arg)
{
	return read_range(cmd, path, 0, UINT64_MAX, fn, arg);
}

static void cat_chunk(const char *buf, size_t n, void *arg)
{
	(void)arg;
	console_write(buf, n);
}

static int cmd_cat(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return shell_usage(shell_find("cat"));
	for (int i = 1; i < argc; i++)
		if (read_file("cat", argv[i], cat_chunk, NULL))
			status = 1;
	return status;
}

SHELL_COMMAND(cat, .name = "cat", .group = "fs", .summary = "print files", .usage = "cat FILE...",
	      .fn = cmd_cat);

struct crc_state {
	uint32_t crc;
	uint64_t size;
};

static void crc_chunk(const char *buf, size_t n, void *arg)
{
	struct crc_state *st = arg;

	st->crc = crc32_update(st->crc, buf, n);
	st->size += n;
}

/* crc32 FILE...: "CRC SIZE FILE" a line each (CRC in hex, as Python's
 * "%08x" % zlib.crc32(data)). */
static int cmd_crc32(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return shell_usage(shell_find("crc32"));
	for (int i = 1; i < argc; i++) {
		struct crc_state st = { 0, 0 };

		if (read_file("crc32", argv[i], crc_chunk, &st))
			status = 1;
		else
			kprintf("%08x %llu %s\n", st.crc, (unsigned long long)st.size, argv[i]);
	}
	return status;
}

SHELL_COMMAND(crc32, .name = "crc32", .group = "fs", .summary = "CRC-32 and size of files",
	      .usage = "crc32 FILE...", .fn = cmd_crc32);

struct hex_state {
	uint64_t off; // offset of line[0]
	unsigned char line[HEX_PER_LINE];
	size_t fill;
};

static void hex_line(const struct hex_state *h)
{
	kprintf("%08llx ", (unsigned long long)h->off);
	for (size_t i = 0; i < HEX_PER_LINE; i++) {
		if (i % 8 == 0)
			kprintf(" ");
		if (i < h->fill)
			kprintf("%02x ", h->line[i]);
		else
			kprintf("   ");
	}
	kprintf(" |");
	for (size_t i = 0; i < h->fill; i++)
		kprintf("%c", h->line[i] >= 0x20 && h->line[i] < 0x7f ? h->line[i] : '.');
	kprintf("|\n");
}

static void hex_chunk(const char *buf, size_t n, void *arg)
{
	struct hex_state *h = arg;

	for (size_t i = 0; i < n; i++) {
		h->line[h->fill++] = (unsigned char)buf[i];
		if (h->fill == HEX_PER_LINE) {
			hex_line(h);
			h->off += HEX_PER_LINE;
			h->fill = 0;
		}
	}
}

/* hexdump [-s OFFSET] [-n LENGTH] FILE (decimal or 0x hex numbers, as
 * hexdump(1)'s -s and -n); offsets shown are the file's. */
static int cmd_hexdump(int argc, char **argv)
{
	unsigned long long skip = 0, len = UINT64_MAX;
	struct hex_state h = { 0 };
	int i, status;

	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		unsigned long long *v = !strcmp(argv[i], "-s")	 ? &skip
					: !strcmp(argv[i], "-n") ? &len
								 : NULL;

		if (!v || kstrtoull(argv[i + 1], 0, v) || (v == &skip && skip > INT64_MAX))
			return shell_usage(shell_find("hexdump"));
	}
	if (argc - i != 1)
		return shell_usage(shell_find("hexdump"));
	h.off = skip;
	status = read_range("hexdump", argv[i], skip, len, hex_chunk, &h);
	if (h.fill)
		hex_line(&h);
	if (!status)
		kprintf("%08llx\n", (unsigned long long)(h.off + h.fill));
	return status;
}

static const char *const hexdump_subcmds[] = { "-s", "-n", NULL };

SHELL_COMMAND(hexdump, .name = "hexdump", .group = "fs",
	      .summary = "a file in hex and ASCII, 16 bytes a line",
	      .usage = "hexdump [-s OFFSET] [-n LENGTH] FILE", .fn = cmd_hexdump,
	      .subcmds = hexdump_subcmds);

static const char *type_name(const struct linux_stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		return st->st_size ? "regular file" : "regular empty file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symbolic link";
	case S_IFCHR:
		return "character special file";
	case S_IFBLK:
		return "block special file";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "weird file";
	}
}

static void print_time(const char *label, uint64_t sec, uint64_t nsec)
{
	struct cal_date d;

	cal_from_unix((int64_t)sec, &d);
	kprintf("%s: %04d-%02d-%02d %02d:%02d:%02d.%09lu +0000\n", label, d.year, d.month, d.day,
		d.hour, d.min, d.sec, (unsigned long)nsec);
}

/* "  File: PATH", with " -> TARGET" for a symlink. */
static void print_file_line(const char *path, const struct linux_stat *st)
{
	char *target;
	ssize_t n = -ENOMEM;

	kprintf("  File: %s", path);
	if (S_ISLNK(st->st_mode)) {
		target = kmalloc(LINK_BUF);
		if (target)
			n = vfs_readlink(fs_cmd_cwd(), path, target, LINK_BUF);
		if (n >= 0)
			kprintf(" -> %.*s", (int)n, target);
		kfree(target);
	}
	kprintf("\n");
}

static int cmd_stat(int argc, char **argv)
{
	struct linux_stat st;
	char mode[11];
	int err;

	if (argc != 2)
		return shell_usage(shell_find("stat"));
	err = vfs_lstat(fs_cmd_cwd(), argv[1], &st);
	if (err)
		return fs_cmd_error("stat", argv[1], err);
	filemode_string(st.st_mode, mode);
	print_file_line(argv[1], &st);
	kprintf("  Size: %-10ld\tBlocks: %-10ld IO Block: %-6ld %s\n", (long)st.st_size,
		(long)st.st_blocks, (long)st.st_blksize, type_name(&st));
	kprintf("Device: %lu\tInode: %-11lu Links: %lu\n", (unsigned long)st.st_dev,
		(unsigned long)st.st_ino, (unsigned long)st.st_nlink);
	kprintf("Access: (%04o/%s)  Uid: (%5u)   Gid: (%5u)\n", st.st_mode & S_MODE_PERM, mode,
		st.st_uid, st.st_gid);
	print_time("Access", st.st_atime_sec, st.st_atime_nsec);
	print_time("Modify", st.st_mtime_sec, st.st_mtime_nsec);
	print_time("Change", st.st_ctime_sec, st.st_ctime_nsec);
	return 0;
}

SHELL_COMMAND(stat, .name = "stat", .group = "fs",
	      .summary = "a file's metadata (like Linux stat(1); symlinks not followed)",
	      .usage = "stat PATH", .fn = cmd_stat);

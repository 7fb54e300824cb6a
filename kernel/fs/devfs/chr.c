/*
 * devfs's simple character devices: null (reads end at once, writes are
 * swallowed), zero (reads zeros, writes swallowed), full (reads zeros,
 * writes fail with -ENOSPC), console and tty (the console tty,
 * drivers/tty/tty.c) and
 * kmsg (reads the kernel log ring from core/log.c as plain
 * text, offset 0 being the oldest line kept; not Linux's record format).
 * Locking: none beyond the inode lock the VFS holds; the console is a
 * stream (fops->stream), read and written without it.
 */
#include "core/log.h"
#include "drivers/tty/tty.h"
#include "fs/devfs/devfs_internal.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

static ssize_t devfs_eof_read(struct file *f, void *buf, size_t n, int64_t off)
{
	return 0;
}

static ssize_t devfs_zero_read(struct file *f, void *buf, size_t n, int64_t off)
{
	memset(buf, 0, n);
	return (ssize_t)n;
}

static ssize_t devfs_sink_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	return (ssize_t)n;
}

static ssize_t devfs_full_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	return -ENOSPC;
}

static ssize_t devfs_kmsg_read(struct file *f, void *buf, size_t n, int64_t off)
{
	return (ssize_t)log_buffer_read((uint64_t)off, buf, n);
}

static int devfs_nop_fsync(struct file *f)
{
	return 0;
}

const struct file_ops devfs_null_fops = {
	.read = devfs_eof_read,
	.write = devfs_sink_write,
	.fsync = devfs_nop_fsync,
};

const struct file_ops devfs_zero_fops = {
	.read = devfs_zero_read,
	.write = devfs_sink_write,
	.fsync = devfs_nop_fsync,
};

const struct file_ops devfs_full_fops = {
	.read = devfs_zero_read,
	.write = devfs_full_write,
	.fsync = devfs_nop_fsync,
};

/* The console tty (drivers/tty/tty.c): its line discipline, echo and
 * job control. /dev/tty is the caller's controlling tty (the console, if
 * the caller's session owns it; -ENXIO otherwise). */
const struct file_ops devfs_console_fops = {
	.open = tty_open,
	.read = tty_read,
	.write = tty_write,
	.fsync = devfs_nop_fsync,
	.poll = tty_poll,
	.stream = true,
};

const struct file_ops devfs_tty_fops = {
	.open = tty_open_ctty,
	.read = tty_read,
	.write = tty_write,
	.fsync = devfs_nop_fsync,
	.poll = tty_poll,
	.stream = true,
};

const struct file_ops devfs_kmsg_fops = {
	.read = devfs_kmsg_read,
	.fsync = devfs_nop_fsync,
};

/*
 * devfs's simple character devices: null (reads end at once, writes are
 * swallowed), zero (reads zeros, writes swallowed), full (reads zeros,
 * writes fail with -ENOSPC), console (writes go to every console; reads
 * take what is typed on the serial console, see devfs_console_read) and
 * kmsg (reads the kernel log ring from core/log.c as plain
 * text, offset 0 being the oldest line kept; not Linux's record format).
 * Locking: none beyond the inode lock the VFS holds; the console is a
 * stream (fops->stream), read and written without it.
 */
#include "arch/arch.h"
#include "core/console.h"
#include "core/log.h"
#include "drivers/serial.h"
#include "fs/devfs/devfs_internal.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "sched/waitqueue.h"

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

static ssize_t devfs_console_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	console_write(buf, n);
	return (ssize_t)n;
}

#define KEY_CTRL_C 0x03
#define KEY_CTRL_D 0x04

/*
 * Until the terminal layer arrives (with echo, editing and job control), a
 * console read is a bare canonical-mode read: it waits for input typed on
 * the serial console and returns one line at most. Enter (CR) ends the
 * line and reads as '\n'; ^D returns what the line holds so far, so ^D
 * on an empty line is end-of-file; ^C gives -EINTR. Nothing is echoed.
 */
static ssize_t devfs_console_read(struct file *f, void *buf, size_t n, int64_t off)
{
	char *out = buf;
	size_t got = 0;
	int c;

	for (;;) {
		while (got < n && (c = serial_getc()) >= 0) {
			if (c == KEY_CTRL_C)
				return -EINTR;
			if (c == KEY_CTRL_D)
				return (ssize_t)got;
			out[got++] = c == '\r' ? '\n' : (char)c;
			if (out[got - 1] == '\n')
				return (ssize_t)got;
		}
		if (got == n)
			return (ssize_t)got;
		/* A signal ends the wait: what was read, or -ERESTARTSYS
		 * (proc/signal.h: -EINTR, or a restart under SA_RESTART). */
		if (serial_has_irq()) {
			if (wait_event_interruptible(serial_rx_waitqueue(), serial_rx_pending()))
				return got ? (ssize_t)got : -512;
		} else if (task_signal_pending()) {
			return got ? (ssize_t)got : -512;
		} else {
			arch_cpu_relax();
		}
	}
}

/* Readable once typed input is waiting (a stand-in for "a line is ready"
 * until the terminal layer keeps a line buffer); always writable. */
static unsigned int devfs_console_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, serial_rx_waitqueue());
	return POLLOUT | POLLWRNORM | (serial_rx_pending() ? POLLIN | POLLRDNORM : 0);
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

const struct file_ops devfs_console_fops = {
	.read = devfs_console_read,
	.write = devfs_console_write,
	.fsync = devfs_nop_fsync,
	.poll = devfs_console_poll,
	.stream = true,
};

const struct file_ops devfs_kmsg_fops = {
	.read = devfs_kmsg_read,
	.fsync = devfs_nop_fsync,
};

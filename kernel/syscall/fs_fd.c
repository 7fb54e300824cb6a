/*
 * Descriptor system calls: dup, dup2, dup3, fcntl (F_DUPFD[_CLOEXEC],
 * F_GETFD/F_SETFD, F_GETFL/F_SETFL) and ioctl (FIOCLEX/FIONCLEX on
 * anything, a terminal's own in drivers/tty; -ENOTTY for the rest), with
 * Linux's argument rules (fs/fcntl.c, fs/file.c, fs/ioctl.c; fcntl(2),
 * dup(2), ioctl_tty(2)).
 * Locking: none of its own; the fd table's lock inside fs/fdtable.c, the
 * file's pos_lock for F_SETFL.
 */
#include "drivers/tty/tty.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "include/uapi/errno.h"
#include "include/uapi/resource.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define O_LARGEFILE 0100000 // always set on 64-bit Linux (force_o_largefile)
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define CONSOLE_RDEV ((5u << 8) | 1) /* 5:1, /dev/console */
#define TTY_RDEV (5u << 8)	     /* 5:0, /dev/tty */
#define TTY_MAJOR 4

/* The highest descriptor number RLIMIT_NOFILE allows plus one, capped by
 * the table's size. */
static int nofile_limit(void)
{
	uint64_t cur = sys_rlimit_cur(RLIMIT_NOFILE);

	return cur < FD_TABLE_MAX ? (int)cur : FD_TABLE_MAX;
}

long sys_dup(int fd)
{
	struct fd_table *t = proc_current()->fds;
	int r = fd < 0 ? -EBADF : fd_dup(t, fd);

	if (r >= nofile_limit()) {
		int closed = fd_close(t, r); // over the soft limit

		r = closed ? closed : -EMFILE;
	}
	return r;
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= nofile_limit() || oldfd < 0)
		return -EBADF;
	return fd_dup3(proc_current()->fds, oldfd, newfd, flags & O_CLOEXEC);
}

long sys_dup2(int oldfd, int newfd)
{
	struct file *f;

	if (oldfd != newfd)
		return newfd < 0 || newfd >= nofile_limit() || oldfd < 0
			       ? -EBADF
			       : fd_dup2(proc_current()->fds, oldfd, newfd);
	f = sys_file(oldfd); // the same descriptor: itself if it is open
	if (!f)
		return -EBADF;
	file_put(f);
	return newfd;
}

/* F_GETFL: what open kept (Linux drops the open-time-only flags). */
static long status_flags(const struct file *f)
{
	return (f->flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
}

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct fd_table *t = proc_current()->fds;
	struct file *f = sys_file(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* Linux takes the low 32 bits as unsigned: negative is too big. */
		if ((unsigned int)arg >= (unsigned int)nofile_limit())
			ret = -EINVAL;
		else
			ret = fd_dup_from(t, fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		ret = fd_is_cloexec(t, fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		ret = fd_set_cloexec(t, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = status_flags(f);
		break;
	case F_SETFL:
		file_set_status_flags(f, (unsigned int)arg);
		ret = 0;
		break;
	default:
		ret = -EINVAL;
	}
	file_put(f);
	return ret;
}

bool sys_is_tty(struct file *f)
{
	const struct inode *i = f->inode;

	/* The type never changes and a device number is set at creation. */
	uint64_t rdev = READ_ONCE(i->rdev);

	return (i->mode & S_IFMT) == S_IFCHR &&
	       (rdev == CONSOLE_RDEV || rdev == TTY_RDEV || rdev >> 8 == TTY_MAJOR);
}

long sys_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	struct file *f = sys_file(fd);
	long err = -ENOTTY;

	if (!f)
		return -EBADF;
	if (cmd == FIOCLEX || cmd == FIONCLEX)
		err = fd_set_cloexec(proc_current()->fds, fd, cmd == FIOCLEX);
	else if (sys_is_tty(f))
		err = tty_ioctl(f, cmd, arg); // the terminal's own (drivers/tty)
	file_put(f);
	return err;
}

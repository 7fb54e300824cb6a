/*
 * File system calls: read/write and their vector forms, open(at), close,
 * lseek, the stat family, getdents64 and a minimal ioctl. Data passes
 * through a kernel bounce buffer of at most BOUNCE bytes per step; a
 * short count is returned when a later step fails after some bytes moved,
 * as Linux does. Paths are copied in with strncpy_from_user.
 * Locking: none of its own; fd_get takes the table's lock, the VFS its.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"

#define BOUNCE 4096
#define PATH_MAX 4096
#define IOV_MAX 1024
#define MAX_RW 0x7ffff000ul /* Linux's MAX_RW_COUNT */
#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define CONSOLE_RDEV ((5u << 8) | 1) /* 5:1, /dev/console */
#define TTY_MAJOR 4
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1

static struct file *get_file(int fd)
{
	struct proc *p = proc_current();

	return fd < 0 ? NULL : fd_get(p->fds, fd);
}

/* Move up to @count bytes between @f and user @buf; @write picks the way. */
static long rw(struct file *f, uptr_t buf, size_t count, bool write)
{
	uint8_t *k = kmalloc(BOUNCE);
	size_t done = 0;
	long err = 0;

	if (!k)
		return -ENOMEM;
	count = MIN(count, MAX_RW);
	while (done < count) {
		size_t n = MIN(count - done, (size_t)BOUNCE);
		ssize_t got;

		if (write && (err = copy_from_user(k, uptr_add(buf, done), n)))
			break;
		got = write ? vfs_write(f, k, n) : vfs_read(f, k, n);
		if (got < 0) {
			err = got;
			break;
		}
		if (!write && (err = copy_to_user(uptr_add(buf, done), k, (size_t)got)))
			break;
		done += (size_t)got;
		if ((size_t)got < n)
			break; /* end of file, or a partial device read */
	}
	kfree(k);
	return done ? (long)done : err;
}

static long rw_fd(int fd, uptr_t buf, size_t count, bool write)
{
	struct file *f = get_file(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (count && !uptr_range_ok(buf, MIN(count, MAX_RW)))
		ret = -EFAULT;
	else
		ret = rw(f, buf, count, write);
	file_put(f);
	return ret;
}

long sys_read(int fd, uptr_t buf, size_t count)
{
	return rw_fd(fd, buf, count, false);
}

long sys_write(int fd, uptr_t buf, size_t count)
{
	return rw_fd(fd, buf, count, true);
}

struct iovec_user {
	uint64_t base, len;
};

static long rw_vec(int fd, uptr_t iov, int iovcnt, bool write)
{
	struct file *f;
	long total = 0, ret = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	f = get_file(fd);
	if (!f)
		return -EBADF;
	for (int i = 0; i < iovcnt; i++) {
		struct iovec_user v;

		if ((ret = copy_from_user(&v, uptr_add(iov, i * sizeof(v)), sizeof(v))))
			break;
		if (v.len > MAX_RW) {
			ret = -EINVAL;
			break;
		}
		if (v.len && !uptr_range_ok(uptr(v.base), v.len)) {
			ret = -EFAULT;
			break;
		}
		ret = rw(f, uptr(v.base), v.len, write);
		if (ret < 0)
			break;
		total += ret;
		if ((uint64_t)ret < v.len)
			break;
	}
	file_put(f);
	return total ? total : ret;
}

long sys_readv(int fd, uptr_t iov, int iovcnt)
{
	return rw_vec(fd, iov, iovcnt, false);
}

long sys_writev(int fd, uptr_t iov, int iovcnt)
{
	return rw_vec(fd, iov, iovcnt, true);
}

/* Copy in a path (kmalloc'd into *@out, kfree it). */
static long get_path(uptr_t path, char **out)
{
	char *k = kmalloc(PATH_MAX);
	ssize_t n;

	if (!k)
		return -ENOMEM;
	n = strncpy_from_user(k, path, PATH_MAX);
	if (n < 0) {
		kfree(k);
		return n;
	}
	*out = k;
	return n;
}

/* The directory @dirfd names for a relative path (NULL: the root, which is
 * the working directory until processes get one). *@dir holds a ref. */
static long dir_of(int dirfd, const char *path, struct file **dir)
{
	*dir = NULL;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	*dir = get_file(dirfd);
	return *dir ? 0 : -EBADF;
}

long sys_openat(int dirfd, uptr_t upath, int flags, uint32_t mode)
{
	struct proc *p = proc_current();
	struct file *dir, *f;
	char *path;
	long err = get_path(upath, &path);

	if (err < 0)
		return err;
	err = dir_of(dirfd, path, &dir);
	if (!err)
		err = vfs_open(dir ? &dir->path : NULL, path, (unsigned int)flags & ~O_CLOEXEC,
			       mode & 07777, &f);
	if (dir)
		file_put(dir);
	kfree(path);
	if (err)
		return err;
	err = fd_install(p->fds, f, flags & O_CLOEXEC);
	if (err < 0)
		file_put(f);
	return err;
}

long sys_close(int fd)
{
	return fd < 0 ? -EBADF : fd_close(proc_current()->fds, fd);
}

long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = get_file(fd);
	int64_t ret;

	if (!f)
		return -EBADF;
	ret = vfs_lseek(f, off, whence);
	file_put(f);
	return ret;
}

long sys_fstat(int fd, uptr_t ust)
{
	struct file *f = get_file(fd);
	struct linux_stat st;
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fstat(f, &st);
	file_put(f);
	return err ? err : copy_to_user(ust, &st, sizeof(st));
}

long sys_newfstatat(int dirfd, uptr_t upath, uptr_t ust, int flags)
{
	struct linux_stat st;
	struct file *dir;
	char *path;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = get_path(upath, &path);
	if (err < 0)
		return err;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		kfree(path);
		return dirfd == AT_FDCWD ? -EINVAL : sys_fstat(dirfd, ust);
	}
	err = path[0] ? dir_of(dirfd, path, &dir) : -ENOENT;
	if (!err) {
		const struct vfs_path *cwd = dir ? &dir->path : NULL;
		err = (flags & AT_SYMLINK_NOFOLLOW) ? vfs_lstat(cwd, path, &st)
						    : vfs_stat(cwd, path, &st);
		if (dir)
			file_put(dir);
	}
	kfree(path);
	return err ? err : copy_to_user(ust, &st, sizeof(st));
}

long sys_getdents64(int fd, uptr_t buf, size_t count)
{
	struct file *f = get_file(fd);
	size_t n = MIN(count, (size_t)BOUNCE * 16);
	uint8_t *k;
	ssize_t got;

	if (!f)
		return -EBADF;
	k = kmalloc(n ? n : 1);
	if (!k) {
		file_put(f);
		return -ENOMEM;
	}
	got = vfs_getdents64(f, k, n);
	if (got > 0 && copy_to_user(buf, k, (size_t)got))
		got = -EFAULT;
	kfree(k);
	file_put(f);
	return got;
}

long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct fd_table *t = proc_current()->fds;
	struct file *f = get_file(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* Only the lowest free descriptor (arg 0) for now. */
		ret = arg ? -EINVAL : fd_dup(t, fd);
		if (ret >= 0 && cmd == F_DUPFD_CLOEXEC && fd_set_cloexec(t, (int)ret, true))
			ret = -EBADF;
		break;
	case F_GETFD:
		ret = fd_is_cloexec(t, fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		ret = fd_set_cloexec(t, fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = f->flags & ~O_CLOEXEC;
		break;
	case F_SETFL:
		ret = 0; /* O_APPEND/O_NONBLOCK changes are not kept yet */
		break;
	default:
		ret = -EINVAL;
	}
	file_put(f);
	return ret;
}

/* Linux's struct termios (asm-generic/termbits.h), the kernel's layout. */
struct kernel_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

struct winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static bool is_tty(struct file *f)
{
	struct linux_stat st;

	return vfs_fstat(f, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR &&
	       (st.st_rdev == CONSOLE_RDEV || st.st_rdev >> 8 == TTY_MAJOR);
}

long sys_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	/* The console in cooked mode, as a fresh Linux tty: ICRNL|IXON,
	 * OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN
	 * |ECHOCTL|ECHOKE; ^C ^\ ^? ^U ^D. */
	static const struct kernel_termios tio = { 0x500,  0x5, 0xbf,
						   0x8a3b, 0,	{ 3, 28, 127, 21, 4, 0, 1 } };
	static const struct winsize ws = { 24, 80, 0, 0 };
	struct file *f = get_file(fd);
	long err = -ENOTTY;

	if (!f)
		return -EBADF;
	if (is_tty(f)) {
		if (cmd == TCGETS)
			err = copy_to_user(uptr(arg), &tio, sizeof(tio));
		else if (cmd == TIOCGWINSZ)
			err = copy_to_user(uptr(arg), &ws, sizeof(ws));
	}
	file_put(f);
	return err;
}

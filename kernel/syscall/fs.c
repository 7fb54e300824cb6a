/*
 * File system calls on data and metadata: read/write, their positioned
 * (pread64/pwrite64) and vector forms, open(at)/creat, close, lseek, the
 * stat family with statx, getdents64, sendfile, truncate, the fsync family and
 * statfs; plus the helpers the other files of the family share (fd and
 * path lookup, the *at start directory). Names are fs_path.c's business,
 * descriptors fs_fd.c's. Data passes
 * through a kernel bounce buffer of at most BOUNCE bytes per step (on the
 * stack for up to SMALL_RW); a
 * short count is returned when a later step fails after some bytes moved,
 * as Linux does. Paths are copied in with strncpy_from_user.
 * Locking: none of its own; fd_get takes the table's lock, the VFS its.
 */
#include "fs/dcache.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/resource.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"

#define BOUNCE 4096
#define SMALL_RW 256 /* bytes: a transfer this small bounces on the stack */
#define IOV_MAX 1024
#define MAX_RW 0x7ffff000ul /* Linux's MAX_RW_COUNT */

struct file *sys_file(int fd)
{
	return fd < 0 ? NULL : fd_get(proc_current()->fds, fd);
}

/* Move up to @count bytes between @f and user @buf; @write picks the way;
 * at *@off (advanced) when @off is given, else at the file's offset. */
static long rw(struct file *f, uptr_t buf, size_t count, bool write, int64_t *off)
{
	/* A pipe moves up to its whole ring per step, so one read returns
	 * what is there (not just the first BOUNCE bytes) and writes keep
	 * Linux's partial-write rules (fs/pipe.h). */
	bool pipe = S_ISFIFO(f->inode->mode);
	size_t bsize = MAX(MIN(count, pipe ? (size_t)PIPE_SIZE : (size_t)BOUNCE), (size_t)1);
	/* Small transfers (a byte to a pipe, a line to the terminal) bounce
	 * on the stack: a kmalloc and kfree per call were most of the cost
	 * of a 1-byte write (and a 4 KiB one comes from pmm). */
	uint8_t small[SMALL_RW];
	uint8_t *k = bsize <= sizeof(small) ? small : kmalloc(bsize);
	size_t done = 0;
	long err = 0;

	if (!k)
		return -ENOMEM;
	count = MIN(count, MAX_RW);
	while (done < count) {
		size_t n = MIN(count - done, bsize);
		ssize_t got;

		if (write && (err = copy_from_user(k, uptr_add(buf, done), n)))
			break;
		if (off)
			got = write ? vfs_pwrite(f, k, n, *off) : vfs_pread(f, k, n, *off);
		else
			got = write ? vfs_write(f, k, n) : vfs_read(f, k, n);
		if (got < 0) {
			err = got;
			break;
		}
		if (!write && (err = copy_to_user(uptr_add(buf, done), k, (size_t)got)))
			break;
		done += (size_t)got;
		if (off)
			*off += got;
		if ((size_t)got < n || (pipe && !write))
			break; /* end of file, a partial device read, a pipe read */
	}
	if (k != small)
		kfree(k);
	return done ? (long)done : err;
}

/* Files without a position (pipes, sockets, terminals): -ESPIPE for the
 * positioned calls, as Linux (no FMODE_PREAD/PWRITE). */
static bool is_stream(struct file *f)
{
	uint32_t type = f->inode->mode & S_IFMT;

	return type == S_IFIFO || type == S_IFSOCK || sys_is_tty(f);
}

static long rw_fd(int fd, uptr_t buf, size_t count, bool write, int64_t *off)
{
	struct file *f = sys_file(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (off && is_stream(f))
		ret = -ESPIPE;
	else if (off && (*off < 0 || (uint64_t)*off + MIN(count, MAX_RW) > (uint64_t)INT64_MAX))
		ret = -EINVAL; /* Linux's rw_verify_area: the end must not overflow */
	else if (count && !uptr_range_ok(buf, MIN(count, MAX_RW)))
		ret = -EFAULT;
	else
		ret = rw(f, buf, count, write, off);
	file_put(f);
	return ret;
}

long sys_read(int fd, uptr_t buf, size_t count)
{
	return rw_fd(fd, buf, count, false, NULL);
}

long sys_write(int fd, uptr_t buf, size_t count)
{
	return rw_fd(fd, buf, count, true, NULL);
}

long sys_pread64(int fd, uptr_t buf, size_t count, int64_t off)
{
	return rw_fd(fd, buf, count, false, &off);
}

long sys_pwrite64(int fd, uptr_t buf, size_t count, int64_t off)
{
	return rw_fd(fd, buf, count, true, &off);
}

/*
 * sendfile: up to @count bytes from @in_fd to @out_fd through the bounce
 * buffer. With @uoff the reads start at *@uoff, which is updated, and
 * in_fd's offset stays; without it they start at in_fd's offset, which
 * ends after the bytes written. A short write ends the call (the bytes
 * read but not written are given back to in_fd's offset). Linux's rules:
 * -EBADF for a wrong access mode, -EINVAL for O_APPEND output or a
 * negative offset, -ESPIPE for an offset on a stream.
 */
long sys_sendfile(int out_fd, int in_fd, uptr_t uoff, size_t count)
{
	struct file *in = sys_file(in_fd), *out = sys_file(out_fd);
	int64_t pos = 0, start;
	uint8_t *k = NULL;
	size_t done = 0;
	long err = 0;
	bool stream, has_off = !uptr_is_null(uoff);

	if (!in || !out) {
		err = -EBADF;
		goto out;
	}
	stream = is_stream(in);
	if ((in->flags & O_ACCMODE) == O_WRONLY || (out->flags & O_ACCMODE) == O_RDONLY)
		err = -EBADF;
	else if (out->flags & O_APPEND)
		err = -EINVAL;
	else if (has_off && stream)
		err = -ESPIPE;
	else if (has_off && copy_from_user(&pos, uoff, sizeof(pos)))
		err = -EFAULT;
	else if (pos < 0)
		err = -EINVAL;
	else if (!(k = kmalloc(BOUNCE)))
		err = -ENOMEM;
	if (err)
		goto out;
	if (!has_off && !stream) {
		mutex_lock(&in->pos_lock);
		pos = in->pos;
		mutex_unlock(&in->pos_lock);
	}
	start = pos;
	count = MIN(count, MAX_RW);
	while (done < count) {
		size_t n = MIN(count - done, (size_t)BOUNCE);
		ssize_t got = stream ? vfs_read(in, k, n) : vfs_pread(in, k, n, pos);
		ssize_t put;

		if (got <= 0) {
			err = got;
			break;
		}
		put = vfs_write(out, k, (size_t)got);
		if (put < 0) {
			err = put;
			break;
		}
		done += (size_t)put;
		pos += put;
		if (put < got || (size_t)got < n)
			break; /* the output is full, or the input ended */
	}
	if (has_off && done && copy_to_user(uoff, &pos, sizeof(pos)))
		err = -EFAULT;
	else if (!has_off && !stream) {
		mutex_lock(&in->pos_lock);
		in->pos = start + (int64_t)done;
		mutex_unlock(&in->pos_lock);
	}
out:
	kfree(k);
	file_put(in);
	file_put(out);
	return done && err != -EFAULT ? (long)done : err;
}

struct iovec_user {
	uint64_t base, len;
};

/*
 * readv of a pipe: one read of up to the pipe's size into a bounce buffer,
 * scattered over the vectors, so what is there fills them all and the
 * call never waits once some bytes came (a read per vector would block on
 * the second when the first took everything).
 */
static long pipe_readv(struct file *f, uptr_t iov, int iovcnt)
{
	struct iovec_user v;
	size_t want = 0, done = 0;
	uint8_t *k;
	long got;

	for (int i = 0; i < iovcnt && want < PIPE_SIZE; i++) {
		if (copy_from_user(&v, uptr_add(iov, i * sizeof(v)), sizeof(v)))
			return -EFAULT;
		if (v.len > MAX_RW)
			return -EINVAL;
		if (v.len && !uptr_range_ok(uptr(v.base), v.len))
			return -EFAULT;
		want += MIN(v.len, PIPE_SIZE - want);
	}
	if (!want)
		return 0;
	k = kmalloc(want);
	if (!k)
		return -ENOMEM;
	got = vfs_read(f, k, want);
	for (int i = 0; got > 0 && done < (size_t)got; i++) {
		size_t n;

		if (copy_from_user(&v, uptr_add(iov, i * sizeof(v)), sizeof(v)))
			break;
		n = MIN(v.len, (size_t)got - done);
		if (n && copy_to_user(uptr(v.base), k + done, n))
			break;
		done += n;
	}
	kfree(k);
	return got <= 0 ? got : done ? (long)done : -EFAULT;
}

static long rw_vec(int fd, uptr_t iov, int iovcnt, bool write)
{
	struct file *f;
	long total = 0, ret = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	f = sys_file(fd);
	if (!f)
		return -EBADF;
	if (!write && S_ISFIFO(f->inode->mode)) {
		ret = pipe_readv(f, iov, iovcnt);
		file_put(f);
		return ret;
	}
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
		ret = rw(f, uptr(v.base), v.len, write, NULL);
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

long sys_get_path(uptr_t path, char **out)
{
	char *k = kmalloc(SYS_PATH_MAX);
	ssize_t n;

	if (!k)
		return -ENOMEM;
	n = strncpy_from_user(k, path, SYS_PATH_MAX);
	if (n < 0) {
		kfree(k);
		return n;
	}
	*out = k;
	return n;
}

long sys_at_start(int dirfd, const char *path, struct vfs_path *out)
{
	struct file *f;
	long err = 0;

	if (path[0] == '/' || dirfd == AT_FDCWD) {
		proc_cwd_get(out);
		return 0;
	}
	f = sys_file(dirfd);
	if (!f)
		return -EBADF;
	if (!inode_is_dir(f->inode) && path[0]) { // "" with AT_EMPTY_PATH: the file
		err = -ENOTDIR;
	} else {
		*out = f->path;
		vfs_path_get(out);
	}
	file_put(f);
	return err;
}

long sys_at_path(int dirfd, uptr_t upath, bool empty_ok, char **path, struct vfs_path *start)
{
	long err = sys_get_path(upath, path);

	if (err < 0)
		return err;
	/* Linux's getname refuses "" before the descriptor is looked at. */
	err = !(*path)[0] && !empty_ok ? -ENOENT : sys_at_start(dirfd, *path, start);
	if (err)
		kfree(*path);
	return err;
}

long sys_openat(int dirfd, uptr_t upath, int flags, uint32_t mode)
{
	struct proc *p = proc_current();
	struct vfs_path start;
	struct file *f;
	char *path;
	long err;

	/* Linux 6.4+: "create a directory" is not what open does. */
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	err = sys_at_path(dirfd, upath, false, &path, &start);
	if (err)
		return err;
	err = path[0] ? vfs_open(&start, path, (unsigned int)flags & ~O_CLOEXEC,
				 mode & 07777 & ~p->umask, &f)
		      : -ENOENT;
	vfs_path_put(&start);
	kfree(path);
	if (err)
		return err;
	err = fd_install(p->fds, f, flags & O_CLOEXEC);
	if (err < 0) {
		file_put(f);
	} else if ((uint64_t)err >= sys_rlimit_cur(RLIMIT_NOFILE)) {
		int closed = fd_close(p->fds, (int)err); // over the soft limit

		err = closed ? closed : -EMFILE;
	}
	return err;
}

long sys_creat(uptr_t path, uint32_t mode)
{
	return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
	return fd < 0 ? -EBADF : fd_close(proc_current()->fds, fd);
}

long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = sys_file(fd);
	int64_t ret;

	if (!f)
		return -EBADF;
	ret = is_stream(f) ? -ESPIPE : vfs_lseek(f, off, whence); // Linux's no_llseek
	file_put(f);
	return ret;
}

long sys_fstat(int fd, uptr_t ust)
{
	struct file *f = sys_file(fd);
	struct linux_stat st;
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fstat(f, &st);
	file_put(f);
	return err ? err : copy_to_user(ust, &st, sizeof(st));
}

/* The inode @dirfd/@upath names (AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW),
 * stat-filled into *@st. */
static long stat_at(int dirfd, uptr_t upath, int flags, struct linux_stat *st)
{
	struct vfs_path start;
	char *path;
	long err = sys_at_path(dirfd, upath, flags & AT_EMPTY_PATH, &path, &start);

	if (err)
		return err;
	if (path[0])
		err = (flags & AT_SYMLINK_NOFOLLOW) ? vfs_lstat(&start, path, st)
						    : vfs_stat(&start, path, st);
	else if (flags & AT_EMPTY_PATH)
		inode_fill_stat(dentry_inode(start.dentry), st);
	else
		err = -ENOENT;
	vfs_path_put(&start);
	kfree(path);
	return err;
}

long sys_newfstatat(int dirfd, uptr_t upath, uptr_t ust, int flags)
{
	struct linux_stat st;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	err = stat_at(dirfd, upath, flags, &st);
	return err ? err : copy_to_user(ust, &st, sizeof(st));
}

/* Linux's dev_t split (include/linux/kdev_t.h, the user encoding). */
static uint32_t dev_major(uint64_t d)
{
	return (uint32_t)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffull));
}

static uint32_t dev_minor(uint64_t d)
{
	return (uint32_t)((d & 0xff) | ((d >> 12) & ~0xffull));
}

static struct linux_statx_timestamp stx_time(uint64_t sec, uint64_t nsec)
{
	return (struct linux_statx_timestamp){ .tv_sec = (int64_t)sec, .tv_nsec = (uint32_t)nsec };
}

long sys_statx(int dirfd, uptr_t upath, int flags, unsigned int mask, uptr_t ubuf)
{
	struct linux_statx sx;
	struct linux_stat st;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & LINUX_STATX__RESERVED))
		return -EINVAL;
	err = stat_at(dirfd, upath, flags, &st);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = LINUX_STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime = stx_time(st.st_atime_sec, st.st_atime_nsec);
	sx.stx_mtime = stx_time(st.st_mtime_sec, st.st_mtime_nsec);
	sx.stx_ctime = stx_time(st.st_ctime_sec, st.st_ctime_nsec);
	sx.stx_rdev_major = dev_major(st.st_rdev);
	sx.stx_rdev_minor = dev_minor(st.st_rdev);
	sx.stx_dev_major = dev_major(st.st_dev);
	sx.stx_dev_minor = dev_minor(st.st_dev);
	return copy_to_user(ubuf, &sx, sizeof(sx));
}

long sys_getdents64(int fd, uptr_t buf, size_t count)
{
	struct file *f = sys_file(fd);
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

long sys_truncate(uptr_t upath, int64_t len)
{
	struct vfs_path start;
	char *path;
	long err = sys_at_path(AT_FDCWD, upath, false, &path, &start);

	if (err)
		return err;
	err = path[0] ? vfs_truncate(&start, path, len) : -ENOENT;
	vfs_path_put(&start);
	kfree(path);
	return err;
}

long sys_ftruncate(int fd, int64_t len)
{
	struct file *f = sys_file(fd);
	long err;

	if (!f)
		return -EBADF;
	if (len < 0)
		err = -EINVAL;
	else if (inode_is_dir(f->inode) || !S_ISREG(f->inode->mode))
		err = -EINVAL; // Linux: not a regular file (a directory too)
	else
		err = vfs_ftruncate(f, len);
	file_put(f);
	return err;
}

long sys_fsync(int fd)
{
	struct file *f = sys_file(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fsync(f);
	file_put(f);
	return err;
}

long sys_sync(void)
{
	int err = vfs_sync();

	(void)err; // sync(2) cannot fail: errors show at the next fsync
	return 0;
}

long sys_statfs(uptr_t upath, uptr_t ubuf)
{
	struct linux_statfs st;
	struct vfs_path start;
	char *path;
	long err = sys_at_path(AT_FDCWD, upath, false, &path, &start);

	if (err)
		return err;
	err = path[0] ? vfs_statfs(&start, path, &st) : -ENOENT;
	vfs_path_put(&start);
	kfree(path);
	return err ? err : copy_to_user(ubuf, &st, sizeof(st));
}

long sys_fstatfs(int fd, uptr_t ubuf)
{
	struct linux_statfs st;
	struct file *f = sys_file(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_statfs_path(&f->path, &st);
	file_put(f);
	return err ? err : copy_to_user(ubuf, &st, sizeof(st));
}

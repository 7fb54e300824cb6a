/*
 * Pipe system calls: pipe, pipe2 (O_CLOEXEC, O_NONBLOCK) and mknod/
 * mknodat for regular files and FIFOs, with Linux's argument rules
 * (fs/pipe.c do_pipe2, fs/namei.c may_mknod; pipe(2), mknod(2)).
 * Device nodes (S_IFCHR, S_IFBLK) and sockets are -EPERM: Corvid's
 * devices live in devfs only (Linux gives an unprivileged caller the same
 * errno). Locking: none of its own.
 */
#include "fs/pipe.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/resource.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"

#define PIPE2_O_DIRECT 040000 // packet mode: not supported (-EINVAL)

/* Install @f at the lowest free descriptor under RLIMIT_NOFILE; on
 * failure the reference is dropped. */
static int install(struct file *f, bool cloexec)
{
	struct fd_table *t = proc_current()->fds;
	int fd = fd_install(t, f, cloexec);

	if (fd < 0) {
		file_put(f);
		return fd;
	}
	if ((uint64_t)fd >= sys_rlimit_cur(RLIMIT_NOFILE)) {
		(void)!fd_close(t, fd);
		return -EMFILE;
	}
	return fd;
}

long sys_pipe2(uptr_t ufds, int flags)
{
	struct fd_table *t = proc_current()->fds;
	bool cloexec = (flags & O_CLOEXEC) != 0;
	struct file *rd, *wr;
	int fds[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	err = pipe_create((unsigned int)flags, &rd, &wr);
	if (err)
		return err;
	fds[0] = install(rd, cloexec);
	if (fds[0] < 0) {
		file_put(wr);
		return fds[0];
	}
	fds[1] = install(wr, cloexec);
	if (fds[1] < 0) {
		(void)!fd_close(t, fds[0]);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		(void)!fd_close(t, fds[0]); // no descriptors leak on -EFAULT
		(void)!fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_mknodat(int dirfd, uptr_t upath, uint32_t mode, unsigned int dev)
{
	struct vfs_path start;
	char *path;
	long err;

	(void)dev; // only for device nodes
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFIFO:
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFSOCK:
	case S_IFDIR: // Linux's may_mknod: mkdir is the way
		return -EPERM;
	default:
		return -EINVAL;
	}
	err = sys_at_path(dirfd, upath, false, &path, &start);
	if (err)
		return err;
	err = vfs_mknod(&start, path,
			(mode & S_IFMT) | (mode & S_MODE_PERM & ~proc_current()->umask));
	vfs_path_put(&start);
	kfree(path);
	return err;
}

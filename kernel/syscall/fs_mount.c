/*
 * mount(2) and umount2(2) onto the VFS's mount table (fs/mount.h), as
 * the kernel shell's mount and umount do: a new mount of @type from
 * @source (a block device as "vdb" or "/dev/vdb", or any name for a
 * filesystem without one) on a directory, and the unmount of a mount's
 * root. Linux's argument rules (fs/namespace.c, mount(2), umount(2)):
 * remounts, bind and move mounts and propagation changes are not
 * supported (-EINVAL); the per-mount flags (nosuid, noexec, ...) are
 * accepted and have no effect, everyone being root. Also syslog(2),
 * the kernel log for dmesg.
 * Locking: none of its own (the mount table's, in fs/mount.c).
 */
#include "core/log.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "syscall/syscall_internal.h"

/* Linux include/uapi/linux/mount.h */
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_UNBINDABLE (1 << 17)
#define MS_PRIVATE (1 << 18)
#define MS_SLAVE (1 << 19)
#define MS_SHARED (1 << 20)
#define MS_UNSUPPORTED \
	(MS_REMOUNT | MS_BIND | MS_MOVE | MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED)
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8
#define TYPE_MAX 64   // a type name is shorter (Linux copies at most a page)
#define OPTS_MAX 4096 // a page, as Linux's copy_mount_options
#define DEV_PREFIX "/dev/"
#define SOURCE_MAX 64 // then cut to the mount table's field (fs/mount.h)

/* Copy the optional user string @u (NULL: none) of at most @max bytes. */
static long get_string(uptr_t u, size_t max, char **out)
{
	ssize_t n;

	*out = NULL;
	if (uptr_is_null(u))
		return 0;
	*out = kmalloc(max);
	if (!*out)
		return -ENOMEM;
	n = strncpy_from_user(*out, u, max);
	if (n == -ENAMETOOLONG && max == OPTS_MAX)
		n = 0; // options: Linux takes the first page
	return n < 0 ? n : 0;
}

/* The place @upath names, relative to the working directory. */
static long resolve(uptr_t upath, unsigned int walk, struct vfs_path *out)
{
	char *path;
	struct vfs_path start;
	long err = sys_at_path(AT_FDCWD, upath, false, &path, &start);

	if (err)
		return err;
	err = path[0] ? vfs_walk(&start, path, walk, out) : -ENOENT;
	vfs_path_put(&start);
	kfree(path);
	return err;
}

long sys_mount(uptr_t usource, uptr_t utarget, uptr_t utype, unsigned long flags, uptr_t udata)
{
	char *source = NULL, *type = NULL, *opts = NULL;
	const char *dev;
	struct vfs_path at;
	long err;

	if (flags & MS_UNSUPPORTED)
		return -EINVAL;
	err = get_string(utype, TYPE_MAX, &type);
	if (!err && !type)
		err = -EINVAL; // a new mount needs its type
	if (!err)
		err = get_string(usource, SOURCE_MAX, &source);
	if (!err)
		err = get_string(udata, OPTS_MAX, &opts);
	if (!err)
		err = resolve(utarget, WALK_FOLLOW | WALK_DIRECTORY, &at);
	if (err)
		goto out;
	dev = source;
	if (dev && !strncmp(dev, DEV_PREFIX, strlen(DEV_PREFIX)))
		dev += strlen(DEV_PREFIX);
	if (dev && strlen(dev) >= sizeof(((struct mount *)0)->source)) {
		vfs_path_put(&at);
		err = -ENAMETOOLONG;
		goto out;
	}
	err = vfs_mount_at(&at, type, dev && *dev ? dev : NULL, opts && *opts ? opts : NULL);
	vfs_path_put(&at);
	if (err == -ENXIO)
		err = -ENOTBLK; // not a block device we know, as Linux's lookup_bdev
out:
	kfree(source);
	kfree(type);
	kfree(opts);
	return err;
}

long sys_umount2(uptr_t utarget, int flags)
{
	struct vfs_path at;
	long err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	err = resolve(utarget, (flags & UMOUNT_NOFOLLOW) ? 0 : WALK_FOLLOW, &at);
	if (err)
		return err;
	return vfs_umount(&at); // drops at's references
}

/* syslog(2) actions (Linux include/linux/syslog.h). */
enum {
	SYSLOG_ACTION_CLOSE = 0,
	SYSLOG_ACTION_OPEN = 1,
	SYSLOG_ACTION_READ = 2,
	SYSLOG_ACTION_READ_ALL = 3,
	SYSLOG_ACTION_READ_CLEAR = 4,
	SYSLOG_ACTION_CLEAR = 5,
	SYSLOG_ACTION_CONSOLE_OFF = 6,
	SYSLOG_ACTION_CONSOLE_ON = 7,
	SYSLOG_ACTION_CONSOLE_LEVEL = 8,
	SYSLOG_ACTION_SIZE_UNREAD = 9,
	SYSLOG_ACTION_SIZE_BUFFER = 10,
};
#define LOG_KEPT (16 * 1024) // log_buffer_read's window (core/log.h)
#define LOG_CHUNK 512

/* Bytes of kept log text now. */
static size_t log_length(char *chunk)
{
	size_t len = 0, n;

	while ((n = log_buffer_read(len, chunk, LOG_CHUNK)))
		len += n;
	return len;
}

/* Copy the newest whole lines of the kept log text that fit in @len
 * bytes, oldest first, to @ubuf (Linux's syslog_print_all). */
static long syslog_read_all(uptr_t ubuf, int len)
{
	char *chunk = kmalloc(LOG_CHUNK);
	size_t total, off, done = 0, n;

	if (!chunk)
		return -ENOMEM;
	total = log_length(chunk);
	off = total > (size_t)len ? total - (size_t)len : 0;
	if (off) { // start after the line cut at @off
		char c = 0;

		while (off < total && log_buffer_read(off - 1, &c, 1) == 1 && c != '\n')
			off++;
	}
	while (off + done < total && (n = log_buffer_read(off + done, chunk, LOG_CHUNK))) {
		if (n > total - off - done)
			n = total - off - done;
		if (copy_to_user(uptr_add(ubuf, done), chunk, n)) {
			kfree(chunk);
			return -EFAULT;
		}
		done += n;
	}
	kfree(chunk);
	return (long)done;
}

/* READ_ALL and SIZE_BUFFER serve dmesg; the console controls are
 * accepted and change nothing; READ (a blocking reader of new text) and
 * CLEAR are not supported (-EINVAL: the kept text is all there is). */
long sys_syslog(int type, uptr_t ubuf, int len)
{
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return len < 1 || len > 8 ? -EINVAL : 0;
	case SYSLOG_ACTION_READ_ALL:
		if (len < 0)
			return -EINVAL;
		if (!len)
			return 0;
		if (!uptr_range_ok(ubuf, (size_t)len))
			return -EFAULT;
		return syslog_read_all(ubuf, len);
	case SYSLOG_ACTION_SIZE_UNREAD:
		return 0;
	case SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_KEPT;
	default:
		return -EINVAL;
	}
}

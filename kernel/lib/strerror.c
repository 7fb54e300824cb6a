/*
 * The errno-to-message table behind kstrerror(). Only the values the
 * kernel returns have entries; the wording is glibc's (checked by
 * tests/unit/strerror_test.c against the host's strerror()).
 * Pure: host-testable.
 */
#include "lib/strerror.h"

#include <stddef.h>

#include "include/uapi/errno.h"

static const char *const messages[] = {
	[EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory",
	[ESRCH] = "No such process",
	[EINTR] = "Interrupted system call",
	[EIO] = "Input/output error",
	[ENXIO] = "No such device or address",
	[E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error",
	[EBADF] = "Bad file descriptor",
	[ECHILD] = "No child processes",
	[EAGAIN] = "Resource temporarily unavailable",
	[ENOMEM] = "Cannot allocate memory",
	[EACCES] = "Permission denied",
	[EFAULT] = "Bad address",
	[EBUSY] = "Device or resource busy",
	[EEXIST] = "File exists",
	[EXDEV] = "Invalid cross-device link",
	[ENODEV] = "No such device",
	[ENOTDIR] = "Not a directory",
	[EISDIR] = "Is a directory",
	[EINVAL] = "Invalid argument",
	[ENFILE] = "Too many open files in system",
	[EMFILE] = "Too many open files",
	[ENOTTY] = "Inappropriate ioctl for device",
	[EFBIG] = "File too large",
	[ENOSPC] = "No space left on device",
	[ESPIPE] = "Illegal seek",
	[EPIPE] = "Broken pipe",
	[EDEADLK] = "Resource deadlock avoided",
	[EROFS] = "Read-only file system",
	[EMLINK] = "Too many links",
	[ERANGE] = "Numerical result out of range",
	[ENAMETOOLONG] = "File name too long",
	[ENOSYS] = "Function not implemented",
	[ENOTEMPTY] = "Directory not empty",
	[ELOOP] = "Too many levels of symbolic links",
	[EOVERFLOW] = "Value too large for defined data type",
	[EOPNOTSUPP] = "Operation not supported",
	[ETIMEDOUT] = "Connection timed out",
	[EUCLEAN] = "Structure needs cleaning",
};

const char *kstrerror(int err)
{
	unsigned int n = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

	if (n < sizeof(messages) / sizeof(messages[0]) && messages[n])
		return messages[n];
	return "Unknown error";
}

/*
 * Output helpers of the differential test programs (ufiles, uinfo): one
 * line per observation, "what" padded to a column, then the value or the
 * errno's name, so the program's output on Corvid and on the host's Linux
 * can be compared line by line (tests/qemu/userprog.py).
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* The errno's name (the ones these programs meet), else "errno N". */
static inline const char *ename(int e)
{
	static const char *const names[] = {
		[EPERM] = "EPERM",   [ENOENT] = "ENOENT",	[ESRCH] = "ESRCH",
		[EBADF] = "EBADF",   [EAGAIN] = "EAGAIN",	[EACCES] = "EACCES",
		[EFAULT] = "EFAULT", [EBUSY] = "EBUSY",		[EEXIST] = "EEXIST",
		[EXDEV] = "EXDEV",   [ENOTDIR] = "ENOTDIR",	[EISDIR] = "EISDIR",
		[EINVAL] = "EINVAL", [EMFILE] = "EMFILE",	[ENOTTY] = "ENOTTY",
		[EFBIG] = "EFBIG",   [ENOSPC] = "ENOSPC",	[ESPIPE] = "ESPIPE",
		[EROFS] = "EROFS",   [EMLINK] = "EMLINK",	[ERANGE] = "ERANGE",
		[ENAMETOOLONG] = "ENAMETOOLONG", [ENOSYS] = "ENOSYS",
		[ENOTEMPTY] = "ENOTEMPTY",	 [ELOOP] = "ELOOP",
		[EOPNOTSUPP] = "EOPNOTSUPP",
	};
	static char other[16];

	if (e > 0 && e < (int)(sizeof(names) / sizeof(names[0])) && names[e])
		return names[e];
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* "ok" or the errno's name. */
static inline void ok(const char *what, long r)
{
	printf("%-44s %s\n", what, r < 0 ? ename(errno) : "ok");
}

/* The value or the errno's name. */
static inline void val(const char *what, long r)
{
	if (r < 0)
		printf("%-44s %s\n", what, ename(errno));
	else
		printf("%-44s %ld\n", what, r);
}

/* @what, then printf(@fmt, ...). */
static inline void say(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void say(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%-44s ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

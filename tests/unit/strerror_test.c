/*
 * Host tests of lib/strerror.c: every message in the table matches the
 * host glibc's strerror() for the same Linux errno, and values without an
 * entry (0, negative, huge) give "Unknown error".
 */
#include <string.h>

#include "include/uapi/errno.h"
#include "lib/strerror.h"
#include "unit.h"

static const int tabled[] = {
	EPERM,	ENOENT, EINTR,	      EIO,     ENXIO,	  E2BIG,   EBADF,     EAGAIN,
	ENOMEM, EACCES, EFAULT,	      EBUSY,   EEXIST,	  EXDEV,   ENODEV,    ENOTDIR,
	EISDIR, EINVAL, ENFILE,	      EMFILE,  EFBIG,	  ENOSPC,  ESPIPE,    EROFS,
	EMLINK, ERANGE, ENAMETOOLONG, ENOSYS,  ENOTEMPTY, ELOOP,   EOVERFLOW, EOPNOTSUPP,
	ESRCH,	ECHILD, EPIPE,	      EDEADLK, ETIMEDOUT, EUCLEAN,
};

TEST(matches_glibc)
{
	for (size_t i = 0; i < sizeof(tabled) / sizeof(tabled[0]); i++) {
		CHECK_STR_EQ(kstrerror(tabled[i]), strerror(tabled[i]));
		CHECK_STR_EQ(kstrerror(-tabled[i]), strerror(tabled[i]));
	}
}

TEST(unknown_values)
{
	CHECK_STR_EQ(kstrerror(0), "Unknown error");
	CHECK_STR_EQ(kstrerror(ENOTBLK), "Unknown error");
	CHECK_STR_EQ(kstrerror(100000), "Unknown error");
	CHECK_STR_EQ(kstrerror(-2147483647 - 1), "Unknown error");
}

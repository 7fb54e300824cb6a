/*
 * User-copy routines (mm/usercopy.h): range checks against the user half,
 * then the arch routines whose faults the exception table recovers
 * (arch/x86_64/usercopy.S). Nothing else in the kernel unwraps a uptr_t.
 * Locking: none; the caller must hold no spinlock (a fault may allocate).
 */
#include "mm/usercopy.h"

#include "arch/arch.h"
#include "include/uapi/errno.h"

size_t arch_copy_user(void *dst, const void *src, size_t n);
long arch_strncpy_user(char *dst, const char *src, size_t n);

bool uptr_range_ok(uptr_t u, size_t n)
{
	return u.addr_ < USER_END && n <= USER_END - u.addr_;
}

int copy_from_user(void *dst, uptr_t src, size_t n)
{
	if (!uptr_range_ok(src, n))
		return -EFAULT;
	return arch_copy_user(dst, (const void *)src.addr_, n) ? -EFAULT : 0;
}

int copy_to_user(uptr_t dst, const void *src, size_t n)
{
	if (!uptr_range_ok(dst, n))
		return -EFAULT;
	return arch_copy_user((void *)dst.addr_, src, n) ? -EFAULT : 0;
}

ssize_t strncpy_from_user(char *dst, uptr_t src, size_t n)
{
	size_t max = n;
	long len;

	if (n == 0)
		return -ENAMETOOLONG;
	if (src.addr_ >= USER_END)
		return -EFAULT;
	if (max > USER_END - src.addr_)
		max = USER_END - src.addr_; /* the rest would be kernel half */
	len = arch_strncpy_user(dst, (const char *)src.addr_, max);
	if (len < 0)
		return -EFAULT;
	if ((size_t)len == max) {
		dst[n - 1] = '\0';
		return max < n ? -EFAULT : -ENAMETOOLONG;
	}
	return len;
}

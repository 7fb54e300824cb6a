/*
 * User-copy routines (mm/usercopy.h): range checks against the user half,
 * then the arch routines whose faults the exception table recovers
 * (arch/x86_64/usercopy.S). A fault the trap-time handler could not
 * resolve because it runs with interrupts off (the first touch of a file
 * mapping's page, whose read sleeps) is retried here, in the caller's
 * context. Nothing else in the kernel unwraps a uptr_t.
 * Locking: none; the caller must hold no spinlock (a fault may allocate
 * or read a file).
 */
#include "mm/usercopy.h"

#include "arch/arch.h"
#include "include/uapi/errno.h"
#include "proc/proc.h"

/* Retries of one address before giving up (another CPU may keep
 * unmapping it; each retry that maps the page makes progress). */
#define FAULT_RETRIES 3

size_t arch_copy_user(void *dst, const void *src, size_t n);
long arch_strncpy_user(char *dst, const char *src, size_t n);
long arch_cmpxchg_user32(uint32_t *uaddr, uint32_t old, uint32_t new);

bool uptr_range_ok(uptr_t u, size_t n)
{
	return u.addr_ < USER_END && n <= USER_END - u.addr_;
}

/* A fault at @at that the trap-time handler left: resolve it here, unless
 * the same address has failed FAULT_RETRIES times in a row. */
static bool resolve_fault(uintptr_t at, bool write, uintptr_t *last, int *tries)
{
	*tries = at == *last ? *tries + 1 : 0;
	*last = at;
	return *tries < FAULT_RETRIES && arch_irqs_enabled() && proc_mm_fault(at, write, false);
}

/*
 * Copy @n bytes; @user is the user side's address (@dst when @write).
 * After a fault at the first byte not copied (rep movsb stops exactly
 * there), resolve it as a user page fault from here, where sleeping is
 * allowed, and go on from that byte.
 */
static int copy_user(char *dst, const char *src, size_t n, uintptr_t user, bool write)
{
	uintptr_t last = 0;
	int tries = 0;

	while (n) {
		size_t left = arch_copy_user(dst, src, n), done = n - left;

		if (!left)
			return 0;
		dst += done;
		src += done;
		user += done;
		n = left;
		if (!resolve_fault(user, write, &last, &tries))
			return -EFAULT;
	}
	return 0;
}

int copy_from_user(void *dst, uptr_t src, size_t n)
{
	if (!uptr_range_ok(src, n))
		return -EFAULT;
	return copy_user(dst, (const char *)src.addr_, n, src.addr_, false);
}

int copy_to_user(uptr_t dst, const void *src, size_t n)
{
	if (!uptr_range_ok(dst, n))
		return -EFAULT;
	return copy_user((char *)dst.addr_, src, n, dst.addr_, true);
}

/* Page by page, so that a fault is known to be in the page it started
 * in (arch_strncpy_user does not say where it faulted). */
ssize_t strncpy_from_user(char *dst, uptr_t src, size_t n)
{
	size_t max = n, done = 0;
	uintptr_t last = 0;
	int tries = 0;

	if (n == 0)
		return -ENAMETOOLONG;
	if (src.addr_ >= USER_END)
		return -EFAULT;
	if (max > USER_END - src.addr_)
		max = USER_END - src.addr_; /* the rest would be kernel half */
	while (done < max) {
		uintptr_t at = src.addr_ + done;
		size_t chunk = MIN(max - done, PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		long len = arch_strncpy_user(dst + done, (const char *)at, chunk);

		if (len < 0) {
			if (!resolve_fault(at, false, &last, &tries))
				return -EFAULT;
			continue;
		}
		if ((size_t)len < chunk)
			return (ssize_t)(done + (size_t)len); /* the NUL */
		done += chunk;
	}
	dst[n - 1] = '\0';
	return max < n ? -EFAULT : -ENAMETOOLONG;
}

int cmpxchg_user_u32(uptr_t u, uint32_t old, uint32_t new, uint32_t *found)
{
	uintptr_t last = 0;
	int tries = 0;

	if (u.addr_ & 3)
		return -EINVAL;
	if (!uptr_range_ok(u, sizeof(uint32_t)))
		return -EFAULT;
	for (;;) {
		long v = arch_cmpxchg_user32((uint32_t *)u.addr_, old, new);

		if (v >= 0) {
			*found = (uint32_t)v;
			return 0;
		}
		if (!resolve_fault(u.addr_, true, &last, &tries))
			return -EFAULT;
	}
}

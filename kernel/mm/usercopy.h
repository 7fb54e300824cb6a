/*
 * Reaching user memory: the only way the kernel reads or writes it.
 * A user pointer is an opaque uptr_t (STYLE.md "Errors"), made from a
 * system-call argument with uptr() and unwrapped only in mm/usercopy.c.
 * A range that is not entirely in the user half gives -EFAULT without
 * being touched; a fault inside it (unmapped, or a protection the page
 * fault handler cannot resolve) is caught through the exception table and
 * gives -EFAULT too. All may sleep (a fault can allocate a page).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"
#include "include/types.h"

typedef struct {
	uintptr_t addr_; /* only mm/usercopy.c reads this */
} uptr_t;

static inline uptr_t uptr(unsigned long addr)
{
	return (uptr_t){ addr };
}

/* @u advanced by @off bytes (no check: the copy checks). */
static inline uptr_t uptr_add(uptr_t u, size_t off)
{
	return (uptr_t){ u.addr_ + off };
}

static inline bool uptr_is_null(uptr_t u)
{
	return u.addr_ == 0;
}

/* Copy @n bytes from user @src to @dst. Returns 0 or -EFAULT (then @dst
 * may be partly written). */
int copy_from_user(void *dst, uptr_t src, size_t n) __must_check;

/* Copy @n bytes from @src to user @dst. Returns 0 or -EFAULT. */
int copy_to_user(uptr_t dst, const void *src, size_t n) __must_check;

/* Copy a NUL-terminated string of at most @n - 1 characters from user @src
 * into @dst (always terminated when @n > 0). Returns its length, or
 * -EFAULT, or -ENAMETOOLONG when no NUL is found in @n bytes. */
ssize_t strncpy_from_user(char *dst, uptr_t src, size_t n) __must_check;

/* Is [@u, @u + @n) inside the user half (no overflow)? */
bool uptr_range_ok(uptr_t u, size_t n);

/* Atomically replace the aligned 32-bit user word at @u with @new if it
 * holds @old; the value found goes to *@found. Returns 0 or -EFAULT
 * (-EINVAL: not 4-byte aligned). For futexes. May sleep (faults). */
int cmpxchg_user_u32(uptr_t u, uint32_t old, uint32_t new, uint32_t *found) __must_check;

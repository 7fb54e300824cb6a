/*
 * Freestanding string and memory functions with the standard C names (GCC
 * emits calls to memcpy, memmove, memset and memcmp on its own, so those must
 * exist under exactly these names), BSD strlcpy/strlcat, and strict number
 * parsing (kstrtoull/kstrtoll). All functions are reentrant, take no locks,
 * never sleep and are safe in any context, interrupt handlers included.
 * Host unit tests rename the libc names via tests/unit/host_rename.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "include/compiler.h"

/* Copy @n bytes from @src to @dst; the areas must not overlap. Returns @dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);

/* Copy @n bytes from @src to @dst; the areas may overlap. Returns @dst. */
void *memmove(void *dst, const void *src, size_t n);

/* Fill @n bytes at @dst with (unsigned char)@c. Returns @dst. */
void *memset(void *dst, int c, size_t n);

/* Compare @n bytes as unsigned char. Returns <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n);

/*
 * -ffreestanding turns GCC's builtins off, so even a fixed 8-byte memcpy
 * became a call. Through these names it inlines copies, fills and
 * compares of small known sizes and calls the functions above for the
 * rest (as Linux does). Not in lib/string.c itself, nor in host unit
 * tests (host_rename.h has already claimed the names there).
 */
#if !defined(LIB_STRING_IMPL) && !defined(memcpy)
#define memcpy(d, s, n) __builtin_memcpy(d, s, n)
#define memset(d, c, n) __builtin_memset(d, c, n)
#define memcmp(a, b, n) __builtin_memcmp(a, b, n)
#endif

/* First byte equal to (unsigned char)@c in the @n bytes at @s, or NULL. */
void *memchr(const void *s, int c, size_t n);

/* Length of @s, not counting the terminating NUL. */
size_t strlen(const char *s);

/* strlen(@s), but reads at most @max bytes and returns at most @max. */
size_t strnlen(const char *s, size_t max);

/* Compare NUL-terminated strings as unsigned char. Returns <0, 0 or >0. */
int strcmp(const char *a, const char *b);

/* strcmp() looking at no more than @n bytes of either string. */
int strncmp(const char *a, const char *b, size_t n);

/* First (strchr) or last (strrchr) occurrence of (char)@c in @s, or NULL.
 * @c == '\0' finds the terminator. */
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/* First occurrence of @needle in @haystack, or NULL; "" matches at once. */
char *strstr(const char *haystack, const char *needle);

/*
 * BSD strlcpy: copy @src into @dst of @size bytes, truncating, and
 * NUL-terminate unless @size is 0. Returns strlen(@src); a result >= @size
 * means the copy was truncated.
 */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

/*
 * BSD strlcat: append @src to the string in @dst of @size bytes, truncating,
 * NUL-terminated unless @dst had no NUL in its first @size bytes. Returns
 * strnlen(@dst, @size) + strlen(@src); a result >= @size means truncation.
 */
size_t strlcat(char *restrict dst, const char *restrict src, size_t size);

/* True when @s starts with one of the @n strings in @prefixes, or @n is 0
 * (no filter): the name matching of `test PREFIX...` and `bench NAME...`. */
bool str_has_any_prefix(const char *s, const char *const *prefixes, int n);

/*
 * Parse all of @s as an unsigned number in @base (2..36, or 0 to take 16
 * after a "0x"/"0X" prefix, 8 after a leading "0", else 10; base 16 also
 * accepts a "0x" prefix). One leading '+' is allowed; no spaces, no '-',
 * nothing after the digits. Returns 0 and sets *@out, -EINVAL if @s is empty,
 * malformed or @base is invalid, or -ERANGE if the value does not fit.
 * *@out is left untouched on error.
 */
int kstrtoull(const char *s, unsigned int base, unsigned long long *out) __must_check;

/* kstrtoull() for a signed value: one leading '+' or '-' is allowed.
 * -ERANGE outside [LLONG_MIN, LLONG_MAX]. */
int kstrtoll(const char *s, unsigned int base, long long *out) __must_check;

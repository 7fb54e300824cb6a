/*
 * Memory and string functions for the kernel (see lib/string.h). The mem*
 * functions move a 64-bit word at a time once the destination is aligned;
 * the str* functions go byte by byte so they never read past a terminator.
 * Pure: host-testable. The unit tests build this file with the libc names
 * renamed (tests/unit/host_rename.h) and compare it with glibc.
 */
#define LIB_STRING_IMPL // the real functions, not lib/string.h's builtins
#include <stdbool.h>
#include <stdint.h>

#include "include/uapi/errno.h"
#include "lib/ctype.h"
#include "lib/string.h"

/*
 * A 64-bit word that may sit at any address and alias any object: GCC emits
 * plain (unaligned-capable) moves on x86 and byte accesses where it must.
 */
typedef uint64_t __attribute__((may_alias, aligned(1))) uword_t;

#define WSIZE sizeof(uword_t)
#define ONES 0x0101010101010101ull  // 0x01 in every byte
#define HIGHS 0x8080808080808080ull // 0x80 in every byte

/*
 * GCC turns simple copy and fill loops into calls to memcpy and memset
 * (-ftree-loop-distribute-patterns), which inside memcpy and memset is
 * endless recursion. glibc disables that per function the same way. Clang
 * does not know the option, so the attribute is GCC-only.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL
#endif

static inline bool is_word_aligned(const void *p)
{
	return ((uintptr_t)p & (WSIZE - 1)) == 0;
}

/* Copy low to high addresses: correct for any overlap with dst <= src. */
static NO_LIBCALL void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	while (n && !is_word_aligned(d)) {
		*d++ = *s++;
		n--;
	}
	for (; n >= 4 * WSIZE; n -= 4 * WSIZE, d += 4 * WSIZE, s += 4 * WSIZE) {
		uint64_t w0 = ((const uword_t *)s)[0];
		uint64_t w1 = ((const uword_t *)s)[1];
		uint64_t w2 = ((const uword_t *)s)[2];
		uint64_t w3 = ((const uword_t *)s)[3];

		((uword_t *)d)[0] = w0;
		((uword_t *)d)[1] = w1;
		((uword_t *)d)[2] = w2;
		((uword_t *)d)[3] = w3;
	}
	for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
		*(uword_t *)d = *(const uword_t *)s;
	while (n--)
		*d++ = *s++;
}

/* Copy high to low addresses: correct for any overlap with dst > src. */
static NO_LIBCALL void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	while (n && !is_word_aligned(d)) {
		*--d = *--s;
		n--;
	}
	for (; n >= WSIZE; n -= WSIZE) {
		d -= WSIZE;
		s -= WSIZE;
		*(uword_t *)d = *(const uword_t *)s;
	}
	while (n--)
		*--d = *--s;
}

NO_LIBCALL void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	/* Integer compare: the two pointers may be in different objects. */
	if ((uintptr_t)dst <= (uintptr_t)src)
		copy_forward(dst, src, n);
	else
		copy_backward(dst, src, n);
	return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t pattern = ONES * (unsigned char)c;

	while (n && !is_word_aligned(d)) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= WSIZE; n -= WSIZE, d += WSIZE)
		*(uword_t *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	/* Skip equal words; the byte loop then finds the first difference. */
	while (n >= WSIZE && *(const uword_t *)p == *(const uword_t *)q) {
		p += WSIZE;
		q += WSIZE;
		n -= WSIZE;
	}
	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	uint64_t pattern = ONES * (unsigned char)c;

	/* Skip words with no byte equal to c (the classic has-zero test). */
	while (n >= WSIZE) {
		uint64_t x = *(const uword_t *)p ^ pattern;

		if ((x - ONES) & ~x & HIGHS)
			break;
		p += WSIZE;
		n -= WSIZE;
	}
	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q || !*p)
			return *p - *q;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return (char *)haystack;
	for (; (haystack = strchr(haystack, *needle)); haystack++) {
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	}
	return NULL;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcat(char *restrict dst, const char *restrict src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size) // no NUL in dst: nothing may be written
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}

/* Value of digit @c in bases up to 36, or 36 if @c is not a digit. */
static unsigned int digit_value(char c)
{
	if (isdigit(c))
		return (unsigned int)(c - '0');
	if (isalpha(c))
		return (unsigned int)(tolower(c) - 'a' + 10);
	return 36;
}

/* Skip a "0x" prefix where @base allows one; return the base to use. */
static unsigned int take_base_prefix(const char **sp, unsigned int base)
{
	const char *s = *sp;
	bool has_0x = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if ((base == 0 || base == 16) && has_0x) {
		*sp = s + 2;
		return 16;
	}
	if (base == 0)
		return s[0] == '0' ? 8 : 10;
	return base;
}

/* Parse the unsigned digits (and base prefix) that make up all of @s. */
static int parse_digits(const char *s, unsigned int base, unsigned long long *out)
{
	const unsigned long long max = ~0ull;
	unsigned long long val = 0;
	bool overflow = false;

	if (base == 1 || base > 36)
		return -EINVAL;
	base = take_base_prefix(&s, base);
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = digit_value(*s);

		if (d >= base)
			return -EINVAL;
		if (val > (max - d) / base)
			overflow = true; // keep going: bad chars win
		val = val * base + d;
	}
	if (overflow)
		return -ERANGE;
	*out = val;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *out)
{
	if (*s == '+')
		s++;
	return parse_digits(s, base, out);
}

int kstrtoll(const char *s, unsigned int base, long long *out)
{
	const unsigned long long max = __LONG_LONG_MAX__;
	unsigned long long mag;
	bool neg = *s == '-';
	int err;

	if (*s == '-' || *s == '+')
		s++;
	err = parse_digits(s, base, &mag);
	if (err)
		return err;
	if (mag > max + neg) // LLONG_MIN's magnitude is LLONG_MAX + 1
		return -ERANGE;
	/* Negate without overflowing: -(m - 1) - 1 also reaches LLONG_MIN. */
	*out = neg ? (mag ? -(long long)(mag - 1) - 1 : 0) : (long long)mag;
	return 0;
}

bool str_has_any_prefix(const char *s, const char *const *prefixes, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/*
 * Tests for kernel/lib/string.c: every mem and str function against glibc
 * over all alignments and lengths 0..300 and random contents (buffers are
 * exactly sized heap blocks, so ASan catches any over-read), strlcpy and
 * strlcat against their BSD definition, and kstrtoull/kstrtoll edge cases.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Order matters: rename, declare the kernel's k_* versions, unrename. */
#include "host_rename.h"
// clang-format off
#include "lib/string.h"
#include "host_unrename.h"
// clang-format on

#include "unit.h"

#define MAX_LEN 300
#define MAX_ALIGN 16
#define GUARD 32 // canary bytes around every destination

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)unit_rand();
}

/* A random string of length @n over a small alphabet (so searches hit). */
static char *random_string(size_t n, const char *alphabet)
{
	char *s = malloc(n + 1);
	size_t k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[unit_rand_below(k)];
	s[n] = '\0';
	return s;
}

TEST(memcpy_all_alignments)
{
	enum { SIZE = MAX_LEN + MAX_ALIGN + 2 * GUARD };
	static unsigned char kdst[SIZE], hdst[SIZE];

	for (size_t len = 0; len <= MAX_LEN; len++) {
		for (size_t da = 0; da < MAX_ALIGN; da++) {
			unsigned char *src = malloc(len + 1);
			unsigned char *sa = src + unit_rand_below(2); // odd too
			void *ret;

			fill_random(src, len + 1);
			fill_random(kdst, SIZE);
			memcpy(hdst, kdst, SIZE);
			ret = k_memcpy(kdst + GUARD + da, sa, len);
			memcpy(hdst + GUARD + da, sa, len);
			CHECK(ret == kdst + GUARD + da);
			CHECKF(!memcmp(kdst, hdst, SIZE), "memcpy len %zu dst+%zu", len, da);
			free(src);
		}
	}
}

TEST(memcpy_src_alignments)
{
	static unsigned char dst[MAX_LEN];

	for (size_t len = 0; len <= MAX_LEN - MAX_ALIGN; len++) {
		unsigned char *src = malloc(len + MAX_ALIGN);

		fill_random(src, len + MAX_ALIGN);
		for (size_t sa = 0; sa < MAX_ALIGN; sa++) {
			memset(dst, 0, sizeof(dst));
			k_memcpy(dst, src + sa, len);
			CHECKF(!memcmp(dst, src + sa, len), "len %zu src+%zu", len, sa);
			CHECK(len == sizeof(dst) || !dst[len]);
		}
		free(src);
	}
}

/* memmove within one buffer, for every overlap distance up to +-40. */
TEST(memmove_overlapping)
{
	enum { SIZE = 2 * MAX_LEN + 2 * MAX_ALIGN + 100 };
	unsigned char *kbuf = malloc(SIZE), *hbuf = malloc(SIZE);

	for (size_t len = 0; len <= MAX_LEN; len++) {
		for (int delta = -40; delta <= 40; delta++) {
			size_t src = 50 + unit_rand_below(MAX_ALIGN);
			size_t dst = (size_t)((long)src + delta);
			void *ret;

			fill_random(kbuf, SIZE);
			memcpy(hbuf, kbuf, SIZE);
			ret = k_memmove(kbuf + dst, kbuf + src, len);
			memmove(hbuf + dst, hbuf + src, len);
			CHECK(ret == kbuf + dst);
			CHECKF(!memcmp(kbuf, hbuf, SIZE), "memmove len %zu src %zu dst %zu", len,
			       src, dst);
		}
	}
	free(kbuf);
	free(hbuf);
}

TEST(memmove_far_and_random)
{
	enum { SIZE = 4096 };
	unsigned char *kbuf = malloc(SIZE), *hbuf = malloc(SIZE);

	for (int i = 0; i < 20000; i++) {
		size_t len = unit_rand_below(unit_rand_below(4) ? MAX_LEN : 2048);
		size_t src = unit_rand_below(SIZE - len + 1);
		size_t dst = unit_rand_below(SIZE - len + 1);

		fill_random(kbuf, SIZE);
		memcpy(hbuf, kbuf, SIZE);
		k_memmove(kbuf + dst, kbuf + src, len);
		memmove(hbuf + dst, hbuf + src, len);
		CHECKF(!memcmp(kbuf, hbuf, SIZE), "memmove len %zu src %zu dst %zu", len, src, dst);
	}
	free(kbuf);
	free(hbuf);
}

TEST(memset_all_alignments)
{
	enum { SIZE = MAX_LEN + MAX_ALIGN + 2 * GUARD };
	static unsigned char kbuf[SIZE], hbuf[SIZE];
	static const int values[] = { 0, 1, 0x5a, 0x7f, 0x80, 0xff, -1, 0x1234 };

	for (size_t len = 0; len <= MAX_LEN; len++) {
		for (size_t a = 0; a < MAX_ALIGN; a++) {
			int c = values[unit_rand_below(8)];
			void *ret;

			fill_random(kbuf, SIZE);
			memcpy(hbuf, kbuf, SIZE);
			ret = k_memset(kbuf + GUARD + a, c, len);
			memset(hbuf + GUARD + a, c, len);
			CHECK(ret == kbuf + GUARD + a);
			CHECKF(!memcmp(kbuf, hbuf, SIZE), "memset len %zu +%zu c %#x", len, a, c);
		}
	}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Flip one random bit in one of the @n bytes at @p. */
static void flip_random_bit(unsigned char *p, size_t n)
{
	p[unit_rand_below(n)] ^= (unsigned char)(1u << unit_rand_below(8));
}

TEST(memcmp_random)
{
	for (size_t len = 0; len <= MAX_LEN; len++) {
		for (int i = 0; i < 24; i++) {
			unsigned char *a = malloc(len + 1);
			unsigned char *b = malloc(len + 1);
			size_t off = unit_rand_below(2);
			size_t n = len + 1 - off;
			int want;

			fill_random(a, len + 1);
			memcpy(b, a, len + 1);
			if (n && unit_rand_below(4)) // differ at one spot
				flip_random_bit(b + off, n);
			want = sign(memcmp(a + off, b + off, n));
			CHECKF(sign(k_memcmp(a + off, b + off, n)) == want, "memcmp len %zu", n);
			want = sign(memcmp(b, a, len));
			CHECKF(sign(k_memcmp(b, a, len)) == want, "memcmp len %zu", len);
			free(a);
			free(b);
		}
	}
	CHECK(k_memcmp("\x80", "\x7f", 1) > 0); // compares unsigned bytes
	CHECK(k_memcmp("abcdefgh\xff", "abcdefgh\x01", 9) > 0);
	CHECK(k_memcmp("", "x", 0) == 0);
}

TEST(memchr_random)
{
	for (size_t len = 0; len <= MAX_LEN; len++) {
		for (int i = 0; i < 24; i++) {
			unsigned char *p = malloc(len + 1);
			size_t off = unit_rand_below(MAX_ALIGN);
			int c = (int)unit_rand_below(512) - 256; // any int

			off = off > len ? len : off;
			for (size_t k = 0; k < len; k++) { // sparse matches
				unsigned char b = (unsigned char)unit_rand();

				p[k] = unit_rand_below(64) ? b : (unsigned char)c;
			}
			CHECKF(k_memchr(p + off, c, len - off) == memchr(p + off, c, len - off),
			       "memchr len %zu off %zu c %d", len, off, c);
			free(p);
		}
	}
	CHECK(k_memchr("abc", 'c', 2) == NULL);
	CHECK(k_memchr("a\200c", 0x180, 3) != NULL); // (unsigned char)c
}

TEST(strlen_strnlen)
{
	for (size_t len = 0; len <= MAX_LEN; len++) {
		char *s = random_string(len, "abc\x80\xff");

		CHECK_EQ(k_strlen(s), len);
		for (size_t max = 0; max <= len + 2; max += 1 + max / 8)
			CHECK_EQ(k_strnlen(s, max), strnlen(s, max));
		CHECK_EQ(k_strnlen(s, SIZE_MAX), len);
		free(s);
	}
}

TEST(strcmp_strncmp)
{
	for (int i = 0; i < 50000; i++) {
		const char *alphabet = unit_rand_below(2) ? "ab" : "a\x80\xff";
		size_t la = unit_rand_below(40), lb = unit_rand_below(40);
		char *a = random_string(la, alphabet);
		char *b = random_string(lb, alphabet);
		size_t n = unit_rand_below(45);

		if (unit_rand_below(3) == 0) { // make b a copy or prefix of a
			free(b);
			b = strdup(a);
			b[unit_rand_below(la + 1)] = '\0';
		}
		CHECKF(sign(k_strcmp(a, b)) == sign(strcmp(a, b)), "strcmp %s %s", a, b);
		CHECKF(sign(k_strncmp(a, b, n)) == sign(strncmp(a, b, n)), "strncmp %s %s %zu", a,
		       b, n);
		free(a);
		free(b);
	}
}

TEST(strchr_strrchr)
{
	for (int i = 0; i < 50000; i++) {
		const char *alphabet = unit_rand_below(2) ? "abcdefgh" : "ab\x80";
		size_t len = unit_rand_below(MAX_LEN);
		char *s = random_string(len, alphabet);
		int c = unit_rand_below(8) ? "abz\x80"[unit_rand_below(4)] : 0;

		if (unit_rand_below(4) == 0)
			c += 256; // only (char)c counts
		CHECKF(k_strchr(s, c) == strchr(s, c), "strchr len %zu c %d", len, c);
		CHECKF(k_strrchr(s, c) == strrchr(s, c), "strrchr len %zu c %d", len, c);
		free(s);
	}
}

TEST(strstr_random)
{
	for (int i = 0; i < 50000; i++) {
		char *h = random_string(unit_rand_below(60), "aab");
		char *n = random_string(unit_rand_below(6), "ab");

		CHECKF(k_strstr(h, n) == strstr(h, n), "strstr \"%s\" \"%s\"", h, n);
		free(h);
		free(n);
	}
	CHECK(k_strstr("", "") != NULL);
	CHECK(k_strstr("", "a") == NULL);
	CHECK(k_strstr("abc", "abcd") == NULL);
}

TEST(strlcpy_cases)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(k_strlcpy(buf, "hello", 0), 5);
	CHECK_EQ(buf[0], 'x');
	CHECK_EQ(k_strlcpy(buf, "hello", 1), 5);
	CHECK_STR_EQ(buf, "");
	CHECK_EQ(buf[1], 'x');
	CHECK_EQ(k_strlcpy(buf, "hello", 3), 5);
	CHECK_STR_EQ(buf, "he");
	CHECK_EQ(k_strlcpy(buf, "hello", 6), 5);
	CHECK_STR_EQ(buf, "hello");
	CHECK_EQ(k_strlcpy(buf, "hello", sizeof(buf)), 5);
	CHECK_STR_EQ(buf, "hello");
	CHECK_EQ(buf[6], 'x'); // nothing written past the NUL
	CHECK_EQ(k_strlcpy(buf, "", sizeof(buf)), 0);
	CHECK_STR_EQ(buf, "");
	CHECK_EQ(k_strlcpy(buf, "0123456789", sizeof(buf)), 10);
	CHECK_STR_EQ(buf, "0123456");
}

TEST(strlcat_cases)
{
	char buf[8];

	strcpy(buf, "ab");
	CHECK_EQ(k_strlcat(buf, "cd", sizeof(buf)), 4);
	CHECK_STR_EQ(buf, "abcd");
	CHECK_EQ(k_strlcat(buf, "efghij", sizeof(buf)), 10);
	CHECK_STR_EQ(buf, "abcdefg");
	CHECK_EQ(k_strlcat(buf, "xyz", sizeof(buf)), 10); // already full
	CHECK_STR_EQ(buf, "abcdefg");
	strcpy(buf, "abc");
	CHECK_EQ(k_strlcat(buf, "de", 3), 5); // no NUL within size: untouched
	CHECK_STR_EQ(buf, "abc");
	CHECK_EQ(k_strlcat(buf, "de", 0), 2);
	CHECK_STR_EQ(buf, "abc");
	CHECK_EQ(k_strlcat(buf, "de", 4), 5); // room only for the NUL
	CHECK_STR_EQ(buf, "abc");
	CHECK_EQ(k_strlcat(buf, "", sizeof(buf)), 3);
	CHECK_STR_EQ(buf, "abc");
	buf[0] = '\0';
	CHECK_EQ(k_strlcat(buf, "hello", sizeof(buf)), 5);
	CHECK_STR_EQ(buf, "hello");
}

/* strlcpy/strlcat against a straightforward model of the BSD definition. */
TEST(strlcpy_strlcat_random)
{
	for (int i = 0; i < 20000; i++) {
		char *src = random_string(unit_rand_below(20), "xyz");
		char *dst0 = random_string(unit_rand_below(20), "ab");
		size_t size = unit_rand_below(24);
		size_t slen = strlen(src), dlen = strnlen(dst0, size);
		char kbuf[32], want[32];

		memset(kbuf, '#', sizeof(kbuf));
		memcpy(kbuf, dst0, strlen(dst0) + 1);
		memcpy(want, kbuf, sizeof(want));
		if (dlen < size) {
			size_t room = size - dlen - 1;
			size_t n = slen < room ? slen : room;

			memcpy(want + dlen, src, n);
			want[dlen + n] = '\0';
		}
		CHECK_EQ(k_strlcat(kbuf, src, size), dlen + slen);
		CHECK_MEM_EQ(kbuf, want, sizeof(kbuf));

		memset(kbuf, '#', sizeof(kbuf));
		memcpy(want, kbuf, sizeof(want));
		if (size) {
			size_t n = slen < size - 1 ? slen : size - 1;

			memcpy(want, src, n);
			want[n] = '\0';
		}
		CHECK_EQ(k_strlcpy(kbuf, src, size), slen);
		CHECK_MEM_EQ(kbuf, want, sizeof(kbuf));
		free(src);
		free(dst0);
	}
}

static void check_ull(const char *file, int line, const char *s, unsigned base, int want_err,
		      unsigned long long want)
{
	unsigned long long v = 0xdeadbeef;
	int err = kstrtoull(s, base, &v);

	if (err != want_err || v != (want_err ? 0xdeadbeef : want))
		unit_fail(file, line, "kstrtoull(\"%s\", %u): %d %llu, want %d %llu", s, base, err,
			  v, want_err, want);
}

static void check_ll(const char *file, int line, const char *s, unsigned base, int want_err,
		     long long want)
{
	long long v = 0xdeadbeef;
	int err = kstrtoll(s, base, &v);

	if (err != want_err || v != (want_err ? 0xdeadbeef : want))
		unit_fail(file, line, "kstrtoll(\"%s\", %u): %d %lld, want %d %lld", s, base, err,
			  v, want_err, want);
}

#define ULL(s, base, err, want) check_ull(__FILE__, __LINE__, s, base, err, want)
#define LL(s, base, err, want) check_ll(__FILE__, __LINE__, s, base, err, want)

/* The kernel's errno numbers equal the host's: both are Linux's. */
_Static_assert(EINVAL == 22 && ERANGE == 34, "Linux errno values");

TEST(kstrtoull_cases)
{
	ULL("0", 10, 0, 0);
	ULL("123", 10, 0, 123);
	ULL("+123", 10, 0, 123);
	ULL("18446744073709551615", 10, 0, ULLONG_MAX);
	ULL("18446744073709551616", 10, -ERANGE, 0);
	ULL("99999999999999999999999", 10, -ERANGE, 0);
	ULL("0xffffffffffffffff", 0, 0, ULLONG_MAX);
	ULL("0x10000000000000000", 0, -ERANGE, 0);
	ULL("1777777777777777777777", 8, 0, ULLONG_MAX);
	ULL("2000000000000000000000", 8, -ERANGE, 0);
	ULL("1111111111111111111111111111111111111111111111111111111111111111", 2, 0, ULLONG_MAX);
	ULL("11111111111111111111111111111111111111111111111111111111111111111", 2, -ERANGE, 0);
	ULL("3w5e11264sgsf", 36, 0, ULLONG_MAX);
	ULL("3w5e11264sgsg", 36, -ERANGE, 0);
	ULL("99999999999999999999x", 10, -EINVAL, 0); // bad char beats range
	ULL("0x1F", 0, 0, 31);
	ULL("0X1f", 0, 0, 31);
	ULL("0x1f", 16, 0, 31);
	ULL("1f", 16, 0, 31);
	ULL("017", 0, 0, 15);
	ULL("017", 10, 0, 17);
	ULL("0", 0, 0, 0);
	ULL("00", 0, 0, 0);
	ULL("08", 0, -EINVAL, 0);
	ULL("0x", 0, -EINVAL, 0);
	ULL("0x", 16, -EINVAL, 0);
	ULL("0x10", 10, -EINVAL, 0);
	ULL("0x10", 8, -EINVAL, 0);
	ULL("", 10, -EINVAL, 0);
	ULL("", 0, -EINVAL, 0);
	ULL("+", 10, -EINVAL, 0);
	ULL("-1", 10, -EINVAL, 0);
	ULL("-0", 10, -EINVAL, 0);
	ULL("++1", 10, -EINVAL, 0);
	ULL(" 1", 10, -EINVAL, 0);
	ULL("1 ", 10, -EINVAL, 0);
	ULL("1\n", 10, -EINVAL, 0);
	ULL("12a", 10, -EINVAL, 0);
	ULL("2", 2, -EINVAL, 0);
	ULL("z", 36, 0, 35);
	ULL("Z", 36, 0, 35);
	ULL("10", 1, -EINVAL, 0);
	ULL("10", 37, -EINVAL, 0);
	ULL("\xff", 10, -EINVAL, 0);
}

TEST(kstrtoll_cases)
{
	LL("0", 10, 0, 0);
	LL("-0", 10, 0, 0);
	LL("+7", 10, 0, 7);
	LL("-7", 10, 0, -7);
	LL("9223372036854775807", 10, 0, LLONG_MAX);
	LL("9223372036854775808", 10, -ERANGE, 0);
	LL("-9223372036854775808", 10, 0, LLONG_MIN);
	LL("-9223372036854775809", 10, -ERANGE, 0);
	LL("-18446744073709551615", 10, -ERANGE, 0);
	LL("-18446744073709551616", 10, -ERANGE, 0);
	LL("0x7fffffffffffffff", 0, 0, LLONG_MAX);
	LL("-0x8000000000000000", 0, 0, LLONG_MIN);
	LL("0x8000000000000000", 0, -ERANGE, 0);
	LL("-0x10", 0, 0, -16);
	LL("-010", 0, 0, -8);
	LL("-", 10, -EINVAL, 0);
	LL("+", 10, -EINVAL, 0);
	LL("", 10, -EINVAL, 0);
	LL("--1", 10, -EINVAL, 0);
	LL("+-1", 10, -EINVAL, 0);
	LL("-+1", 10, -EINVAL, 0);
	LL("- 1", 10, -EINVAL, 0);
	LL("-1x", 10, -EINVAL, 0);
	LL("12", 0, 0, 12);
}

/* Random values round-trip through the decimal, hex and octal forms. */
TEST(kstrto_roundtrip)
{
	char buf[80];

	for (int i = 0; i < 20000; i++) {
		unsigned long long u = unit_rand() >> unit_rand_below(64);
		long long s = (long long)u;

		snprintf(buf, sizeof(buf), "%llu", u);
		ULL(buf, 10, 0, u);
		ULL(buf, 0, 0, u);
		snprintf(buf, sizeof(buf), "%#llx", u);
		ULL(buf, 0, 0, u);
		snprintf(buf, sizeof(buf), "%llo", u);
		ULL(buf, 8, 0, u);
		snprintf(buf, sizeof(buf), "%lld", s);
		LL(buf, 10, 0, s);
		snprintf(buf, sizeof(buf), "%llu0", u); // x10: overflow or not
		ULL(buf, 10, u > ULLONG_MAX / 10 ? -ERANGE : 0, u * 10);
	}
}

TEST(has_any_prefix)
{
	const char *const p[] = { "mm", "irq_" };

	CHECK(k_str_has_any_prefix("anything", p, 0));
	CHECK(k_str_has_any_prefix("mm_buddy", p, 2));
	CHECK(k_str_has_any_prefix("irq_eoi", p, 2));
	CHECK(!k_str_has_any_prefix("irq", p, 2));
	CHECK(!k_str_has_any_prefix("m", p, 2));
}

/*
 * printf formatting (see lib/printf.h): parses each conversion into a
 * struct conv_spec, renders it into a small stack buffer and hands the text,
 * padding included, to the caller's sink. Output follows C99 7.19.6.1 and
 * matches glibc where the standard leaves a choice ((nil), (null), %+p).
 * Pure: host-testable. tests/unit/printf_test.c compares it with glibc.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/ctype.h"
#include "lib/printf.h"
#include "lib/string.h"

/* %zd reads a size_t-sized signed value as a long. */
_Static_assert(sizeof(size_t) == sizeof(long), "LP64 only");

/* Flag characters, C99 7.19.6.1p6. */
enum {
	FL_LEFT = 1 << 0,  // '-': pad on the right
	FL_ZERO = 1 << 1,  // '0': pad numbers with zeros
	FL_PLUS = 1 << 2,  // '+': always print a sign
	FL_SPACE = 1 << 3, // ' ': space where a '+' would go
	FL_ALT = 1 << 4,   // '#': 0x prefix, or a leading 0 for %o
};

/* Length modifiers, C99 7.19.6.1p7. */
enum len_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

/* One parsed conversion specification. */
struct conv_spec {
	unsigned int flags; // FL_*
	int width;	    // minimum field width, 0 if none
	int prec;	    // precision, -1 if none
	enum len_mod len;
	char conv; // conversion character, '\0' if fmt ended
};

/* Where the text goes, and how much of it there has been. */
struct out {
	printf_sink_fn sink;
	void *ctx;
	size_t count;
};

static void out_text(struct out *o, const char *s, size_t n)
{
	if (n)
		o->sink(o->ctx, s, n);
	o->count += n;
}

/* Emit @n copies of @c (' ' or '0'), in chunks. */
static void out_fill(struct out *o, char c, size_t n)
{
	static const char spaces[] = "                ";
	static const char zeros[] = "0000000000000000";
	const char *chunk = c == '0' ? zeros : spaces;

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		out_text(o, chunk, k);
		n -= k;
	}
}

/* Read a decimal field (width or precision), saturating at INT_MAX. */
static int parse_decimal(const char **fmt)
{
	int v = 0;

	for (; isdigit(**fmt); (*fmt)++) {
		int d = **fmt - '0';

		v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
	}
	return v;
}

static unsigned int parse_flags(const char **fmt)
{
	unsigned int flags = 0;

	for (;; (*fmt)++) {
		switch (**fmt) {
		case '-':
			flags |= FL_LEFT;
			break;
		case '0':
			flags |= FL_ZERO;
			break;
		case '+':
			flags |= FL_PLUS;
			break;
		case ' ':
			flags |= FL_SPACE;
			break;
		case '#':
			flags |= FL_ALT;
			break;
		default:
			return flags;
		}
	}
}

static enum len_mod parse_len(const char **fmt)
{
	char c = **fmt;

	switch (c) {
	case 'h':
	case 'l':
		(*fmt)++;
		if (**fmt != c)
			return c == 'h' ? LEN_H : LEN_L;
		(*fmt)++;
		return c == 'h' ? LEN_HH : LEN_LL;
	case 'z':
		(*fmt)++;
		return LEN_Z;
	case 'j':
		(*fmt)++;
		return LEN_J;
	case 't':
		(*fmt)++;
		return LEN_T;
	default:
		return LEN_NONE;
	}
}

/*
 * Parse the specification after a '%' at @fmt into @sp, taking '*' widths
 * and precisions from @ap. Returns a pointer to the conversion character.
 */
static const char *parse_spec(const char *fmt, va_list *ap, struct conv_spec *sp)
{
	sp->flags = parse_flags(&fmt);
	sp->width = 0;
	if (*fmt == '*') {
		int w = va_arg(*ap, int);

		fmt++;
		if (w < 0) { // a negative '*' width means '-' flag
			sp->flags |= FL_LEFT;
			w = w == -__INT_MAX__ - 1 ? __INT_MAX__ : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_decimal(&fmt);
	}
	sp->prec = -1;
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			int p = va_arg(*ap, int);

			fmt++;
			sp->prec = p < 0 ? -1 : p; // negative: as if omitted
		} else {
			sp->prec = parse_decimal(&fmt);
		}
	}
	sp->len = parse_len(&fmt);
	sp->conv = *fmt;
	return fmt;
}

static unsigned long long fetch_unsigned(va_list *ap, enum len_mod len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_T:
		return (unsigned long long)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static long long fetch_signed(va_list *ap, enum len_mod len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return va_arg(*ap, long); // the signed size_t
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Digits of the longest number: 64-bit octal needs 22. */
#define NUM_DIGITS_MAX 24

/* Write @v in @base at the end of @buf; return the digit count. */
static size_t render_digits(char buf[NUM_DIGITS_MAX], unsigned long long v, unsigned int base,
			    bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i = NUM_DIGITS_MAX;

	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	return NUM_DIGITS_MAX - i;
}

static unsigned int conv_base(char conv)
{
	if (conv == 'o')
		return 8;
	return conv == 'x' || conv == 'X' || conv == 'p' ? 16 : 10;
}

/* Fill @prefix with the sign and "0x" of a number; return its length. */
static size_t number_prefix(char prefix[3], const struct conv_spec *sp, unsigned long long v,
			    char sign)
{
	size_t n = 0;

	if (sign)
		prefix[n++] = sign;
	if (conv_base(sp->conv) == 16 && (sp->flags & FL_ALT) && v) {
		prefix[n++] = '0';
		prefix[n++] = sp->conv == 'X' ? 'X' : 'x';
	}
	return n;
}

/*
 * Emit an integer conversion: @v is the magnitude, @sign the sign character
 * ('-', '+', ' ') or 0. Layout: [spaces][sign][0x][zeros][digits][spaces].
 */
static void emit_integer(struct out *o, const struct conv_spec *sp, unsigned long long v, char sign)
{
	char buf[NUM_DIGITS_MAX], prefix[3];
	size_t ndig = render_digits(buf, v, conv_base(sp->conv), sp->conv == 'X');
	size_t plen = number_prefix(prefix, sp, v, sign);
	size_t zeros = 0, pad = 0, total;

	if (sp->prec == 0 && v == 0)
		ndig = 0; // "%.0d" of 0 prints no digits
	if (sp->prec >= 0 && (size_t)sp->prec > ndig)
		zeros = (size_t)sp->prec - ndig;
	if (sp->conv == 'o' && (sp->flags & FL_ALT) && !zeros && (v || !ndig))
		zeros = 1; // '#' forces a leading 0
	total = plen + zeros + ndig;
	if ((size_t)sp->width > total)
		pad = (size_t)sp->width - total;
	if ((sp->flags & (FL_ZERO | FL_LEFT)) == FL_ZERO && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & FL_LEFT))
		out_fill(o, ' ', pad);
	out_text(o, prefix, plen);
	out_fill(o, '0', zeros);
	out_text(o, buf + NUM_DIGITS_MAX - ndig, ndig);
	if (sp->flags & FL_LEFT)
		out_fill(o, ' ', pad);
}

/* Emit @n bytes of text padded with spaces to the field width. */
static void emit_padded(struct out *o, const struct conv_spec *sp, const char *s, size_t n)
{
	size_t pad = (size_t)sp->width > n ? (size_t)sp->width - n : 0;

	if (!(sp->flags & FL_LEFT))
		out_fill(o, ' ', pad);
	out_text(o, s, n);
	if (sp->flags & FL_LEFT)
		out_fill(o, ' ', pad);
}

static void emit_string(struct out *o, const struct conv_spec *sp, const char *s)
{
	if (!s) // glibc: "(null)" only if the precision lets all of it show
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	emit_padded(o, sp, s, sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec));
}

/* The sign character for a signed conversion of a value. */
static char sign_char(const struct conv_spec *sp, bool negative)
{
	if (negative)
		return '-';
	if (sp->flags & FL_PLUS)
		return '+';
	return sp->flags & FL_SPACE ? ' ' : 0;
}

static void emit_signed(struct out *o, const struct conv_spec *sp, long long v)
{
	unsigned long long mag = (unsigned long long)v;

	if (v < 0)
		mag = 0 - mag; // well defined, even for LLONG_MIN
	emit_integer(o, sp, mag, sign_char(sp, v < 0));
}

/* Emit one parsed conversion. Returns false if it was not one we know. */
static bool emit_conv(struct out *o, struct conv_spec *sp, va_list *ap)
{
	char c;
	const void *ptr;

	switch (sp->conv) {
	case 'd':
	case 'i':
		emit_signed(o, sp, fetch_signed(ap, sp->len));
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		emit_integer(o, sp, fetch_unsigned(ap, sp->len), 0);
		return true;
	case 'p':
		ptr = va_arg(*ap, const void *);
		if (!ptr) {
			emit_padded(o, sp, "(nil)", 5);
			return true;
		}
		sp->flags |= FL_ALT; // like glibc: %#lx, '+' and ' ' honoured
		emit_integer(o, sp, (uintptr_t)ptr, sign_char(sp, false));
		return true;
	case 's':
		emit_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(o, sp, &c, 1);
		return true;
	case '%':
		out_text(o, "%", 1); // glibc ignores flags and width here
		return true;
	default:
		return false;
	}
}

int kvformat(printf_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { .sink = sink, .ctx = ctx, .count = 0 };
	struct conv_spec sp;
	va_list aq;

	va_copy(aq, ap); // helpers need a va_list they can point to
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		const char *end;

		if (!pct) {
			out_text(&o, fmt, strlen(fmt));
			break;
		}
		out_text(&o, fmt, (size_t)(pct - fmt));
		end = parse_spec(pct + 1, &aq, &sp);
		if (!*end) { // format ended inside the spec: copy it, stop
			out_text(&o, pct, (size_t)(end - pct));
			break;
		}
		if (!emit_conv(&o, &sp, &aq))
			out_text(&o, pct, (size_t)(end + 1 - pct));
		fmt = end + 1;
	}
	va_end(aq);
	return o.count > __INT_MAX__ ? __INT_MAX__ : (int)o.count;
}

/* kvsnprintf's sink state: the buffer and how much was produced so far. */
struct snbuf {
	char *buf;
	size_t size;
	size_t pos;
};

static void snbuf_sink(void *ctx, const char *s, size_t n)
{
	struct snbuf *b = ctx;

	if (b->pos + 1 < b->size) { // room left before the NUL
		size_t room = b->size - 1 - b->pos;

		memcpy(b->buf + b->pos, s, n < room ? n : room);
	}
	b->pos += n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct snbuf b = { .buf = buf, .size = size, .pos = 0 };
	int ret = kvformat(snbuf_sink, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return ret;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

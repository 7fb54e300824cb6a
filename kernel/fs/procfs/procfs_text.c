/*
 * procfs text helpers: bounded appends, the meminfo line shape and small
 * parsers for tests. No allocation: the buffer comes from the caller.
 * Pure: host-testable.
 */
#include "fs/procfs/procfs_text.h"

#include <stdarg.h>

#include "lib/printf.h"
#include "lib/string.h"

#define MEMINFO_KEY_COLS 16 // "MemTotal:" padded (Linux fs/proc/meminfo.c)
#define MEMINFO_NUM_COLS 8

void procfs_text_init(struct procfs_text *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->len = 0;
	t->overflow = false;
	if (cap)
		buf[0] = '\0';
}

void procfs_text_printf(struct procfs_text *t, const char *fmt, ...)
{
	size_t room = t->cap - t->len;
	va_list ap;
	int n;

	if (t->overflow)
		return;
	va_start(ap, fmt);
	n = kvsnprintf(t->buf + t->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		t->overflow = true; // keep len: the text stays whole lines
		return;
	}
	t->len += (size_t)n;
}

void procfs_text_kb(struct procfs_text *t, const char *key, uint64_t kib)
{
	procfs_text_printf(
		t, "%s:%*s%*lu kB\n", key,
		(int)(strlen(key) + 1 < MEMINFO_KEY_COLS ? MEMINFO_KEY_COLS - strlen(key) - 1 : 1),
		"", MEMINFO_NUM_COLS, (unsigned long)kib);
}

/* Start of the line after the one at @p, or @end. */
static const char *next_line(const char *p, const char *end)
{
	while (p < end && *p != '\n')
		p++;
	return p < end ? p + 1 : end;
}

static bool starts_with(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && !memcmp(p, prefix, n);
}

static bool parse_u64(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	bool any = false;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < end && *p >= '0' && *p <= '9'; p++, any = true)
		v = v * 10 + (uint64_t)(*p - '0');
	*out = v;
	return any;
}

bool procfs_parse_key(const char *text, size_t len, const char *key, uint64_t *out)
{
	const char *end = text + len;
	size_t klen = strlen(key);

	for (const char *p = text; p < end; p = next_line(p, end))
		if (starts_with(p, end, key) && (size_t)(end - p) > klen && p[klen] == ':')
			return parse_u64(p + klen + 1, end, out);
	return false;
}

size_t procfs_count_lines(const char *text, size_t len, const char *prefix)
{
	const char *end = text + len;
	size_t n = 0;

	for (const char *p = text; p < end; p = next_line(p, end))
		n += starts_with(p, end, prefix);
	return n;
}

bool procfs_parse_centis(const char *text, size_t len, uint64_t *out)
{
	const char *end = text + len, *dot = text;
	uint64_t whole, frac;

	while (dot < end && *dot >= '0' && *dot <= '9')
		dot++;
	if (dot == text || dot + 3 > end || *dot != '.')
		return false;
	if (!parse_u64(text, dot, &whole) || !parse_u64(dot + 1, dot + 3, &frac))
		return false;
	if (dot[1] < '0' || dot[1] > '9' || dot[2] < '0' || dot[2] > '9')
		return false;
	*out = whole * 100 + frac;
	return true;
}

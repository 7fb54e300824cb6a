/*
 * Long-name encoding (fatgen103 §7) and UTF-8/UTF-16 conversion (RFC
 * 3629, Unicode §3.9). Strict on input from the kernel (a name must be
 * valid UTF-8); forgiving on input from the disk (a lone surrogate is
 * shown as U+FFFD, never an error, so every entry can be listed).
 * Pure: host-testable.
 */
#include "fs/fat/lfn.h"

#include "include/uapi/errno.h"

/* Decode one code point from @s (@len > 0 bytes). Returns its length, or
 * -EINVAL for anything but the shortest valid form of a scalar value. */
static int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	unsigned int n;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
		n = 2, c &= 0x1F;
	else if ((c & 0xF0) == 0xE0)
		n = 3, c &= 0x0F;
	else if ((c & 0xF8) == 0xF0)
		n = 4, c &= 0x07;
	else
		return -EINVAL;
	if (len < n)
		return -EINVAL;
	for (unsigned int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -EINVAL;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min[n - 1] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -EINVAL;
	*cp = c;
	return (int)n;
}

int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t cp;
		int k = utf8_decode(p + i, len - i, &cp);

		if (k < 0 || cp == 0)
			return -EINVAL;
		i += (size_t)k;
		if (n + (cp >= 0x10000 ? 2 : 1) > max)
			return -ENAMETOOLONG;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out[n++] = (uint16_t)(0xD800 | cp >> 10);
			out[n++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
		} else {
			out[n++] = (uint16_t)cp;
		}
	}
	return (int)n;
}

/* Append @cp as UTF-8 at @out + *@at (room @max). false when full. */
static bool utf8_put(char *out, size_t max, size_t *at, uint32_t cp)
{
	uint8_t b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xC0 | cp >> 6), b[1] = (uint8_t)(0x80 | (cp & 0x3F)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xE0 | cp >> 12), b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp & 0x3F)), n = 3;
	} else {
		b[0] = (uint8_t)(0xF0 | cp >> 18), b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (*at + n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		out[*at + i] = (char)b[i];
	*at += n;
	return true;
}

int fat_utf16_to_utf8(const uint16_t *in, size_t n, char *out, size_t max)
{
	size_t at = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t cp = in[i];

		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && in[i + 1] >= 0xDC00 &&
		    in[i + 1] <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (in[i + 1] - 0xDC00u);
			i++;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;
		}
		if (!utf8_put(out, max, &at, cp))
			return -ENAMETOOLONG;
	}
	return (int)at;
}

uint8_t fat_lfn_checksum(const uint8_t name11[11])
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
	return sum;
}

/* Where unit @i (0..12) of a slot lives. */
static unsigned int unit_offset(unsigned int i)
{
	if (i < 5)
		return LDIR_NAME1 + 2 * i;
	if (i < 11)
		return LDIR_NAME2 + 2 * (i - 5);
	return LDIR_NAME3 + 2 * (i - 11);
}

void fat_lfn_pack(uint8_t *ent, const uint16_t *name, size_t units, unsigned int seq, uint8_t csum)
{
	size_t base = (size_t)(seq - 1) * FAT_LFN_CHARS;

	for (unsigned int i = 0; i < 32; i++)
		ent[i] = 0;
	ent[LDIR_ORD] = (uint8_t)(seq | (seq == fat_lfn_nslots(units) ? FAT_LFN_LAST : 0));
	ent[LDIR_ATTR] = FAT_ATTR_LFN;
	ent[LDIR_CHKSUM] = csum;
	for (unsigned int i = 0; i < FAT_LFN_CHARS; i++) {
		size_t k = base + i;
		uint16_t u = k < units ? name[k] : k == units ? 0x0000 : 0xFFFF;

		ent[unit_offset(i)] = (uint8_t)u;
		ent[unit_offset(i) + 1] = (uint8_t)(u >> 8);
	}
}

void fat_lfn_unpack(const uint8_t *ent, uint16_t chars[FAT_LFN_CHARS])
{
	for (unsigned int i = 0; i < FAT_LFN_CHARS; i++)
		chars[i] = (uint16_t)(ent[unit_offset(i)] | ent[unit_offset(i) + 1] << 8);
}

static bool is_forbidden(uint8_t c)
{
	switch (c) {
	case '"':
	case '*':
	case ':':
	case '<':
	case '>':
	case '?':
	case '\\':
	case '|':
	case '/':
		return true;
	default:
		return c < 0x20 || c == 0x7F;
	}
}

int fat_name_check(const char *name, size_t len)
{
	uint16_t tmp[FAT_LFN_MAX];
	bool only_dots = true;
	int n;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (is_forbidden((uint8_t)name[i]))
			return -EINVAL;
		if (name[i] != '.' && name[i] != ' ')
			only_dots = false;
	}
	if (only_dots || name[len - 1] == '.' || name[len - 1] == ' ')
		return -EINVAL;
	n = fat_utf8_to_utf16(name, len, tmp, FAT_LFN_MAX);
	return n < 0 ? n : 0;
}

static char fold(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

bool fat_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

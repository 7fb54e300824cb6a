/*
 * Short-name generation (fatgen103 §7: the basis is the long name upper
 * cased, with spaces and leading dots removed, characters a short name
 * cannot hold replaced by '_', up to 8 characters before the last dot and
 * 3 after it; collisions get a numeric tail "~N").
 * Pure: host-testable.
 */
#include "fs/fat/shortname.h"

bool fat_sn_char_ok(uint8_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80)
		return true;
	switch (c) {
	case '$':
	case '%':
	case '\'':
	case '-':
	case '_':
	case '@':
	case '~':
	case '`':
	case '!':
	case '(':
	case ')':
	case '{':
	case '}':
	case '^':
	case '#':
	case '&':
		return true;
	default:
		return false;
	}
}

static uint8_t upper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (uint8_t)(c - 32) : c;
}

/* Fill @out[0..n) from @s, checking each character fits a short name
 * exactly; *@case_bits gets 1 for an upper letter, 2 for a lower one. */
static bool copy_part(const char *s, size_t n, uint8_t *out, unsigned int *case_bits)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c >= 0x80 || !fat_sn_char_ok(upper(c)))
			return false;
		if (c >= 'a' && c <= 'z')
			*case_bits |= 2;
		if (c >= 'A' && c <= 'Z')
			*case_bits |= 1;
		out[i] = upper(c);
	}
	return true;
}

bool fat_sn_fits(const char *name, size_t len, uint8_t out[11], uint8_t *ntres)
{
	size_t dot = len, blen, elen;
	unsigned int bc = 0, ec = 0;

	for (size_t i = 0; i < len; i++)
		if (name[i] == '.') {
			if (dot != len)
				return false; // two dots
			dot = i;
		}
	blen = dot;
	elen = dot == len ? 0 : len - dot - 1;
	if (blen < 1 || blen > 8 || elen > 3 || (dot != len && elen == 0))
		return false;
	for (int i = 0; i < 11; i++)
		out[i] = ' ';
	if (!copy_part(name, blen, out, &bc) || !copy_part(name + dot + 1, elen, out + 8, &ec))
		return false;
	if (bc == 3 || ec == 3)
		return false; // mixed case needs a long name
	if (out[0] == 0xE5)
		out[0] = 0x05; // fatgen103 §6.1: 0x05 stands for a leading 0xE5
	*ntres = (uint8_t)((bc == 2 ? FAT_NT_LOWER_BASE : 0) | (ec == 2 ? FAT_NT_LOWER_EXT : 0));
	return true;
}

/* Append the basis characters from @s (@n bytes) to @out up to @max;
 * returns how many were written; *@lossy is set when anything changed
 * beyond case or did not fit. */
static size_t basis_part(const char *s, size_t n, uint8_t *out, size_t max, bool *lossy)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c == ' ' || c == '.') {
			*lossy = true;
			continue;
		}
		if (c >= 0x80) {
			while (i + 1 < n && ((uint8_t)s[i + 1] & 0xC0) == 0x80)
				i++; // one '_' per UTF-8 character
			c = '_';
			*lossy = true;
		} else if (!fat_sn_char_ok(upper(c))) {
			c = '_';
			*lossy = true;
		}
		if (k == max) {
			*lossy = true;
			break;
		}
		out[k++] = upper(c);
	}
	return k;
}

/* The basis name of @name into @b (11 bytes); returns its base length. */
static size_t make_basis(const char *name, size_t len, uint8_t b[11], bool *lossy)
{
	size_t dot = len, start = 0, blen;

	for (int i = 0; i < 11; i++)
		b[i] = ' ';
	while (start < len && (name[start] == '.' || name[start] == ' '))
		start++, *lossy = true;
	for (size_t i = len; i > start; i--)
		if (name[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	blen = basis_part(name + start, dot - start, b, 8, lossy);
	if (dot < len)
		basis_part(name + dot + 1, len - dot - 1, b + 8, 3, lossy);
	if (blen == 0) {
		b[0] = '_';
		blen = 1;
		*lossy = true;
	}
	if (b[0] == 0xE5)
		b[0] = 0x05;
	return blen;
}

/* @b with the tail "~@n" after at most the first @keep base characters. */
static void with_tail(const uint8_t b[11], size_t keep, unsigned int n, uint8_t out[11])
{
	char tail[8];
	size_t tl = 0, pos;

	for (unsigned int v = n; v; v /= 10)
		tail[tl++] = (char)('0' + v % 10);
	for (int i = 0; i < 11; i++)
		out[i] = b[i];
	if (keep > 8 - (tl + 1))
		keep = 8 - (tl + 1);
	pos = keep;
	out[pos++] = '~';
	while (tl)
		out[pos++] = (uint8_t)tail[--tl];
	while (pos < 8)
		out[pos++] = ' ';
}

static uint16_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u; // FNV-1a

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return (uint16_t)(h ^ h >> 16);
}

unsigned int fat_sn_candidates(const char *name, size_t len, uint8_t out[][11])
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t b[11], h[11];
	bool lossy = false;
	size_t blen = make_basis(name, len, b, &lossy);
	unsigned int n = 0;
	uint16_t hv = name_hash(name, len);
	size_t hk = blen < 2 ? blen : 2;

	if (!lossy) {
		for (int i = 0; i < 11; i++)
			out[n][i] = b[i];
		n++;
	}
	for (unsigned int t = 1; t <= 4; t++)
		with_tail(b, blen, t, out[n++]);
	for (int i = 0; i < 11; i++)
		h[i] = b[i];
	for (size_t i = 0; i < 4; i++)
		h[hk + i] = (uint8_t)hex[(hv >> (12 - 4 * i)) & 0xF];
	for (unsigned int t = 1; n < FAT_SN_CANDIDATES && t <= 9; t++)
		with_tail(h, hk + 4, t, out[n++]);
	for (unsigned int t = 5; n < FAT_SN_CANDIDATES; t++)
		with_tail(b, blen, t, out[n++]);
	return n;
}

/* Append the display form of @c to @out at *@at. */
static void put_char(char *out, size_t *at, uint8_t c, bool lower)
{
	if (c >= 0x80) { // Latin-1 as UTF-8
		out[(*at)++] = (char)(0xC0 | c >> 6);
		out[(*at)++] = (char)(0x80 | (c & 0x3F));
		return;
	}
	if (c < 0x20 || c == '/')
		c = '_'; // a damaged entry: still a name the VFS can show
	out[(*at)++] = (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c);
}

size_t fat_sn_display(const uint8_t name11[11], uint8_t ntres, char out[25])
{
	size_t at = 0, bl = 8, el = 3;

	while (bl && name11[bl - 1] == ' ')
		bl--;
	while (el && name11[8 + el - 1] == ' ')
		el--;
	for (size_t i = 0; i < bl; i++)
		put_char(out, &at, i == 0 && name11[0] == 0x05 ? 0xE5 : name11[i],
			 ntres & FAT_NT_LOWER_BASE);
	if (el)
		out[at++] = '.';
	for (size_t i = 0; i < el; i++)
		put_char(out, &at, name11[8 + i], ntres & FAT_NT_LOWER_EXT);
	out[at] = '\0';
	return at;
}

/*
 * PSF1/PSF2 font parser. Both formats are a header, the glyph bitmaps (one
 * bit per pixel, rows padded to bytes), and an optional Unicode table
 * listing the code points each glyph draws; we use it to find the glyph
 * for every ASCII character (falling back to glyph = code point).
 * Pure: host-testable.
 */
#include "lib/psf.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

#define PSF1_MAGIC 0x0436
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_SEPARATOR 0xffff
#define PSF1_STARTSEQ 0xfffe
#define PSF2_MAGIC 0x864ab572
#define PSF2_HAS_UNICODE_TABLE 0x01
#define PSF2_SEPARATOR 0xff
#define PSF2_STARTSEQ 0xfe

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void map_code(struct psf_font *f, uint32_t cp, uint32_t glyph, uint8_t *seen)
{
	if (cp < 128 && !seen[cp]) {
		f->ascii[cp] = glyph;
		seen[cp] = 1;
	}
}

static void read_psf1_table(struct psf_font *f, const uint8_t *p, const uint8_t *end)
{
	uint8_t seen[128] = { 0 };
	uint32_t glyph = 0;
	int in_seq = 0;

	for (; p + 2 <= end && glyph < f->count; p += 2) {
		uint16_t v = p[0] | p[1] << 8;

		if (v == PSF1_SEPARATOR) {
			glyph++;
			in_seq = 0;
		} else if (v == PSF1_STARTSEQ) {
			in_seq = 1;
		} else if (!in_seq) {
			map_code(f, v, glyph, seen);
		}
	}
}

/* Decode one UTF-8 sequence at *pp; returns the code point or -1. */
static int32_t utf8_next(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	int n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : 0;
	int32_t cp = n ? *p & (0x3f >> n) : *p;

	if (end - p < n + 1) {
		*pp = end;
		return -1;
	}
	for (int i = 1; i <= n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	*pp = p + n + 1;
	return cp;
}

static void read_psf2_table(struct psf_font *f, const uint8_t *p, const uint8_t *end)
{
	uint8_t seen[128] = { 0 };
	uint32_t glyph = 0;
	int in_seq = 0;

	while (p < end && glyph < f->count) {
		if (*p == PSF2_SEPARATOR) {
			glyph++;
			in_seq = 0;
			p++;
		} else if (*p == PSF2_STARTSEQ) {
			in_seq = 1;
			p++;
		} else {
			int32_t cp = utf8_next(&p, end);

			if (cp >= 0 && !in_seq)
				map_code(f, (uint32_t)cp, glyph, seen);
		}
	}
}

static int parse_psf1(const uint8_t *d, size_t size, struct psf_font *f)
{
	uint8_t mode = d[2];

	f->count = (mode & PSF1_MODE512) ? 512 : 256;
	f->width = 8;
	f->height = d[3];
	f->bytes_per_row = 1;
	f->bytes_per_glyph = f->height;
	f->glyphs = d + 4;
	if (f->height == 0 || size < 4 + (size_t)f->count * f->height)
		return -EINVAL;
	if (mode & PSF1_MODEHASTAB)
		read_psf1_table(f, f->glyphs + f->count * f->height, d + size);
	return 0;
}

static int parse_psf2(const uint8_t *d, size_t size, struct psf_font *f)
{
	uint32_t hdr, flags;

	if (size < 32)
		return -EINVAL;
	hdr = rd32(d + 8);
	flags = rd32(d + 12);
	f->count = rd32(d + 16);
	f->bytes_per_glyph = rd32(d + 20);
	f->height = rd32(d + 24);
	f->width = rd32(d + 28);
	f->bytes_per_row = (f->width + 7) / 8;
	if (hdr < 32 || hdr > size || !f->count || !f->width || !f->height || f->width > 64 ||
	    f->height > 64 || f->bytes_per_glyph != f->bytes_per_row * f->height ||
	    (size - hdr) / f->bytes_per_glyph < f->count)
		return -EINVAL;
	f->glyphs = d + hdr;
	if (flags & PSF2_HAS_UNICODE_TABLE)
		read_psf2_table(f, f->glyphs + (size_t)f->count * f->bytes_per_glyph, d + size);
	return 0;
}

int psf_parse(const void *data, size_t size, struct psf_font *f)
{
	const uint8_t *d = data;

	memset(f, 0, sizeof(*f));
	for (int c = 0; c < 128; c++)
		f->ascii[c] = c;
	if (size >= 4 && (d[0] | d[1] << 8) == PSF1_MAGIC)
		return parse_psf1(d, size, f);
	if (size >= 4 && rd32(d) == PSF2_MAGIC)
		return parse_psf2(d, size, f);
	return -EINVAL;
}

const uint8_t *psf_glyph(const struct psf_font *f, unsigned char c)
{
	uint32_t g = f->ascii[c < 128 ? c : '?'];

	if (g >= f->count)
		g = 0;
	return f->glyphs + (size_t)g * f->bytes_per_glyph;
}

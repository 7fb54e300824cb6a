/*
 * PC Screen Font (PSF1 and PSF2) parsing: the console fonts of Debian's kbd
 * package, embedded in the kernel for the framebuffer console.
 * Reference: the PSF formats as documented in kbd (psffontop).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct psf_font {
	const uint8_t *glyphs;	/* glyph 0; each glyph is height rows */
	uint32_t count;		/* number of glyphs */
	uint32_t width, height; /* pixels */
	uint32_t bytes_per_row; /* (width + 7) / 8 */
	uint32_t bytes_per_glyph;
	uint16_t ascii[128]; /* glyph index for each ASCII code point */
};

/*
 * Parse the font in @data (@size bytes) into @font; @font points into
 * @data. Returns 0, or -EINVAL for a truncated or unknown font.
 * Pure: host-testable.
 */
int psf_parse(const void *data, size_t size, struct psf_font *font);

/* Rows of the glyph for ASCII character @c ('?' for others). */
const uint8_t *psf_glyph(const struct psf_font *font, unsigned char c);

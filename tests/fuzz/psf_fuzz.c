/*
 * Fuzz the PSF1/PSF2 font parser (kernel/lib/psf.c) as the framebuffer
 * console uses it: psf_parse() on an exactly sized heap copy, then, when it
 * accepts the font, every glyph drawn the way drivers/fb/fbcon.c draws one
 * (height rows of bytes_per_row bytes from psf_glyph()), so a header that
 * promises more glyph bytes than the file holds is an ASan report.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/psf.h"

/* What fbcon's draw_cell() reads for one character; returns a checksum. */
static unsigned int draw(const struct psf_font *f, unsigned char c)
{
	const uint8_t *glyph = psf_glyph(f, c);
	unsigned int sum = 0;

	for (uint32_t y = 0; y < f->height; y++) {
		const uint8_t *bits = glyph + y * f->bytes_per_row;

		for (uint32_t x = 0; x < f->width; x++)
			sum += (bits[x / 8] & (0x80 >> (x % 8))) != 0;
	}
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct psf_font font;
	volatile unsigned int sink = 0;

	memcpy(copy, data, size);
	if (psf_parse(copy, size, &font) == 0) {
		assert(font.count > 0 && font.height > 0 && font.width > 0);
		assert(font.bytes_per_glyph >= font.bytes_per_row * font.height);
		for (unsigned int c = 0; c < 256; c++)
			sink += draw(&font, (unsigned char)c);
	}
	(void)sink;
	free(copy);
	return 0;
}

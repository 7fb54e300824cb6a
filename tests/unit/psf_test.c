/*
 * Tests for kernel/lib/psf.c: the real console font the kernel embeds
 * (from Debian's console-setup-linux package, gunzipped by the build) must parse and map
 * ASCII to glyphs that are not blank; damaged fonts are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/uapi/errno.h"
#include "lib/psf.h"
#include "unit.h"

static uint8_t *load_font(size_t *size)
{
	FILE *f = popen("zcat /usr/share/consolefonts/Lat15-Terminus16.psf.gz", "r");
	static uint8_t buf[1 << 16];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf), f);
	pclose(f);
	*size = n;
	return n ? buf : NULL;
}

static int glyph_pixels(const struct psf_font *font, unsigned char c)
{
	const uint8_t *g = psf_glyph(font, c);
	int n = 0;

	for (uint32_t i = 0; i < font->bytes_per_glyph; i++)
		n += __builtin_popcount(g[i]);
	return n;
}

TEST(real_font_parses)
{
	size_t size;
	uint8_t *data = load_font(&size);
	struct psf_font font;

	CHECK(data != NULL);
	if (!data)
		return;
	CHECK_EQ(psf_parse(data, size, &font), 0);
	CHECK_EQ(font.width, 8);
	CHECK_EQ(font.height, 16);
	CHECK_EQ(glyph_pixels(&font, ' '), 0);
	for (int c = '!'; c < 0x7f; c++)
		CHECKF(glyph_pixels(&font, (unsigned char)c) > 0, "glyph for '%c' is blank", c);
	/* Different letters draw differently. */
	CHECK(memcmp(psf_glyph(&font, 'A'), psf_glyph(&font, 'B'), 16) != 0);
}

TEST(damaged_fonts_are_refused)
{
	size_t size;
	uint8_t *data = load_font(&size);
	struct psf_font font;
	uint8_t junk[64] = { 0 };

	CHECK_EQ(psf_parse(junk, sizeof(junk), &font), -EINVAL);
	if (!data)
		return;
	for (size_t cut = 0; cut < 4 + 256 * 16; cut += 97)
		CHECK_EQ(psf_parse(data, cut, &font), -EINVAL);
}

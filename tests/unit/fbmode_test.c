/*
 * Tests for kernel/boot/fbmode.c: the framebuffer modes GRUB gives under
 * SeaBIOS and OVMF are accepted; a pitch shorter than a row, zero or
 * sub-cell sizes, unsupported depths and types, colour positions outside
 * the pixel and address ranges that wrap or pass the limit are refused.
 */
#include "boot/fbmode.h"
#include "include/uapi/errno.h"
#include "unit.h"

#define LIMIT (4ull << 30)

static struct boot_framebuffer good_rgb(void)
{
	return (struct boot_framebuffer){ .addr = 0xfd000000,
					  .pitch = 4096,
					  .width = 1024,
					  .height = 768,
					  .bpp = 32,
					  .type = BOOT_FB_RGB,
					  .red_pos = 16,
					  .red_size = 8,
					  .green_pos = 8,
					  .green_size = 8,
					  .blue_pos = 0,
					  .blue_size = 8 };
}

static bool refused(const struct boot_framebuffer *fb, uint32_t cw, uint32_t ch)
{
	const char *why = NULL;
	int err = bootfb_check(fb, cw, ch, LIMIT, &why);

	CHECK(err == 0 || err == -EINVAL);
	CHECK(err == 0 || why != NULL);
	return err != 0;
}

TEST(fbmode_real_modes_are_accepted)
{
	struct boot_framebuffer fb = good_rgb();
	struct boot_framebuffer ega = { .addr = 0xb8000,
					.pitch = 160,
					.width = 80,
					.height = 25,
					.bpp = 16,
					.type = BOOT_FB_EGA_TEXT };

	CHECK(!refused(&fb, 8, 16));
	fb.pitch = 4096 + 64; /* padded rows are fine */
	CHECK(!refused(&fb, 8, 16));
	fb.width = 8;
	fb.height = 16; /* exactly one cell */
	CHECK(!refused(&fb, 8, 16));
	CHECK(!refused(&ega, 1, 1));
}

TEST(fbmode_short_pitch_is_refused)
{
	struct boot_framebuffer fb = good_rgb();
	struct boot_framebuffer ega = { .addr = 0xb8000,
					.pitch = 159,
					.width = 80,
					.height = 25,
					.bpp = 16,
					.type = BOOT_FB_EGA_TEXT };

	fb.pitch = 4095;
	CHECK(refused(&fb, 8, 16));
	fb.pitch = 1024; /* bytes per row read as pixels per row */
	CHECK(refused(&fb, 8, 16));
	fb.pitch = 0;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.width = 0x40000001; /* width * 4 wraps a 32-bit product to 4 */
	fb.pitch = 4096;
	CHECK(refused(&fb, 8, 16));
	CHECK(refused(&ega, 1, 1));
}

TEST(fbmode_sizes_below_a_cell_are_refused)
{
	struct boot_framebuffer fb = good_rgb();

	fb.width = 0;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.height = 0;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.width = 7;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.height = 15;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	CHECK(refused(&fb, 0, 16));
}

TEST(fbmode_depths_types_and_colours)
{
	static const uint8_t bad_bpp[] = { 0, 1, 8, 15, 16, 24, 31, 33, 64, 255 };
	struct boot_framebuffer fb;

	for (size_t i = 0; i < sizeof(bad_bpp); i++) {
		fb = good_rgb();
		fb.bpp = bad_bpp[i];
		CHECKF(refused(&fb, 8, 16), "bpp %u", bad_bpp[i]);
	}
	fb = good_rgb();
	fb.type = BOOT_FB_INDEXED;
	CHECK(refused(&fb, 8, 16));
	fb.type = 7;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.red_pos = 25; /* a byte at bit 25 leaves the 32-bit pixel */
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.blue_pos = 200;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.type = BOOT_FB_EGA_TEXT;
	fb.bpp = 32;
	CHECK(refused(&fb, 1, 1));
}

TEST(fbmode_address_range_is_checked_without_wrapping)
{
	struct boot_framebuffer fb = good_rgb();

	fb.addr = LIMIT - 4096ull * 768;
	CHECK(!refused(&fb, 8, 16)); /* ends exactly at the limit */
	fb.addr += 1;
	CHECK(refused(&fb, 8, 16));
	fb.addr = UINT64_MAX - 4095; /* addr + size wraps to a small number */
	CHECK(refused(&fb, 8, 16));
	fb.addr = LIMIT;
	CHECK(refused(&fb, 8, 16));
	fb = good_rgb();
	fb.pitch = UINT32_MAX;
	fb.height = UINT32_MAX; /* the product fits 64 bits, not the limit */
	CHECK(refused(&fb, 8, 16));
}

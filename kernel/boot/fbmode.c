/*
 * Framebuffer description checks (see fbmode.h). Every product is taken in
 * 64 bits from 32-bit fields, and every sum is checked against what it is
 * added to, so no field value can wrap a bound into looking valid.
 * Pure: host-testable.
 */
#include "boot/fbmode.h"

#include <stdbool.h>

#include "include/uapi/errno.h"

#define RGB_BPP 32
#define EGA_BPP 16

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

/* rgb() in fbcon.c shifts a full byte to each position. */
static bool colour_fits(uint8_t pos)
{
	return pos <= RGB_BPP - 8;
}

int bootfb_check(const struct boot_framebuffer *fb, uint32_t cell_w, uint32_t cell_h,
		 uint64_t phys_limit, const char **why)
{
	uint64_t row_bytes, bytes;

	if (fb->type == BOOT_FB_RGB) {
		if (fb->bpp != RGB_BPP)
			return refuse(why, "only 32 bits per pixel are supported");
		if (!colour_fits(fb->red_pos) || !colour_fits(fb->green_pos) ||
		    !colour_fits(fb->blue_pos))
			return refuse(why, "colour position outside the pixel");
	} else if (fb->type == BOOT_FB_EGA_TEXT) {
		if (fb->bpp != EGA_BPP)
			return refuse(why, "EGA text needs 16 bits a cell");
	} else {
		return refuse(why, "unsupported framebuffer type");
	}
	if (!cell_w || !cell_h || fb->width < cell_w || fb->height < cell_h)
		return refuse(why, "smaller than one character cell");
	row_bytes = (uint64_t)fb->width * (fb->bpp / 8);
	if (fb->pitch < row_bytes)
		return refuse(why, "pitch smaller than a row of pixels");
	bytes = (uint64_t)fb->pitch * fb->height; /* < 2^64: two 32-bit factors */
	if (fb->addr > phys_limit || bytes > phys_limit - fb->addr)
		return refuse(why, "framebuffer extends beyond the mapped physical range");
	return 0;
}

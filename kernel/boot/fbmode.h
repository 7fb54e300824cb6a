/*
 * Sanity checks of the loader's framebuffer description before anything
 * draws on it: a console that trusted a short pitch, a zero size or an
 * address range that wraps would write outside the framebuffer. The
 * console (drivers/fb/fbcon.c) refuses what these checks refuse.
 * Pure: host-testable.
 */
#pragma once

#include <stdint.h>

#include "boot/multiboot2.h"

/*
 * Can a console draw @cell_w x @cell_h pixel cells (1 x 1 for EGA text) on
 * @fb, touching only [addr, addr + pitch * height), all of it below
 * @phys_limit? Supported: 32-bpp RGB with each colour a byte inside the
 * pixel, and EGA text (16 bits a cell). Returns 0, or -EINVAL with *@why
 * set to a short reason for a log line ("pitch smaller than a row", ...).
 */
int bootfb_check(const struct boot_framebuffer *fb, uint32_t cell_w, uint32_t cell_h,
		 uint64_t phys_limit, const char **why);

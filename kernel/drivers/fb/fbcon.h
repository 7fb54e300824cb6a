/*
 * Framebuffer text console: draws kernel output on the loader's linear
 * framebuffer (32-bpp RGB, with the embedded PSF font) or EGA text screen.
 * It greets with "hello" and then mirrors the console, wrapping to the top
 * instead of scrolling (scrolling megabytes per line is slow under TCG).
 */
#pragma once

#include "boot/multiboot2.h"

/* Set up the console on @bi's framebuffer and register it; a no-op (with a
 * log line) when there is no usable framebuffer. Boot CPU, once. */
void fbcon_init(const struct boot_info *bi);

/* Start the task that draws what batched writes left pending (every
 * FLUSH_NS, fbcon.c). After sched_init(); nothing without a screen. */
void fbcon_start(void);

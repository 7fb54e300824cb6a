/*
 * Framebuffer console. Text position is a cell grid over the framebuffer;
 * a character is drawn by expanding its PSF glyph rows into 32-bit pixels.
 * When the cursor passes the last row it wraps to the top and clears the
 * row it lands on. Locking: called under the console lock only.
 */
#include "drivers/fb/fbcon.h"

#include "arch/arch.h"
#include "boot/fbmode.h"
#include "core/log.h"
#include "lib/psf.h"
#include "lib/string.h"

#define LOG_PREFIX "fbcon: "
#define EGA_TEXT_ATTR 0x0700 /* light grey on black */
/* The framebuffer must lie below 4 GiB, where the direct map of the
 * loader's memory-map holes reaches (mm/vmm.c maps the framebuffer). */
#define FB_PHYS_LIMIT (4ull << 30)

extern const uint8_t fbcon_font[], fbcon_font_end[];

/* Immutable after init, except the cursor (console lock). */
static struct psf_font font;
static struct boot_framebuffer fb;
static uint8_t *pixels;
static uint32_t cols, rows;
static uint32_t fg, bg;
static uint32_t cur_x, cur_y;

/* ANSI escape sequences (the shell's colours and cursor moves) are parsed
 * and dropped: this console draws plain text. */
enum esc_state { ESC_NONE, ESC_START, ESC_CSI };
static enum esc_state esc;

static uint32_t rgb(uint8_t r, uint8_t g, uint8_t b)
{
	return (uint32_t)r << fb.red_pos | (uint32_t)g << fb.green_pos | (uint32_t)b << fb.blue_pos;
}

static void draw_cell(uint32_t cx, uint32_t cy, unsigned char c)
{
	if (fb.type == BOOT_FB_EGA_TEXT) {
		uint16_t *cell = (uint16_t *)(pixels + cy * fb.pitch) + cx;

		*cell = EGA_TEXT_ATTR | c;
		return;
	}
	const uint8_t *glyph = psf_glyph(&font, c);

	for (uint32_t y = 0; y < font.height; y++) {
		uint32_t *row =
			(uint32_t *)(pixels + (cy * font.height + y) * fb.pitch) + cx * font.width;
		const uint8_t *bits = glyph + y * font.bytes_per_row;

		for (uint32_t x = 0; x < font.width; x++)
			row[x] = (bits[x / 8] & (0x80 >> (x % 8))) ? fg : bg;
	}
}

static void clear_row(uint32_t cy)
{
	for (uint32_t x = 0; x < cols; x++)
		draw_cell(x, cy, ' ');
}

static void newline(void)
{
	cur_x = 0;
	if (++cur_y == rows)
		cur_y = 0;
	clear_row(cur_y);
}

/* Consume @c if it is part of an escape sequence; true when consumed. */
static bool swallow_escape(unsigned char c)
{
	switch (esc) {
	case ESC_NONE:
		if (c != 0x1b)
			return false;
		esc = ESC_START;
		return true;
	case ESC_START:
		/* ESC [ starts a CSI sequence; any other byte ends a short one. */
		esc = c == '[' ? ESC_CSI : ESC_NONE;
		return true;
	case ESC_CSI:
		if (c >= 0x40 && c <= 0x7e) /* final byte */
			esc = ESC_NONE;
		return true;
	}
	return false;
}

static void fbcon_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (swallow_escape(c))
			continue;
		if (c == '\n') {
			newline();
		} else if (c == '\r') {
			cur_x = 0;
		} else if (c == '\b') {
			if (cur_x)
				cur_x--;
		} else if (c >= 0x20) {
			draw_cell(cur_x, cur_y, c);
			if (++cur_x == cols)
				newline();
		}
	}
}

static const struct console fb_console = { .name = "fb0", .write = fbcon_write };

/* Check the loader's description before anything is drawn: a bad pitch,
 * size or address would have us write outside the framebuffer. Refused
 * modes leave the kernel on the serial console alone. */
static bool setup_mode(const struct boot_info *bi)
{
	uint32_t cell_w = 1, cell_h = 1; /* EGA text: one cell a "pixel" */
	const char *why;

	fb = bi->fb;
	if (fb.type == BOOT_FB_RGB) {
		if (psf_parse(fbcon_font, fbcon_font_end - fbcon_font, &font) < 0) {
			log_warn("embedded font is corrupt; no screen console\n");
			return false;
		}
		cell_w = font.width;
		cell_h = font.height;
	}
	if (bootfb_check(&fb, cell_w, cell_h, FB_PHYS_LIMIT, &why)) {
		log_warn(
			"framebuffer type %u, %ux%u at %u bpp, pitch %u, at %#llx refused: %s; serial console only\n",
			fb.type, fb.width, fb.height, fb.bpp, fb.pitch, (unsigned long long)fb.addr,
			why);
		return false;
	}
	pixels = phys_to_virt(fb.addr);
	cols = fb.width / cell_w;
	rows = fb.height / cell_h;
	fg = rgb(0xe0, 0xe0, 0xe0);
	bg = rgb(0x10, 0x10, 0x18);
	return true;
}

void fbcon_init(const struct boot_info *bi)
{
	if (!bi->has_fb) {
		log_info("no framebuffer from the loader\n");
		return;
	}
	if (!setup_mode(bi))
		return;
	for (uint32_t y = 0; y < rows; y++)
		clear_row(y);
	fbcon_write("hello from Corvid\n", 18);
	console_register(&fb_console);
	log_info("%ux%u framebuffer at %#lx, %ux%u text\n", fb.width, fb.height,
		 (unsigned long)fb.addr, cols, rows);
}

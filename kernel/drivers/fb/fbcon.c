/*
 * Framebuffer console: a VT100/ANSI terminal (lib/vt100.c keeps the cell
 * grid and parses the escape sequences) drawn on the framebuffer, a
 * character by expanding its PSF glyph rows into 32-bit pixels, or as
 * EGA text cells. Scrolling moves the pixel rows of the scrolling region.
 * The cursor is the cell drawn in reverse video.
 * Locking: called under the console lock only (it guards the vt state).
 */
#include "drivers/fb/fbcon.h"

#include "arch/arch.h"
#include "boot/fbmode.h"
#include "core/log.h"
#include "drivers/input/ps2kbd.h"
#include "lib/psf.h"
#include "lib/string.h"
#include "lib/vt100.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "fbcon: "
/* The framebuffer must lie below 4 GiB, where the direct map of the
 * loader's memory-map holes reaches (mm/vmm.c maps the framebuffer). */
#define FB_PHYS_LIMIT (4ull << 30)

extern const uint8_t fbcon_font[], fbcon_font_end[];

/* Immutable after init: */
static struct psf_font font;
static struct boot_framebuffer fb;
static uint8_t *pixels;
static uint32_t cols, rows;
static uint32_t palette[16];
/* Protected by the console lock: */
static struct vt100 vt;
static bool cursor_drawn;

/* The 16 colours (VGA's, with Corvid's grey on dark blue-black as 7 and
 * 0, the defaults). */
static const uint8_t palette_rgb[16][3] = {
	{ 0x10, 0x10, 0x18 }, { 0xaa, 0x00, 0x00 }, { 0x00, 0xaa, 0x00 }, { 0xaa, 0x55, 0x00 },
	{ 0x00, 0x00, 0xaa }, { 0xaa, 0x00, 0xaa }, { 0x00, 0xaa, 0xaa }, { 0xe0, 0xe0, 0xe0 },
	{ 0x55, 0x55, 0x55 }, { 0xff, 0x55, 0x55 }, { 0x55, 0xff, 0x55 }, { 0xff, 0xff, 0x55 },
	{ 0x55, 0x55, 0xff }, { 0xff, 0x55, 0xff }, { 0x55, 0xff, 0xff }, { 0xff, 0xff, 0xff },
};

static uint32_t rgb(uint8_t r, uint8_t g, uint8_t b)
{
	return (uint32_t)r << fb.red_pos | (uint32_t)g << fb.green_pos | (uint32_t)b << fb.blue_pos;
}

/* The cell's colours after bold (brightens) and reverse (swaps); @invert
 * for the cursor. */
static void cell_colours(const struct vt_cell *c, bool invert, uint8_t *fg, uint8_t *bg)
{
	uint8_t f = c->fg, b = c->bg;

	if ((c->attr & VT_BOLD) && f < 8)
		f += 8;
	if (!!(c->attr & VT_REVERSE) != invert) {
		uint8_t t = f;

		f = b;
		b = t;
	}
	*fg = f & 15;
	*bg = b & 15;
}

static void draw_cell(uint32_t cx, uint32_t cy, const struct vt_cell *c, bool invert)
{
	uint8_t f, b;

	cell_colours(c, invert, &f, &b);
	if (fb.type == BOOT_FB_EGA_TEXT) {
		uint16_t *cell = (uint16_t *)(pixels + cy * fb.pitch) + cx;

		*cell = (uint16_t)((b & 7) << 12 | f << 8 | c->ch);
		return;
	}
	const uint8_t *glyph = psf_glyph(&font, c->ch);
	uint32_t fgc = palette[f], bgc = palette[b];

	for (uint32_t y = 0; y < font.height; y++) {
		uint32_t *row =
			(uint32_t *)(pixels + (cy * font.height + y) * fb.pitch) + cx * font.width;
		const uint8_t *bits = glyph + y * font.bytes_per_row;
		bool underline = (c->attr & VT_UNDERLINE) && y == font.height - 1;

		for (uint32_t x = 0; x < font.width; x++)
			row[x] = underline || (bits[x / 8] & (0x80 >> (x % 8))) ? fgc : bgc;
	}
}

static void vt_draw(void *ctx, uint32_t x, uint32_t y, const struct vt_cell *c)
{
	(void)ctx;
	draw_cell(x, y, c, false);
}

/* Move text rows [top, bottom] up by n (down if n < 0) on the screen. */
static void vt_scroll(void *ctx, uint32_t top, uint32_t bottom, int n)
{
	uint32_t cell_h = fb.type == BOOT_FB_EGA_TEXT ? 1 : font.height;
	uint32_t k = (uint32_t)(n < 0 ? -n : n), keep = bottom - top + 1 - k;
	size_t line = (size_t)cell_h * fb.pitch;
	uint8_t *base = pixels + top * line;

	(void)ctx;
	if (n > 0)
		memmove(base, base + k * line, keep * line);
	else
		memmove(base + k * line, base, keep * line);
}

static const struct vt_ops fb_vt_ops = { vt_draw, vt_scroll };

static void cursor(bool show)
{
	if (!show && cursor_drawn)
		draw_cell(vt.x, vt.y, vt_cell_at(&vt, vt.x, vt.y), false);
	else if (show && vt.cursor_visible)
		draw_cell(vt.x, vt.y, vt_cell_at(&vt, vt.x, vt.y), true);
	cursor_drawn = show && vt.cursor_visible;
}

static void fbcon_write(const char *s, size_t n)
{
	bool app_cursor = vt.app_cursor;

	cursor(false);
	vt_write(&vt, s, n);
	cursor(true);
	if (vt.app_cursor != app_cursor)
		ps2kbd_set_app_cursor(vt.app_cursor); // the keyboard is this screen's
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
	for (int i = 0; i < 16; i++)
		palette[i] = rgb(palette_rgb[i][0], palette_rgb[i][1], palette_rgb[i][2]);
	return true;
}

void fbcon_init(const struct boot_info *bi)
{
	if (!bi->has_fb) {
		log_info("no framebuffer from the loader\n");
		return;
	}
	struct vt_cell *cells;

	if (!setup_mode(bi))
		return;
	cells = kmalloc(sizeof(*cells) * cols * rows);
	if (!cells) {
		log_warn("no memory for %ux%u cells; serial console only\n", cols, rows);
		return;
	}
	/* LNM: the consoles' '\n' is a new line (the serial driver adds CR). */
	vt_init(&vt, cells, cols, rows, true, &fb_vt_ops, NULL);
	fbcon_write("hello from Corvid\n", 18);
	console_register(&fb_console);
	log_info("%ux%u framebuffer at %#lx, %ux%u text\n", fb.width, fb.height,
		 (unsigned long)fb.addr, cols, rows);
}

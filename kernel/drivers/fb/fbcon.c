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
#include "sched/task.h"
#include "time/ktime.h"

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

/*
 * Drawing is batched. The VT100 model (lib/vt100.c) keeps the cells; its
 * callbacks only mark text rows dirty, and flush() draws the dirty rows
 * from the cells. A write flushes when FLUSH_NS has passed since the last
 * flush, and the flusher task flushes what is left every FLUSH_NS. So a
 * burst of output (ls of 10,000 names) costs a few full redraws a second
 * instead of one framebuffer-sized memmove per line, which under TCG
 * (about 3 ms each) had made such a listing take minutes. The screen is
 * at most FLUSH_NS behind the serial console.
 * Locking: all of it under the console lock (writes and the flusher's
 * console_flush_devices).
 */
#define FLUSH_NS (100 * NSEC_PER_MSEC)
#define MAX_DIRTY_ROWS 512

static uint64_t dirty[MAX_DIRTY_ROWS / 64];
static uint64_t last_flush_ns;
static uint32_t cursor_x, cursor_y; /* where the cursor was drawn */

static void mark_rows(uint32_t from, uint32_t to)
{
	for (uint32_t y = from; y <= to && y < MAX_DIRTY_ROWS; y++)
		dirty[y / 64] |= 1ull << (y % 64);
}

static void vt_draw(void *ctx, uint32_t x, uint32_t y, const struct vt_cell *c)
{
	(void)ctx;
	(void)x;
	(void)c;
	mark_rows(y, y);
}

static void vt_scroll(void *ctx, uint32_t top, uint32_t bottom, int n)
{
	(void)ctx;
	(void)n;
	mark_rows(top, bottom); /* the cells moved already: redraw the rows */
}

static const struct vt_ops fb_vt_ops = { vt_draw, vt_scroll };

static void flush(void)
{
	if (cursor_drawn)
		mark_rows(cursor_y, cursor_y);
	for (uint32_t y = 0; y < rows && y < MAX_DIRTY_ROWS; y++) {
		if (!(dirty[y / 64] & (1ull << (y % 64))))
			continue;
		dirty[y / 64] &= ~(1ull << (y % 64));
		for (uint32_t x = 0; x < cols; x++)
			draw_cell(x, y, vt_cell_at(&vt, x, y), false);
	}
	cursor_drawn = vt.cursor_visible;
	cursor_x = vt.x;
	cursor_y = vt.y;
	if (cursor_drawn)
		draw_cell(vt.x, vt.y, vt_cell_at(&vt, vt.x, vt.y), true);
	last_flush_ns = ktime_ns();
}

static void fbcon_write(const char *s, size_t n)
{
	bool app_cursor = vt.app_cursor;

	vt_write(&vt, s, n);
	if (ktime_ns() - last_flush_ns >= FLUSH_NS || rows > MAX_DIRTY_ROWS)
		flush();
	if (vt.app_cursor != app_cursor)
		ps2kbd_set_app_cursor(vt.app_cursor); // the keyboard is this screen's
}

/* The tty's processed output has a line-feed/new-line mode of its own
 * (tty_lnm): off, so a bare '\n' only moves down, until a program sets it
 * (CSI 20 h), and kept from one write to the next; the kernel's own lines
 * keep theirs (on). Protected by the console lock. */
static bool tty_lnm;

static void fbcon_write_raw(const char *s, size_t n)
{
	bool kernel_lnm = vt.newline_mode;

	vt.newline_mode = tty_lnm;
	fbcon_write(s, n);
	tty_lnm = vt.newline_mode;
	vt.newline_mode = kernel_lnm;
}

static void fbcon_flush(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(dirty); i++)
		if (dirty[i] || cursor_x != vt.x || cursor_y != vt.y) {
			flush();
			return;
		}
}

static int flusher_main(void *arg)
{
	(void)arg;
	for (;;) {
		task_sleep_ns(FLUSH_NS);
		console_flush_devices();
	}
	return 0;
}

static const struct console fb_console = {
	.name = "fb0", .write = fbcon_write, .write_raw = fbcon_write_raw, .flush = fbcon_flush
};

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
	flush();
	console_register(&fb_console);
	log_info("%ux%u framebuffer at %#lx, %ux%u text\n", fb.width, fb.height,
		 (unsigned long)fb.addr, cols, rows);
}

void fbcon_start(void)
{
	if (vt.cells && !task_create(flusher_main, NULL, "fbcon"))
		log_warn("no flusher task: the screen is drawn on writes only\n");
}

/*
 * A VT100/ANSI terminal's screen model (ECMA-48, DEC VT100 User Guide
 * ch. 3, xterm's ctlseqs for the private modes): a cell grid the caller
 * provides, a cursor, the attributes SGR sets, a scrolling region, and
 * the escape sequence parser. The framebuffer console (drivers/fb) draws
 * what changed through callbacks; tests read the grid.
 * Pure: no locks or globals, no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { VT_BOLD = 1, VT_REVERSE = 2, VT_UNDERLINE = 4 };
enum { VT_DEFAULT_FG = 7, VT_DEFAULT_BG = 0 };

/* One character cell: fg and bg are palette indexes 0-15 (8-15 bright). */
struct vt_cell {
	uint8_t ch, fg, bg, attr;
};

struct vt_ops {
	/* Cell (@x, @y) changed: draw it. */
	void (*draw)(void *ctx, uint32_t x, uint32_t y, const struct vt_cell *c);
	/* Rows [@top, @bottom] moved up by @n (n > 0) or down (n < 0) in
	 * the grid: move the pixels; the rows uncovered are drawn after. */
	void (*scroll)(void *ctx, uint32_t top, uint32_t bottom, int n);
};

#define VT_MAX_PARAMS 16

struct vt100 {
	struct vt_cell *cells; // cols * rows, row-major (the caller's)
	uint32_t cols, rows;
	uint32_t x, y;	      // the cursor
	uint32_t top, bottom; // the scrolling region (DECSTBM), inclusive
	bool wrap_pending;    // at the right margin: the next char wraps
	struct vt_cell pen;   // attributes for new characters (ch unused)
	struct {
		uint32_t x, y;
		struct vt_cell pen;
	} saved; // DECSC / CSI s
	/* Modes. */
	bool autowrap;	     // DECAWM (?7), on
	bool newline_mode;   // LNM (20): LF also returns the carriage
	bool app_cursor;     // DECCKM (?1): cursor keys send ESC O A
	bool app_keypad;     // DECKPAM (ESC =) / DECKPNM (ESC >)
	bool cursor_visible; // DECTCEM (?25)
	/* The parser. */
	enum { VT_GROUND, VT_ESC, VT_CSI, VT_CHARSET } state;
	bool private_mode; // CSI ? ...
	uint32_t params[VT_MAX_PARAMS];
	uint32_t nparams;
	const struct vt_ops *ops;
	void *ctx;
};

/* Start @vt on @cells (@cols * @rows, both > 0): cleared, cursor home,
 * default attributes, autowrap on, LNM as @newline_mode. */
void vt_init(struct vt100 *vt, struct vt_cell *cells, uint32_t cols, uint32_t rows,
	     bool newline_mode, const struct vt_ops *ops, void *ctx);

/* Interpret @n bytes of output. */
void vt_write(struct vt100 *vt, const char *s, size_t n);

/* The cell at (@x, @y). */
static inline const struct vt_cell *vt_cell_at(const struct vt100 *vt, uint32_t x, uint32_t y)
{
	return &vt->cells[y * vt->cols + x];
}

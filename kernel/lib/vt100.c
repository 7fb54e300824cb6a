/*
 * The VT100/ANSI screen model (lib/vt100.h). The parser follows the
 * shape of Paul Williams' DEC-compatible state machine reduced to what a
 * console needs: ground, ESC, CSI (parameters, '?' private marker,
 * intermediates ignored) and the one-byte charset designations. Each
 * sequence edits the grid and reports changed cells and scrolls.
 * References: ECMA-48 5th ed. §8.3 (CUU ... SGR), DEC VT100 User Guide
 * ch. 3 (DECSTBM, DECSC/DECRC, IND, RI, DECCKM), xterm ctlseqs.
 * Pure: host-testable.
 */
#include "lib/vt100.h"
#include "lib/string.h"

#define ESC 0x1b
#define TAB_STOP 8
#define PARAM_MAX 9999u

static struct vt_cell blank(const struct vt100 *vt)
{
	struct vt_cell c = vt->pen;

	c.ch = ' ';
	c.attr &= VT_REVERSE; // erased cells keep the colours, reverse
	return c;
}

static void set_cell(struct vt100 *vt, uint32_t x, uint32_t y, struct vt_cell c)
{
	vt->cells[y * vt->cols + x] = c;
	if (vt->ops && vt->ops->draw)
		vt->ops->draw(vt->ctx, x, y, &vt->cells[y * vt->cols + x]);
}

static void erase(struct vt100 *vt, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1)
{
	/* Cells from (x0, y0) to (x1, y1) inclusive, in reading order. */
	struct vt_cell b = blank(vt);

	for (uint32_t y = y0; y <= y1; y++)
		for (uint32_t x = y == y0 ? x0 : 0; x <= (y == y1 ? x1 : vt->cols - 1); x++)
			set_cell(vt, x, y, b);
}

/* Move rows [top, bottom] up by @n (or down by -n), blanking the rest. */
static void scroll(struct vt100 *vt, uint32_t top, uint32_t bottom, int n)
{
	uint32_t height = bottom - top + 1, k = (uint32_t)(n < 0 ? -n : n);
	size_t row = vt->cols * sizeof(struct vt_cell);

	if (k > height)
		k = height;
	if (!k)
		return;
	if (n > 0)
		memmove(&vt->cells[top * vt->cols], &vt->cells[(top + k) * vt->cols],
			(height - k) * row);
	else
		memmove(&vt->cells[(top + k) * vt->cols], &vt->cells[top * vt->cols],
			(height - k) * row);
	if (vt->ops && vt->ops->scroll && k < height)
		vt->ops->scroll(vt->ctx, top, bottom, n > 0 ? (int)k : -(int)k);
	else if (vt->ops && vt->ops->draw)
		for (uint32_t y = top; y < top + height - k; y++) {
			uint32_t dy = n > 0 ? y : y + k;

			for (uint32_t x = 0; x < vt->cols; x++)
				vt->ops->draw(vt->ctx, x, dy, vt_cell_at(vt, x, dy));
		}
	if (n > 0)
		erase(vt, 0, bottom - k + 1, vt->cols - 1, bottom);
	else
		erase(vt, 0, top, vt->cols - 1, top + k - 1);
}

void vt_init(struct vt100 *vt, struct vt_cell *cells, uint32_t cols, uint32_t rows,
	     bool newline_mode, const struct vt_ops *ops, void *ctx)
{
	memset(vt, 0, sizeof(*vt));
	vt->cells = cells;
	vt->cols = cols;
	vt->rows = rows;
	vt->bottom = rows - 1;
	vt->pen = (struct vt_cell){ ' ', VT_DEFAULT_FG, VT_DEFAULT_BG, 0 };
	vt->saved.pen = vt->pen;
	vt->autowrap = true;
	vt->cursor_visible = true;
	vt->newline_mode = newline_mode;
	vt->ops = ops;
	vt->ctx = ctx;
	erase(vt, 0, 0, cols - 1, rows - 1);
}

static void linefeed(struct vt100 *vt)
{
	vt->wrap_pending = false;
	if (vt->y == vt->bottom)
		scroll(vt, vt->top, vt->bottom, 1);
	else if (vt->y < vt->rows - 1)
		vt->y++;
}

static void reverse_index(struct vt100 *vt)
{
	vt->wrap_pending = false;
	if (vt->y == vt->top)
		scroll(vt, vt->top, vt->bottom, -1);
	else if (vt->y > 0)
		vt->y--;
}

static void put_char(struct vt100 *vt, uint8_t ch)
{
	struct vt_cell c = vt->pen;

	if (vt->wrap_pending) {
		vt->x = 0;
		linefeed(vt);
	}
	c.ch = ch;
	set_cell(vt, vt->x, vt->y, c);
	if (vt->x + 1 < vt->cols)
		vt->x++;
	else
		vt->wrap_pending = vt->autowrap;
}

static void control(struct vt100 *vt, uint8_t c)
{
	switch (c) {
	case '\r':
		vt->x = 0;
		vt->wrap_pending = false;
		break;
	case '\n':
	case '\v':
	case '\f':
		if (vt->newline_mode)
			vt->x = 0;
		linefeed(vt);
		break;
	case '\b':
		if (vt->x > 0)
			vt->x--;
		vt->wrap_pending = false;
		break;
	case '\t':
		vt->x = (vt->x / TAB_STOP + 1) * TAB_STOP;
		if (vt->x >= vt->cols)
			vt->x = vt->cols - 1;
		break;
	default: // BEL, NUL, SO/SI ...: nothing to draw
		break;
	}
}

static uint32_t param(const struct vt100 *vt, uint32_t i, uint32_t dflt)
{
	return i < vt->nparams && vt->params[i] ? vt->params[i] : dflt;
}

static uint32_t clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Cursor to (@x, @y), kept on the screen. */
static void move_to(struct vt100 *vt, int64_t x, int64_t y)
{
	vt->x = (uint32_t)(x < 0 ? 0 : x >= vt->cols ? vt->cols - 1 : x);
	vt->y = (uint32_t)(y < 0 ? 0 : y >= vt->rows ? vt->rows - 1 : y);
	vt->wrap_pending = false;
}

/* CUU/CUD stop at the scrolling margins when they start inside them. */
static void move_vertical(struct vt100 *vt, int64_t dy)
{
	int64_t y = (int64_t)vt->y + dy;

	if (vt->y >= vt->top && vt->y <= vt->bottom)
		y = y < vt->top ? vt->top : y > vt->bottom ? vt->bottom : y;
	move_to(vt, vt->x, y);
}

static uint8_t sgr_colour(uint32_t p, uint32_t base)
{
	return (uint8_t)(p - base);
}

static void sgr(struct vt100 *vt)
{
	if (!vt->nparams)
		vt->nparams = 1, vt->params[0] = 0;
	for (uint32_t i = 0; i < vt->nparams; i++) {
		uint32_t p = vt->params[i];

		if (p == 0)
			vt->pen = (struct vt_cell){ ' ', VT_DEFAULT_FG, VT_DEFAULT_BG, 0 };
		else if (p == 1)
			vt->pen.attr |= VT_BOLD;
		else if (p == 4)
			vt->pen.attr |= VT_UNDERLINE;
		else if (p == 7)
			vt->pen.attr |= VT_REVERSE;
		else if (p == 22)
			vt->pen.attr &= ~VT_BOLD;
		else if (p == 24)
			vt->pen.attr &= ~VT_UNDERLINE;
		else if (p == 27)
			vt->pen.attr &= ~VT_REVERSE;
		else if (p >= 30 && p <= 37)
			vt->pen.fg = sgr_colour(p, 30);
		else if (p == 39)
			vt->pen.fg = VT_DEFAULT_FG;
		else if (p >= 40 && p <= 47)
			vt->pen.bg = sgr_colour(p, 40);
		else if (p == 49)
			vt->pen.bg = VT_DEFAULT_BG;
		else if (p >= 90 && p <= 97)
			vt->pen.fg = sgr_colour(p, 90) + 8;
		else if (p >= 100 && p <= 107)
			vt->pen.bg = sgr_colour(p, 100) + 8;
		else if ((p == 38 || p == 48) && i + 2 < vt->nparams && vt->params[i + 1] == 5) {
			uint32_t n = vt->params[i + 2]; // 256 colours: the first 16 only

			if (n < 16)
				*(p == 38 ? &vt->pen.fg : &vt->pen.bg) = (uint8_t)n;
			i += 2;
		}
	}
}

static void set_mode(struct vt100 *vt, bool on)
{
	for (uint32_t i = 0; i < vt->nparams; i++) {
		uint32_t p = vt->params[i];

		if (!vt->private_mode && p == 20)
			vt->newline_mode = on;
		else if (vt->private_mode && p == 1)
			vt->app_cursor = on;
		else if (vt->private_mode && p == 7)
			vt->autowrap = on;
		else if (vt->private_mode && p == 25)
			vt->cursor_visible = on;
	}
}

/* ED (J) and EL (K). */
static void erase_in(struct vt100 *vt, uint8_t final)
{
	uint32_t mode = param(vt, 0, 0), last = vt->cols - 1;
	bool line = final == 'K';

	if (mode == 0)
		erase(vt, vt->x, vt->y, line ? last : last, line ? vt->y : vt->rows - 1);
	else if (mode == 1)
		erase(vt, line ? 0 : 0, line ? vt->y : 0, vt->x, vt->y);
	else if (mode == 2 || mode == 3)
		erase(vt, 0, line ? vt->y : 0, last, line ? vt->y : vt->rows - 1);
}

/* ICH (@), DCH (P), ECH (X) on the cursor's line. */
static void edit_chars(struct vt100 *vt, uint8_t final)
{
	uint32_t n = clamp(param(vt, 0, 1), 1, vt->cols - vt->x), y = vt->y;
	struct vt_cell *row = &vt->cells[y * vt->cols], b = blank(vt);

	if (final == 'X') {
		erase(vt, vt->x, y, vt->x + n - 1, y);
		return;
	}
	if (final == '@')
		memmove(&row[vt->x + n], &row[vt->x], (vt->cols - vt->x - n) * sizeof(*row));
	else
		memmove(&row[vt->x], &row[vt->x + n], (vt->cols - vt->x - n) * sizeof(*row));
	for (uint32_t i = 0; i < n; i++)
		row[final == '@' ? vt->x + i : vt->cols - n + i] = b;
	for (uint32_t x = vt->x; x < vt->cols; x++)
		set_cell(vt, x, y, row[x]);
}

static void set_margins(struct vt100 *vt)
{
	uint32_t top = param(vt, 0, 1), bottom = param(vt, 1, vt->rows);

	if (bottom > vt->rows)
		bottom = vt->rows;
	if (top >= bottom)
		return; // DECSTBM needs at least two lines
	vt->top = top - 1;
	vt->bottom = bottom - 1;
	move_to(vt, 0, 0);
}

static void csi_dispatch(struct vt100 *vt, uint8_t final)
{
	uint32_t n = param(vt, 0, 1);

	switch (final) {
	case 'A':
		move_vertical(vt, -(int64_t)n);
		break;
	case 'B':
	case 'e':
		move_vertical(vt, n);
		break;
	case 'C':
	case 'a':
		move_to(vt, (int64_t)vt->x + n, vt->y);
		break;
	case 'D':
		move_to(vt, (int64_t)vt->x - n, vt->y);
		break;
	case 'E':
		move_to(vt, 0, (int64_t)vt->y + n);
		break;
	case 'F':
		move_to(vt, 0, (int64_t)vt->y - n);
		break;
	case 'G':
	case '`':
		move_to(vt, n - 1, vt->y);
		break;
	case 'd':
		move_to(vt, vt->x, n - 1);
		break;
	case 'H':
	case 'f':
		move_to(vt, param(vt, 1, 1) - 1, n - 1);
		break;
	case 'J':
	case 'K':
		erase_in(vt, final);
		vt->wrap_pending = false;
		break;
	case 'L':
	case 'M':
		/* IL/DL: scroll the part of the region from the cursor down. */
		if (vt->y >= vt->top && vt->y <= vt->bottom) {
			scroll(vt, vt->y, vt->bottom,
			       final == 'L' ? -(int)clamp(n, 1, vt->rows)
					    : (int)clamp(n, 1, vt->rows));
			vt->x = 0;
			vt->wrap_pending = false;
		}
		break;
	case '@':
	case 'P':
	case 'X':
		edit_chars(vt, final);
		break;
	case 'S':
		scroll(vt, vt->top, vt->bottom, (int)clamp(n, 1, vt->rows));
		break;
	case 'T':
		scroll(vt, vt->top, vt->bottom, -(int)clamp(n, 1, vt->rows));
		break;
	case 'm':
		sgr(vt);
		break;
	case 'r':
		set_margins(vt);
		break;
	case 's':
		vt->saved.x = vt->x, vt->saved.y = vt->y, vt->saved.pen = vt->pen;
		break;
	case 'u':
		move_to(vt, vt->saved.x, vt->saved.y);
		vt->pen = vt->saved.pen;
		break;
	case 'h':
	case 'l':
		set_mode(vt, final == 'h');
		break;
	default: // DSR, DA, ...: no replies from a console without input
		break;
	}
}

static void esc_dispatch(struct vt100 *vt, uint8_t c)
{
	vt->state = VT_GROUND;
	switch (c) {
	case '[':
		vt->state = VT_CSI;
		vt->nparams = 0;
		vt->private_mode = false;
		memset(vt->params, 0, sizeof(vt->params));
		break;
	case '(':
	case ')':
		vt->state = VT_CHARSET; // G0/G1 designation: one more byte
		break;
	case 'D':
		linefeed(vt);
		break;
	case 'E':
		vt->x = 0;
		linefeed(vt);
		break;
	case 'M':
		reverse_index(vt);
		break;
	case '7':
		vt->saved.x = vt->x, vt->saved.y = vt->y, vt->saved.pen = vt->pen;
		break;
	case '8':
		move_to(vt, vt->saved.x, vt->saved.y);
		vt->pen = vt->saved.pen;
		break;
	case '=':
		vt->app_keypad = true;
		break;
	case '>':
		vt->app_keypad = false;
		break;
	case 'c':
		vt_init(vt, vt->cells, vt->cols, vt->rows, vt->newline_mode, vt->ops, vt->ctx);
		break;
	default:
		break;
	}
}

static void csi_byte(struct vt100 *vt, uint8_t c)
{
	if (c >= '0' && c <= '9') {
		uint32_t *p;

		if (!vt->nparams)
			vt->nparams = 1;
		p = &vt->params[vt->nparams - 1];
		*p = *p * 10 + (c - '0');
		if (*p > PARAM_MAX)
			*p = PARAM_MAX;
	} else if (c == ';') {
		if (!vt->nparams)
			vt->nparams = 1;
		if (vt->nparams < VT_MAX_PARAMS)
			vt->nparams++; // extra parameters fold into the last
		else
			vt->params[VT_MAX_PARAMS - 1] = 0;
	} else if (c == '?') {
		vt->private_mode = true;
	} else if (c >= 0x40 && c <= 0x7e) {
		vt->state = VT_GROUND;
		csi_dispatch(vt, c);
	} else if (c == ESC) {
		vt->state = VT_ESC; // a new sequence cancels this one
	} else if (c < 0x20) {
		control(vt, c); // C0 controls act inside a sequence
	}
	/* Intermediates (0x20-0x2f) and other private markers: ignored. */
}

void vt_write(struct vt100 *vt, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		switch (vt->state) {
		case VT_GROUND:
			if (c == ESC)
				vt->state = VT_ESC;
			else if (c < 0x20 || c == 0x7f)
				control(vt, c);
			else
				put_char(vt, c);
			break;
		case VT_ESC:
			esc_dispatch(vt, c);
			break;
		case VT_CSI:
			csi_byte(vt, c);
			break;
		case VT_CHARSET:
			vt->state = VT_GROUND;
			break;
		}
	}
}

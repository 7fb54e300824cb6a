/*
 * Fuzz the VT100/ANSI screen model (kernel/lib/vt100.c): the first two
 * bytes pick a screen size (1-64 x 1-32), the rest is output. Every draw
 * and scroll callback must stay inside the grid, the cursor and the
 * scrolling region stay valid (ASan catches grid overruns).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vt100.h"

static uint32_t cols, rows;

static void on_draw(void *ctx, uint32_t x, uint32_t y, const struct vt_cell *c)
{
	(void)ctx;
	assert(x < cols && y < rows);
	assert(c->fg < 16 && c->bg < 16);
}

static void on_scroll(void *ctx, uint32_t top, uint32_t bottom, int n)
{
	(void)ctx;
	assert(top <= bottom && bottom < rows);
	assert(n != 0 && (uint32_t)abs(n) <= bottom - top + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vt_ops ops = { on_draw, on_scroll };
	struct vt100 vt;
	struct vt_cell *cells;

	if (size < 2)
		return 0;
	cols = data[0] % 64 + 1;
	rows = data[1] % 32 + 1;
	cells = malloc(cols * rows * sizeof(*cells)); // exact: overruns are reports
	vt_init(&vt, cells, cols, rows, data[0] & 0x80, &ops, NULL);
	for (size_t i = 2; i < size; i += 7) {
		size_t n = size - i < 7 ? size - i : 7;

		vt_write(&vt, (const char *)data + i, n);
		assert(vt.x < cols && vt.y < rows);
		assert(vt.top <= vt.bottom && vt.bottom < rows);
		assert(vt.nparams <= VT_MAX_PARAMS);
	}
	free(cells);
	return 0;
}

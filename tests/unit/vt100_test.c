/*
 * Tests for kernel/lib/vt100.c, the VT100/ANSI screen model: escape
 * sequences in, the cell grid (and the cursor) checked after; the
 * draw/scroll callbacks must leave a mirror grid equal to the model.
 */
#include <string.h>

#include "lib/vt100.h"
#include "unit.h"

#define COLS 10
#define ROWS 5

static struct vt_cell cells[COLS * ROWS], mirror[COLS * ROWS];
static struct vt100 vt;

static void on_draw(void *ctx, uint32_t x, uint32_t y, const struct vt_cell *c)
{
	(void)ctx;
	mirror[y * COLS + x] = *c;
}

static void on_scroll(void *ctx, uint32_t top, uint32_t bottom, int n)
{
	uint32_t k = (uint32_t)(n < 0 ? -n : n), h = bottom - top + 1;

	(void)ctx;
	if (n > 0)
		memmove(&mirror[top * COLS], &mirror[(top + k) * COLS],
			(h - k) * COLS * sizeof(*mirror));
	else
		memmove(&mirror[(top + k) * COLS], &mirror[top * COLS],
			(h - k) * COLS * sizeof(*mirror));
}

static const struct vt_ops ops = { on_draw, on_scroll };

static void fresh(void)
{
	vt_init(&vt, cells, COLS, ROWS, true, &ops, NULL);
}

static void out(const char *s)
{
	vt_write(&vt, s, strlen(s));
	CHECK(memcmp(cells, mirror, sizeof(cells)) == 0);
}

/* Row @y as text, trailing blanks dropped. */
static const char *row(uint32_t y)
{
	static char buf[COLS + 1];
	int n = COLS;

	for (int x = 0; x < COLS; x++)
		buf[x] = (char)vt_cell_at(&vt, x, y)->ch;
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = 0;
	return buf;
}

TEST(text_and_newlines)
{
	fresh();
	out("ab\ncd\r\nx\by");
	CHECK_STR_EQ(row(0), "ab");
	CHECK_STR_EQ(row(1), "cd");
	CHECK_STR_EQ(row(2), "y");
	CHECK_EQ(vt.x, 1u);
	CHECK_EQ(vt.y, 2u);
}

TEST(wrap_and_scroll)
{
	fresh();
	out("0123456789A");
	CHECK_STR_EQ(row(0), "0123456789");
	CHECK_STR_EQ(row(1), "A");
	out("\n2\n3\n4\n5");
	CHECK_STR_EQ(row(0), "A");
	CHECK_STR_EQ(row(4), "5");
	fresh();
	out("0123456789"); // at the margin: no wrap until the next char
	CHECK_EQ(vt.y, 0u);
	CHECK(vt.wrap_pending);
	out("\r\n");
	CHECK_EQ(vt.y, 1u);
	CHECK_STR_EQ(row(1), "");
}

TEST(cursor_moves)
{
	fresh();
	out("\x1b[3;4HX\x1b[2AY\x1b[5CZ\x1b[20DW\x1b[9BV");
	CHECK_STR_EQ(row(2), "   X");
	CHECK_EQ(vt_cell_at(&vt, 0, 0)->ch, 'W');
	CHECK_EQ(vt_cell_at(&vt, 4, 0)->ch, 'Y');
	CHECK_EQ(vt_cell_at(&vt, 9, 0)->ch, 'Z'); // CUF stops at the margin
	CHECK_EQ(vt_cell_at(&vt, 1, 4)->ch, 'V');
	out("\x1b[H\x1b[5GQ\x1b[f");
	CHECK_EQ(vt_cell_at(&vt, 4, 0)->ch, 'Q');
	CHECK_EQ(vt.x, 0u);
}

TEST(erase_display_and_line)
{
	fresh();
	out("aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\x1b[2;5H\x1b[K");
	CHECK_STR_EQ(row(1), "bbbb");
	out("\x1b[1K");
	CHECK_STR_EQ(row(1), "");
	out("\x1b[1;3H\x1b[J");
	CHECK_STR_EQ(row(0), "aa");
	CHECK_STR_EQ(row(2), "");
	out("\x1b[2J");
	CHECK_STR_EQ(row(0), "");
}

TEST(sgr_colours)
{
	fresh();
	out("\x1b[1;31;42ma\x1b[7mb\x1b[0mc\x1b[94;103md\x1b[39;49me\x1b[38;5;3mf");
	CHECK_EQ(vt_cell_at(&vt, 0, 0)->fg, 1);
	CHECK_EQ(vt_cell_at(&vt, 0, 0)->bg, 2);
	CHECK_EQ(vt_cell_at(&vt, 0, 0)->attr, VT_BOLD);
	CHECK_EQ(vt_cell_at(&vt, 1, 0)->attr, VT_BOLD | VT_REVERSE);
	CHECK_EQ(vt_cell_at(&vt, 2, 0)->fg, VT_DEFAULT_FG);
	CHECK_EQ(vt_cell_at(&vt, 2, 0)->attr, 0);
	CHECK_EQ(vt_cell_at(&vt, 3, 0)->fg, 12);
	CHECK_EQ(vt_cell_at(&vt, 3, 0)->bg, 11);
	CHECK_EQ(vt_cell_at(&vt, 4, 0)->fg, VT_DEFAULT_FG);
	CHECK_EQ(vt_cell_at(&vt, 5, 0)->fg, 3);
}

TEST(scrolling_region_and_reverse_index)
{
	fresh();
	out("0\n1\n2\n3\n4");
	out("\x1b[2;4r"); // rows 2-4 scroll; cursor home
	CHECK_EQ(vt.y, 0u);
	out("\x1b[4H\nX");
	CHECK_STR_EQ(row(0), "0");
	CHECK_STR_EQ(row(1), "2");
	CHECK_STR_EQ(row(2), "3");
	CHECK_STR_EQ(row(3), "X");
	CHECK_STR_EQ(row(4), "4");
	out("\x1b[2H\x1bMY");
	CHECK_STR_EQ(row(1), "Y");
	CHECK_STR_EQ(row(2), "2");
	CHECK_STR_EQ(row(3), "3");
	CHECK_STR_EQ(row(4), "4");
	out("\x1b[r\x1b[5H\n");
	CHECK_STR_EQ(row(0), "Y");
}

TEST(insert_delete_lines_and_chars)
{
	fresh();
	out("a\nb\nc\nd\x1b[2H\x1b[L");
	CHECK_STR_EQ(row(1), "");
	CHECK_STR_EQ(row(2), "b");
	CHECK_STR_EQ(row(4), "d");
	out("\x1b[2M");
	CHECK_STR_EQ(row(1), "c");
	CHECK_STR_EQ(row(2), "d");
	fresh();
	out("abcdef\x1b[1;2H\x1b[2P");
	CHECK_STR_EQ(row(0), "adef");
	out("\x1b[3@");
	CHECK_STR_EQ(row(0), "a   def");
	out("\x1b[1;1H\x1b[2X");
	CHECK_STR_EQ(row(0), "    def");
}

TEST(save_restore_and_modes)
{
	fresh();
	out("\x1b[2;3H\x1b[31m\x1b"
	    "7\x1b[H\x1b[0mx\x1b"
	    "8y");
	CHECK_EQ(vt_cell_at(&vt, 2, 1)->ch, 'y');
	CHECK_EQ(vt_cell_at(&vt, 2, 1)->fg, 1);
	out("\x1b[?1h\x1b=\x1b[?25l");
	CHECK(vt.app_cursor);
	CHECK(vt.app_keypad);
	CHECK(!vt.cursor_visible);
	out("\x1b[?1l\x1b>\x1b[?25h\x1b(B");
	CHECK(!vt.app_cursor);
	CHECK(!vt.app_keypad);
	out("\x1b[?7l0123456789AB");
	CHECK_STR_EQ(row(2), "");
	CHECK_EQ(vt_cell_at(&vt, 9, 1)->ch, 'B');
}

TEST(hostile_parameters)
{
	fresh();
	out("\x1b[99999;99999H*\x1b[0;0H+\x1b[99999L\x1b[99999@\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18m");
	out("\x1b[5;2r\x1b[99999S\x1b[99999T\x1b[;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;H");
	CHECK(vt.x < COLS && vt.y < ROWS);
}

/*
 * Tests for kernel/shell/lineedit.c. Bytes are fed as a terminal would send
 * them; each test checks the resulting line and the exact bytes echoed.
 * A small VT100 model (one row: printable, BS, CUB, EL, CUP/ED, LF) replays
 * the echo of random key sequences and checks that the screen always shows
 * prompt + line with the cursor at the editing position.
 */
#include <stdio.h>
#include <string.h>

#include "shell/complete.h"
#include "shell/lineedit.h"
#include "unit.h"

#define PROMPT "> "

/* Everything the editor wrote since the last reset. */
static char echoed[1 << 16];
static size_t echoed_len;

static void term_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	CHECK(echoed_len + n < sizeof(echoed));
	if (echoed_len + n < sizeof(echoed)) {
		memcpy(echoed + echoed_len, s, n);
		echoed_len += n;
		echoed[echoed_len] = '\0';
	}
}

static const char *const commands[] = { "prime", "panic", "help", "history", NULL };
static const char *const log_subs[] = { "debug", "info", NULL };

static const char *get_command(void *ctx, size_t i)
{
	(void)ctx;
	return commands[i];
}

static const char *const *get_subcmds(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	return n == 4 && !strncmp(name, "help", 4) ? log_subs : NULL;
}

static const struct complete_source src = { get_command, get_subcmds, NULL, NULL };

static size_t le_complete(void *ctx, const char *line, size_t pos, char *ins, size_t cap)
{
	struct complete_result res;
	size_t n = complete_word(&src, line, pos, &res);

	(void)ctx;
	snprintf(ins, cap, "%s", res.insert);
	return n;
}

static void emit_cand(void *ctx, const char *cand)
{
	term_write(ctx, cand, strlen(cand));
	term_write(ctx, "  ", 2);
}

static void le_list(void *ctx, const char *line, size_t pos)
{
	complete_list(&src, line, pos, emit_cand, ctx);
	term_write(ctx, "\n", 1);
}

static const struct lineedit_ops ops = { term_write, le_complete, le_list };
static struct lineedit le;
static struct history hist;

/* A fresh editor with an empty history, prompt written and forgotten. */
static void start(void)
{
	history_init(&hist);
	lineedit_init(&le, &ops, NULL, &hist);
	lineedit_begin(&le, PROMPT);
	echoed_len = 0;
	echoed[0] = '\0';
}

/* Feed @s; return the result of the last byte. */
static enum lineedit_result feed(const char *s)
{
	enum lineedit_result r = LINEEDIT_MORE;

	for (; *s; s++)
		r = lineedit_feed(&le, (unsigned char)*s);
	return r;
}

TEST(le_plain_line)
{
	start();
	CHECK_EQ(feed("ls -l"), LINEEDIT_MORE);
	CHECK_EQ(feed("\r"), LINEEDIT_DONE);
	CHECK_STR_EQ(lineedit_line(&le), "ls -l");
	CHECK_STR_EQ(echoed, "ls -l\n");
	CHECK_STR_EQ(le.prompt, PROMPT);
}

TEST(le_enter_variants)
{
	start();
	CHECK_EQ(feed("a\r"), LINEEDIT_DONE);
	lineedit_begin(&le, PROMPT);
	CHECK_EQ(feed("\n"), LINEEDIT_MORE);  /* LF of the CR LF: swallowed */
	CHECK_EQ(feed("b\n"), LINEEDIT_DONE); /* a lone LF ends a line */
	CHECK_STR_EQ(lineedit_line(&le), "b");
	lineedit_begin(&le, PROMPT);
	CHECK_EQ(feed("\n"), LINEEDIT_DONE); /* an empty line */
	CHECK_STR_EQ(lineedit_line(&le), "");
}

/* The scenario of the issue: a typo fixed with Left and Backspace. */
TEST(le_fix_typo)
{
	start();
	feed("echp hi");
	feed("\x1b[D\x1b[D\x1b[D"); /* cursor after the 'p' */
	feed("\x7f");
	feed("o");
	CHECK_EQ(feed("\r"), LINEEDIT_DONE);
	CHECK_STR_EQ(lineedit_line(&le), "echo hi");
	CHECK_STR_EQ(echoed, "echp hi"
			     "\b\b\b"
			     "\b hi\x1b[K\x1b[3D"
			     "o hi\x1b[3D"
			     "\n");
}

TEST(le_home_end_forms)
{
	static const char *const home[] = { "\x1b[H", "\x1b[1~", "\x1bOH", "\x1b[7~", "\x01" };
	static const char *const end[] = { "\x1b[F", "\x1b[4~", "\x1bOF", "\x1b[8~", "\x05" };

	for (unsigned int i = 0; i < 5; i++) {
		start();
		feed("abc");
		feed(home[i]);
		feed("X");
		feed(end[i]);
		feed("Y\r");
		CHECK_STR_EQ(lineedit_line(&le), "XabcY");
		CHECK_STR_EQ(echoed, "abc\x1b[3DXabc\x1b[3DabcY\n");
	}
}

TEST(le_delete_keys)
{
	start();
	feed("abcd\x01"); /* home */
	feed("\x1b[3~");  /* Delete: a */
	feed("\x04");	  /* ^D: b */
	CHECK_STR_EQ(le.buf, "cd");
	CHECK_STR_EQ(echoed, "abcd\x1b[4D"
			     "bcd\x1b[K\x1b[3D"
			     "cd\x1b[K\x1b[2D");
	feed("\x05\x1b[3~\x04"); /* at the end both do nothing */
	CHECK_STR_EQ(le.buf, "cd");
	feed("\x08\x08\x08"); /* ^H as Backspace; the third is a no-op */
	CHECK_STR_EQ(le.buf, "");
	CHECK_EQ(le.pos, 0);
}

TEST(le_kill_keys)
{
	start();
	feed("one two three");
	feed("\x17"); /* ^W */
	CHECK_STR_EQ(le.buf, "one two ");
	feed("\x17");
	CHECK_STR_EQ(le.buf, "one ");
	feed("x y\x1b[D\x1b[D"); /* cursor before 'y' minus one: "one x| y" */
	feed("\x0b");		 /* ^K */
	CHECK_STR_EQ(le.buf, "one x");
	feed("\x02\x02"); /* ^B ^B */
	feed("\x15");	  /* ^U kills "one " ... up to the cursor */
	CHECK_STR_EQ(le.buf, " x");
	CHECK_EQ(le.pos, 0);
	feed("\r");
	CHECK_STR_EQ(lineedit_line(&le), " x");
}

TEST(le_word_moves)
{
	start();
	feed("aa bb cc");
	feed("\x1b"
	     "b"); /* Alt-B */
	CHECK_EQ(le.pos, 6);
	feed("\x1b[1;5D"); /* Ctrl-Left */
	CHECK_EQ(le.pos, 3);
	feed("\x1b"
	     "f"); /* Alt-F */
	CHECK_EQ(le.pos, 5);
	feed("\x1b[1;5C"); /* Ctrl-Right */
	CHECK_EQ(le.pos, 8);
}

TEST(le_ctrl_c)
{
	start();
	feed("half a li");
	CHECK_EQ(feed("\x03"), LINEEDIT_CANCEL);
	CHECK_STR_EQ(echoed, "half a li^C\n");
	lineedit_begin(&le, PROMPT);
	CHECK_EQ(feed("ok\r"), LINEEDIT_DONE);
	CHECK_STR_EQ(lineedit_line(&le), "ok");
}

TEST(le_ctrl_l)
{
	start();
	feed("abc\x1b[D\x0c");
	CHECK_STR_EQ(echoed, "abc\b\x1b[H\x1b[2J" PROMPT "abc\b");
}

/* Unknown sequences, stray control bytes and 8-bit bytes: no echo at all. */
TEST(le_swallow_garbage)
{
	static const char *const junk[] = {
		"\x1b[99z",    "\x1b[?25h",
		"\x1bOx",      "\x1b[2~",
		"\x1b[15~",    "\x1b[1;2P",
		"\x07",	       "\x00",
		"\x1f",	       "\x80",
		"\xff\xfe",    "\x1bz",
		"\x1b\x1b[5~", "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13C", /* over-long: dropped whole */
	};

	start();
	feed("ab");
	echoed_len = 0;
	echoed[0] = '\0';
	for (unsigned int i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		const char *s = junk[i];

		if (!*s) /* the NUL byte */
			lineedit_feed(&le, 0);
		feed(s);
	}
	CHECK_STR_EQ(echoed, "");
	CHECK_STR_EQ(le.buf, "ab");
	CHECK_EQ(le.pos, 2);
	CHECK_EQ(feed("\r"), LINEEDIT_DONE);
}

/* A control byte inside a sequence ends it and still acts: ^C works. */
TEST(le_control_inside_sequence)
{
	start();
	feed("x\x1b[1");
	CHECK_EQ(feed("\x03"), LINEEDIT_CANCEL);
}

TEST(le_cursor_report)
{
	start();
	CHECK(!lineedit_terminal_seen(&le));
	feed("\x1b[24;80R");
	CHECK(lineedit_terminal_seen(&le));
	CHECK_STR_EQ(echoed, "");
}

TEST(le_too_long)
{
	static char paste[10001];

	start();
	memset(paste, 'a', 10000);
	CHECK_EQ(feed(paste), LINEEDIT_MORE);
	CHECK_EQ(le.len, LINEEDIT_MAX - 1);
	CHECK_EQ(feed("\r"), LINEEDIT_TOO_LONG);
	CHECK_EQ(lineedit_typed_len(&le), 10000);
	/* Echo: what fitted, one bell, the newline. */
	CHECK_EQ(echoed_len, LINEEDIT_MAX - 1 + 2);
	CHECK(echoed[LINEEDIT_MAX - 1] == '\a' && echoed[LINEEDIT_MAX] == '\n');
	/* The next line is normal again. */
	lineedit_begin(&le, PROMPT);
	CHECK_EQ(feed("echo ok\r"), LINEEDIT_DONE);
	CHECK_STR_EQ(lineedit_line(&le), "echo ok");
	CHECK_EQ(lineedit_typed_len(&le), 7);
}

TEST(le_history)
{
	start();
	CHECK_EQ(history_add(&hist, "first"), 0);
	CHECK_EQ(history_add(&hist, "second"), 0);
	feed("draft");
	feed("\x1b[A");
	CHECK_STR_EQ(le.buf, "second");
	CHECK_STR_EQ(echoed, "draft\x1b[5Dsecond\x1b[K");
	feed("\x1b[A");
	CHECK_STR_EQ(le.buf, "first");
	feed("\x1b[A"); /* no older one: stays */
	CHECK_STR_EQ(le.buf, "first");
	feed("\x1bOB\x1b[B"); /* SS3 and CSI Down */
	CHECK_STR_EQ(le.buf, "draft");
	CHECK_EQ(le.pos, 5);
	feed("\x10"); /* ^P */
	CHECK_EQ(feed("\r"), LINEEDIT_DONE);
	CHECK_STR_EQ(lineedit_line(&le), "second");
}

TEST(le_tab)
{
	start();
	feed("pri\t");
	CHECK_STR_EQ(le.buf, "prime ");
	CHECK_STR_EQ(echoed, "prime ");
	feed("\x15p\t"); /* ambiguous, nothing in common: list and redraw */
	CHECK_STR_EQ(le.buf, "p");
	CHECK(strstr(echoed, "\nprime  panic  \n" PROMPT "p") != NULL);
	feed("\x15zz\t"); /* no match: bell */
	CHECK(echoed[echoed_len - 1] == '\a');
	feed("\x15help i\t");
	CHECK_STR_EQ(le.buf, "help info ");
}

/* ---- random keys against the VT100 model ------------------------------ */

struct screen {
	char row[4096];
	size_t len, col;
};

static void screen_apply(struct screen *s, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int num = 0;

		if (b[i] == '\x1b') {
			CHECK(b[++i] == '[');
			while (b[i + 1] >= '0' && b[i + 1] <= '9')
				num = num * 10 + (unsigned int)(b[++i] - '0');
			i++;
			if (b[i] == 'D')
				s->col -= num <= s->col ? num : s->col;
			else if (b[i] == 'K')
				s->len = s->col;
			else if (b[i] == 'H')
				s->col = 0;
			else if (b[i] == 'J')
				s->len = 0;
			else
				CHECKF(0, "unexpected CSI final %c", b[i]);
		} else if (b[i] == '\b') {
			s->col -= s->col > 0;
		} else if (b[i] == '\n') {
			s->len = s->col = 0;
		} else if (b[i] != '\a') {
			CHECK(b[i] >= ' ' && b[i] < 0x7f);
			s->row[s->col++] = b[i];
			if (s->col > s->len)
				s->len = s->col;
		}
	}
}

TEST(le_random_keys_keep_screen_in_step)
{
	static const char *const keys[] = {
		"a",
		"b",
		" ",
		"x",
		"\x7f",
		"\x1b[D",
		"\x1b[C",
		"\x1b[H",
		"\x1b[F",
		"\x1b[3~",
		"\x01",
		"\x05",
		"\x15",
		"\x0b",
		"\x17",
		"\x1b[A",
		"\x1b[B",
		"\x1b"
		"b",
		"\x1b[1;5C",
		"\x0c",
		"\t",
		"\x04",
		"\x1b[99q",
		"\x80",
	};
	struct screen scr = { .len = 0 };

	start();
	history_add(&hist, "help");
	history_add(&hist, "prime 100");
	history_add(&hist, "a much longer line from the history");
	scr.len = scr.col = strlen(PROMPT);
	memcpy(scr.row, PROMPT, scr.len);
	for (int step = 0; step < 200000; step++) {
		const char *k = keys[unit_rand_below(sizeof(keys) / sizeof(keys[0]))];
		char want[LINEEDIT_MAX + 8];

		echoed_len = 0;
		CHECK_EQ(feed(k), LINEEDIT_MORE);
		screen_apply(&scr, echoed, echoed_len);
		/* A completion list scrolls: the model keeps the last row only. */
		snprintf(want, sizeof(want), PROMPT "%s", le.buf);
		CHECK(le.pos <= le.len && le.len < LINEEDIT_MAX);
		CHECK_EQ(strlen(le.buf), le.len);
		if (scr.len != strlen(want) || memcmp(scr.row, want, scr.len) ||
		    scr.col != strlen(PROMPT) + le.pos) {
			CHECKF(0, "step %d key %s: screen <%.*s> col %zu, want <%s> col %zu", step,
			       k[0] == 0x1b ? "ESC" : k, (int)scr.len, scr.row, scr.col, want,
			       strlen(PROMPT) + le.pos);
			break;
		}
		if (le.len > 300) { /* keep lines short */
			echoed_len = 0;
			feed("\x01\x0b");
			screen_apply(&scr, echoed, echoed_len);
		}
	}
}

/*
 * Up after an over-long line replaced it with a history entry but kept the
 * count of dropped characters, so Enter refused the entry as too long (and
 * reported a length it never had); Down back to the own line must still
 * know it was cut. Found by the lineedit fuzzer
 * (tests/fuzz/corpus/lineedit/crash-history-after-overflow).
 */
TEST(le_history_after_too_long)
{
	static char paste[LINEEDIT_MAX + 20];

	start();
	(void)history_add(&hist, "help");
	lineedit_begin(&le, PROMPT);
	memset(paste, 'a', sizeof(paste) - 1);
	CHECK_EQ(feed(paste), LINEEDIT_MORE);
	CHECK_EQ(feed("\x1b[A\r"), LINEEDIT_DONE); /* the entry, whole */
	CHECK_STR_EQ(lineedit_line(&le), "help");
	CHECK_EQ(lineedit_typed_len(&le), 4);

	lineedit_begin(&le, PROMPT);
	CHECK_EQ(feed(paste), LINEEDIT_MORE);
	CHECK_EQ(feed("\x1b[A\x1b[B\r"), LINEEDIT_TOO_LONG); /* own line: still cut */
	CHECK_EQ(lineedit_typed_len(&le), sizeof(paste) - 1);
}

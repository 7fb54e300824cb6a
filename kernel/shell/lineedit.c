/*
 * The shell's line editor (keys and behaviour in lineedit.h). Every edit
 * updates the buffer and then the screen with the fewest VT100 sequences
 * that keep the two in step: "\b" or CSI n D to move left, the characters
 * themselves to move right, CSI K to erase the rest of the row.
 * References: ECMA-48 §5.4 (control sequence syntax), DEC VT100 User Guide
 * ch. 3 (CUB, EL, ED, CUP, DSR/CPR), xterm ctlseqs (PC-style function keys).
 * Pure: host-testable.
 */
#include "shell/lineedit.h"

#include "lib/printf.h"
#include "lib/string.h"

#define CTRL(c) ((c)&0x1f)
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

static void emit(struct lineedit *le, const char *s, size_t n)
{
	if (n)
		le->ops->write(le->ctx, s, n);
}

static void emits(struct lineedit *le, const char *s)
{
	emit(le, s, strlen(s));
}

static void bell(struct lineedit *le)
{
	emits(le, "\a");
}

/* Move the terminal cursor @n columns left (CUB). */
static void cursor_left(struct lineedit *le, size_t n)
{
	char seq[24];

	if (n == 1) {
		emits(le, "\b");
	} else if (n > 1) {
		ksnprintf(seq, sizeof(seq), "\x1b[%zuD", n);
		emits(le, seq);
	}
}

/* With the cursor at column @from: rewrite the line from there, erase what
 * is left of the old text if @erase, and put the cursor back at pos. */
static void redraw_from(struct lineedit *le, size_t from, bool erase)
{
	emit(le, le->buf + from, le->len - from);
	if (erase)
		emits(le, "\x1b[K");
	cursor_left(le, le->len - le->pos);
}

/* Whole prompt and line, for ^L and after a completion list. */
static void redraw_all(struct lineedit *le)
{
	emits(le, le->prompt);
	emit(le, le->buf, le->len);
	cursor_left(le, le->len - le->pos);
}

void lineedit_init(struct lineedit *le, const struct lineedit_ops *ops, void *ctx,
		   const struct history *hist)
{
	memset(le, 0, sizeof(*le));
	le->ops = ops;
	le->ctx = ctx;
	le->hist = hist;
	le->prompt = "";
}

void lineedit_begin(struct lineedit *le, const char *prompt)
{
	le->prompt = prompt;
	le->len = le->pos = le->dropped = 0;
	le->buf[0] = '\0';
	le->esc = ESC_NONE;
	le->hist_pos = 0;
	emits(le, prompt);
}

/* Insert @n bytes at the cursor; false (and nothing changed) if they do
 * not fit. */
static bool insert_text(struct lineedit *le, const char *s, size_t n)
{
	size_t old = le->pos;

	if (le->len + n >= LINEEDIT_MAX)
		return false;
	memmove(le->buf + le->pos + n, le->buf + le->pos, le->len - le->pos + 1);
	memcpy(le->buf + le->pos, s, n);
	le->len += n;
	le->pos += n;
	redraw_from(le, old, false);
	return true;
}

/* Remove [@from, @to) with the terminal cursor at pos; the cursor ends at
 * @from. */
static void delete_range(struct lineedit *le, size_t from, size_t to)
{
	if (from >= to)
		return;
	cursor_left(le, le->pos - from);
	memmove(le->buf + from, le->buf + to, le->len - to + 1);
	le->len -= to - from;
	le->pos = from;
	redraw_from(le, from, true);
}

static void move_to(struct lineedit *le, size_t to)
{
	if (to < le->pos)
		cursor_left(le, le->pos - to);
	else
		emit(le, le->buf + le->pos, to - le->pos);
	le->pos = to;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Start of the word before the cursor (blanks before it skipped). */
static size_t word_left(const struct lineedit *le)
{
	size_t i = le->pos;

	while (i > 0 && is_blank(le->buf[i - 1]))
		i--;
	while (i > 0 && !is_blank(le->buf[i - 1]))
		i--;
	return i;
}

/* End of the word after the cursor. */
static size_t word_right(const struct lineedit *le)
{
	size_t i = le->pos;

	while (i < le->len && is_blank(le->buf[i]))
		i++;
	while (i < le->len && !is_blank(le->buf[i]))
		i++;
	return i;
}

/* Replace the whole line with @text (history navigation). */
static void replace_line(struct lineedit *le, const char *text)
{
	cursor_left(le, le->pos);
	le->len = le->pos = strlcpy(le->buf, text, LINEEDIT_MAX);
	if (le->len >= LINEEDIT_MAX)
		le->len = le->pos = LINEEDIT_MAX - 1;
	redraw_from(le, 0, true);
}

/* Up (@older) or Down through the history. */
static void history_step(struct lineedit *le, bool older)
{
	unsigned int to = le->hist_pos;

	if (!le->hist)
		return;
	if (older && to < history_count(le->hist))
		to++;
	else if (!older && to > 0)
		to--;
	if (to == le->hist_pos)
		return;
	if (le->hist_pos == 0) {
		strlcpy(le->stash, le->buf, LINEEDIT_MAX);
		le->stash_dropped = le->dropped;
	}
	le->hist_pos = to;
	replace_line(le, to ? history_get(le->hist, to - 1) : le->stash);
	/* A history entry is whole; the own line keeps what it had dropped. */
	le->dropped = to ? 0 : le->stash_dropped;
}

static void complete(struct lineedit *le)
{
	char ins[LINEEDIT_MAX];
	size_t n;

	if (!le->ops->complete)
		return;
	n = le->ops->complete(le->ctx, le->buf, le->pos, ins, sizeof(ins));
	if (n == 0) {
		bell(le);
	} else if (ins[0]) {
		if (!insert_text(le, ins, strlen(ins)))
			bell(le);
	} else if (n > 1 && le->ops->list) {
		emits(le, "\n");
		le->ops->list(le->ctx, le->buf, le->pos);
		redraw_all(le);
	}
}

static void insert_char(struct lineedit *le, char c)
{
	if (le->dropped || !insert_text(le, &c, 1)) {
		if (!le->dropped++)
			bell(le);
	}
}

/* Decimal parameter @idx of the CSI sequence (0 when absent). */
static unsigned int csi_param(const struct lineedit *le, unsigned int idx)
{
	unsigned int val = 0;

	for (size_t i = 0; i < le->seq_len; i++) {
		char c = le->seq[i];

		if (c == ';' && idx-- == 0)
			break;
		if (idx == 0 && c >= '0' && c <= '9')
			val = val * 10 + (unsigned int)(c - '0');
	}
	return val;
}

/* ESC [ ... ~ : PC-style editing keys. */
static void csi_tilde(struct lineedit *le, unsigned int key)
{
	switch (key) {
	case 1:
	case 7:
		move_to(le, 0);
		break;
	case 4:
	case 8:
		move_to(le, le->len);
		break;
	case 3:
		delete_range(le, le->pos, le->pos < le->len ? le->pos + 1 : le->pos);
		break;
	}
}

/* Cursor keys, from CSI (with an optional modifier) or SS3. */
static void cursor_key(struct lineedit *le, char final, bool modified)
{
	switch (final) {
	case 'A':
		history_step(le, true);
		break;
	case 'B':
		history_step(le, false);
		break;
	case 'C':
		move_to(le, modified ? word_right(le) : le->pos + (le->pos < le->len));
		break;
	case 'D':
		move_to(le, modified ? word_left(le) : le->pos - (le->pos > 0));
		break;
	case 'H':
		move_to(le, 0);
		break;
	case 'F':
		move_to(le, le->len);
		break;
	}
}

static void csi_dispatch(struct lineedit *le, char final)
{
	if (final == '~')
		csi_tilde(le, csi_param(le, 0));
	else if (final == 'R' && memchr(le->seq, ';', le->seq_len))
		le->terminal_seen = true; /* CPR: ESC [ row ; col R */
	else
		cursor_key(le, final, csi_param(le, 1) > 1);
}

/* A byte inside an escape sequence. Returns false when the byte ended the
 * sequence without belonging to it and must be handled as ordinary input
 * (a control character: ^C still works in the middle of a sequence). */
static bool escape_byte(struct lineedit *le, unsigned char c)
{
	if (c < 0x20 || c >= KEY_DEL) {
		le->esc = ESC_NONE;
		return false;
	}
	switch (le->esc) {
	case ESC_START:
		le->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		le->seq_len = 0;
		le->seq_overflow = false;
		if (c == 'b' || c == 'f') /* Alt-B, Alt-F */
			move_to(le, c == 'b' ? word_left(le) : word_right(le));
		break;
	case ESC_SS3:
		le->esc = ESC_NONE;
		cursor_key(le, (char)c, false);
		break;
	case ESC_CSI:
		if (c < 0x40) { /* parameter or intermediate byte */
			if (le->seq_len < LINEEDIT_SEQ_MAX)
				le->seq[le->seq_len++] = (char)c;
			else
				le->seq_overflow = true;
			break;
		}
		le->esc = ESC_NONE; /* final byte */
		if (!le->seq_overflow)
			csi_dispatch(le, (char)c);
		break;
	case ESC_NONE:
		break;
	}
	return true;
}

static enum lineedit_result finish_line(struct lineedit *le)
{
	emits(le, "\n");
	return le->dropped ? LINEEDIT_TOO_LONG : LINEEDIT_DONE;
}

/* Control keys that edit the line. */
static void control_key(struct lineedit *le, unsigned char c)
{
	switch (c) {
	case CTRL('A'):
		move_to(le, 0);
		break;
	case CTRL('E'):
		move_to(le, le->len);
		break;
	case CTRL('B'):
		cursor_key(le, 'D', false);
		break;
	case CTRL('F'):
		cursor_key(le, 'C', false);
		break;
	case CTRL('P'):
		cursor_key(le, 'A', false);
		break;
	case CTRL('N'):
		cursor_key(le, 'B', false);
		break;
	case CTRL('H'):
	case KEY_DEL:
		delete_range(le, le->pos - (le->pos > 0), le->pos);
		break;
	case CTRL('D'):
		delete_range(le, le->pos, le->pos + (le->pos < le->len));
		break;
	case CTRL('U'):
		delete_range(le, 0, le->pos);
		break;
	case CTRL('K'):
		le->len = le->pos;
		le->buf[le->len] = '\0';
		emits(le, "\x1b[K");
		break;
	case CTRL('W'):
		delete_range(le, word_left(le), le->pos);
		break;
	case CTRL('L'):
		emits(le, "\x1b[H\x1b[2J");
		redraw_all(le);
		break;
	case '\t':
		complete(le);
		break;
	}
}

enum lineedit_result lineedit_feed(struct lineedit *le, unsigned char c)
{
	bool after_cr = le->after_cr;

	le->after_cr = false;
	if (le->esc != ESC_NONE && escape_byte(le, c))
		return LINEEDIT_MORE;
	switch (c) {
	case '\n':
		if (after_cr)
			return LINEEDIT_MORE; /* the LF of CR LF */
		return finish_line(le);
	case '\r':
		le->after_cr = true;
		return finish_line(le);
	case CTRL('C'):
		emits(le, "^C\n");
		return LINEEDIT_CANCEL;
	case KEY_ESC:
		le->esc = ESC_START;
		return LINEEDIT_MORE;
	}
	if (c >= ' ' && c < KEY_DEL)
		insert_char(le, (char)c);
	else
		control_key(le, c);
	return LINEEDIT_MORE;
}

const char *lineedit_line(const struct lineedit *le)
{
	return le->buf;
}

size_t lineedit_typed_len(const struct lineedit *le)
{
	return le->len + le->dropped;
}

bool lineedit_terminal_seen(const struct lineedit *le)
{
	return le->terminal_seen;
}

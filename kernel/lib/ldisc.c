/*
 * The line discipline's pure core (lib/ldisc.h): Linux's n_tty receive
 * path reduced to a flat buffer. Readable bytes sit at the front of buf,
 * the canonical line being edited after them; a read moves bytes out and
 * shifts the rest down (the buffer is 4 KiB, lines are short).
 * References: POSIX.1-2017 XBD §11.1 and §11.2 (termios), Linux
 * drivers/tty/n_tty.c (echo of control characters, ECHOKE, WERASE).
 * Pure: host-testable.
 */
#include "lib/ldisc.h"
#include "lib/string.h"

#define CTRL(c) ((c)&0x1f)
#define DEL 0x7f

void ldisc_init(struct ldisc *l)
{
	static const uint8_t cc[19] = { CTRL('C'), CTRL('\\'), DEL,	  CTRL('U'), CTRL('D'), 0,
					1,	   0,	       CTRL('Q'), CTRL('S'), CTRL('Z'), 0,
					CTRL('R'), CTRL('O'),  CTRL('W'), CTRL('V'), 0 };

	memset(l, 0, sizeof(*l));
	l->t.c_iflag = LD_ICRNL | LD_IXON;
	l->t.c_oflag = LD_OPOST | LD_ONLCR;
	l->t.c_cflag = 0xbf; // B38400 | CS8 | CREAD (a Linux pty's)
	l->t.c_lflag = LD_ISIG | LD_ICANON | LD_ECHO | LD_ECHOE | LD_ECHOK | LD_ECHOCTL |
		       LD_ECHOKE | LD_IEXTEN;
	memcpy(l->t.c_cc, cc, sizeof(cc));
}

static bool is_cc(const struct ldisc *l, uint8_t c, int idx)
{
	/* _POSIX_VDISABLE is 0 on Linux: a zero entry matches nothing. */
	return l->t.c_cc[idx] != 0 && l->t.c_cc[idx] == c;
}

static bool lflag(const struct ldisc *l, uint32_t f)
{
	return (l->t.c_lflag & f) != 0;
}

static void emit(const struct ldisc *l, const struct ldisc_ops *ops, void *ctx, const char *s,
		 size_t n)
{
	char out[16];

	while (n) {
		size_t k = n < sizeof(out) / 2 ? n : sizeof(out) / 2;

		if (ops && ops->echo)
			ops->echo(ctx, out, ldisc_output(l, s, k, out));
		s += k;
		n -= k;
	}
}

/* Does @c echo as ^X under ECHOCTL? (n_tty: control characters but TAB
 * and NL, and DEL as ^?.) */
static bool echoes_as_caret(const struct ldisc *l, uint8_t c)
{
	return lflag(l, LD_ECHOCTL) && ((c < 0x20 && c != '\t' && c != '\n') || c == DEL);
}

static void echo_char(const struct ldisc *l, uint8_t c, const struct ldisc_ops *ops, void *ctx)
{
	if (echoes_as_caret(l, c)) {
		char s[2] = { '^', (char)(c == DEL ? '?' : c + '@') };

		emit(l, ops, ctx, s, 2);
	} else {
		emit(l, ops, ctx, (const char *)&c, 1);
	}
}

/* Remove the last byte of the line being edited, erasing it on screen. */
static bool erase_one(struct ldisc *l, const struct ldisc_ops *ops, void *ctx, bool visual)
{
	uint8_t c;

	if (l->nbuf == l->nread)
		return false;
	c = l->buf[--l->nbuf];
	if (lflag(l, LD_ECHO) && visual) {
		int cols = echoes_as_caret(l, c) ? 2 : 1;

		for (int i = 0; i < cols; i++)
			emit(l, ops, ctx, "\b \b", 3);
	}
	return true;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* ERASE, WERASE, KILL on the line being edited. */
static void edit(struct ldisc *l, int idx, uint8_t c, const struct ldisc_ops *ops, void *ctx)
{
	bool visual_erase = lflag(l, LD_ECHOE);

	if (idx == LD_VERASE) {
		if (!erase_one(l, ops, ctx, visual_erase))
			return;
		if (lflag(l, LD_ECHO) && !visual_erase)
			echo_char(l, c, ops, ctx);
	} else if (idx == LD_VWERASE) {
		while (l->nbuf > l->nread && is_space(l->buf[l->nbuf - 1]))
			erase_one(l, ops, ctx, true);
		while (l->nbuf > l->nread && !is_space(l->buf[l->nbuf - 1]))
			erase_one(l, ops, ctx, true);
	} else if (lflag(l, LD_ECHOKE) && visual_erase) { // KILL, erased on screen
		while (erase_one(l, ops, ctx, true))
			;
	} else { // KILL: echo it (if ECHO), then a newline under ECHOK
		l->nbuf = l->nread;
		if (lflag(l, LD_ECHO)) {
			echo_char(l, c, ops, ctx);
			if (lflag(l, LD_ECHOK))
				emit(l, ops, ctx, "\n", 1);
		}
	}
}

/* End the canonical line with @c (kept unless @kind is LD_EOF). */
static void end_line(struct ldisc *l, uint8_t c, int kind)
{
	if (kind == LD_EOF || l->nbuf < LDISC_BUF) {
		size_t at = l->nbuf < LDISC_BUF ? l->nbuf++ : l->nbuf - 1;

		l->buf[at] = c;
		l->kind[at] = (uint8_t)kind;
	} else {
		l->kind[l->nbuf - 1] = LD_EOL; // full: the last byte ends the line
	}
	l->nread = l->nbuf;
	l->nlines++;
}

/* Store an ordinary byte: canonical lines keep a byte free for the end. */
static bool store(struct ldisc *l, uint8_t c)
{
	size_t room = lflag(l, LD_ICANON) ? LDISC_BUF - 1 : LDISC_BUF;

	if (l->nbuf >= room)
		return false;
	l->buf[l->nbuf] = c;
	l->kind[l->nbuf++] = LD_DATA;
	if (!lflag(l, LD_ICANON))
		l->nread = l->nbuf;
	return true;
}

/* ISIG: INTR, QUIT, SUSP. Returns true if @c was one. */
static bool receive_signal(struct ldisc *l, uint8_t c, const struct ldisc_ops *ops, void *ctx)
{
	int sig;

	if (is_cc(l, c, LD_VINTR))
		sig = LD_SIGINT;
	else if (is_cc(l, c, LD_VQUIT))
		sig = LD_SIGQUIT;
	else if (is_cc(l, c, LD_VSUSP))
		sig = LD_SIGTSTP;
	else
		return false;
	if (!lflag(l, LD_NOFLSH))
		ldisc_flush_input(l);
	l->stopped = false;
	if (lflag(l, LD_ECHO))
		echo_char(l, c, ops, ctx);
	if (ops && ops->signal)
		ops->signal(ctx, sig);
	return true;
}

/* Canonical mode's special characters. Returns true if @c was one. */
static bool receive_canon(struct ldisc *l, uint8_t c, const struct ldisc_ops *ops, void *ctx)
{
	if (is_cc(l, c, LD_VERASE) || is_cc(l, c, LD_VKILL) ||
	    (lflag(l, LD_IEXTEN) && is_cc(l, c, LD_VWERASE))) {
		int idx = is_cc(l, c, LD_VERASE)  ? LD_VERASE
			  : is_cc(l, c, LD_VKILL) ? LD_VKILL
						  : LD_VWERASE;

		edit(l, idx, c, ops, ctx);
		return true;
	}
	if (is_cc(l, c, LD_VEOF)) {
		end_line(l, c, LD_EOF);
		return true;
	}
	if (c == '\n' || is_cc(l, c, LD_VEOL) || (lflag(l, LD_IEXTEN) && is_cc(l, c, LD_VEOL2))) {
		if (lflag(l, LD_ECHO) || (c == '\n' && lflag(l, LD_ECHONL)))
			echo_char(l, c, ops, ctx);
		end_line(l, c, LD_EOL);
		return true;
	}
	return false;
}

/* ICRNL, INLCR, IGNCR, ISTRIP. Returns -1 for a byte to drop. */
static int map_input(const struct ldisc *l, uint8_t c)
{
	uint32_t i = l->t.c_iflag;

	if (i & LD_ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (i & LD_IGNCR)
			return -1;
		if (i & LD_ICRNL)
			return '\n';
	} else if (c == '\n' && (i & LD_INLCR)) {
		return '\r';
	}
	return c;
}

void ldisc_receive(struct ldisc *l, uint8_t c, const struct ldisc_ops *ops, void *ctx)
{
	int m = map_input(l, c);

	if (m < 0)
		return;
	c = (uint8_t)m;
	if (l->lnext) {
		l->lnext = false;
	} else {
		if ((l->t.c_iflag & LD_IXON) && (is_cc(l, c, LD_VSTOP) || is_cc(l, c, LD_VSTART))) {
			l->stopped = is_cc(l, c, LD_VSTOP);
			return;
		}
		if (lflag(l, LD_ISIG) && receive_signal(l, c, ops, ctx))
			return;
		if (lflag(l, LD_IEXTEN) && is_cc(l, c, LD_VLNEXT)) {
			l->lnext = true;
			if (lflag(l, LD_ECHO) && lflag(l, LD_ECHOCTL))
				emit(l, ops, ctx, "^\b", 2);
			return;
		}
		if (lflag(l, LD_ICANON) && receive_canon(l, c, ops, ctx))
			return;
	}
	if (!store(l, c))
		return; // full: dropped, as n_tty does
	if (lflag(l, LD_ECHO))
		echo_char(l, c, ops, ctx);
	else if (c == '\n' && lflag(l, LD_ECHONL) && lflag(l, LD_ICANON))
		emit(l, ops, ctx, "\n", 1);
}

bool ldisc_can_read(const struct ldisc *l, size_t min)
{
	if (lflag(l, LD_ICANON))
		return l->nlines > 0;
	return l->nread >= (min ? min : 1);
}

size_t ldisc_avail(const struct ldisc *l)
{
	if (!lflag(l, LD_ICANON))
		return l->nread;
	if (!l->nlines)
		return 0;
	size_t n = 0;

	for (size_t i = 0; i < l->nread; i++)
		n += l->kind[i] != LD_EOF;
	return n;
}

size_t ldisc_read(struct ldisc *l, char *out, size_t n)
{
	bool canon = lflag(l, LD_ICANON);
	size_t got = 0, used = 0;

	if (canon && !l->nlines && l->nread == 0)
		return 0;
	while (used < l->nread && got < n) {
		uint8_t kind = l->kind[used];

		used++;
		if (kind == LD_EOF) {
			l->nlines--;
			break;
		}
		out[got++] = (char)l->buf[used - 1];
		if (kind == LD_EOL) {
			l->nlines--;
			if (canon)
				break;
		}
	}
	memmove(l->buf, l->buf + used, l->nbuf - used);
	memmove(l->kind, l->kind + used, l->nbuf - used);
	l->nread -= used;
	l->nbuf -= used;
	return got;
}

size_t ldisc_take_all(struct ldisc *l, char out[LDISC_BUF])
{
	size_t got = 0;

	for (size_t i = 0; i < l->nbuf; i++)
		if (l->kind[i] != LD_EOF)
			out[got++] = (char)l->buf[i];
	ldisc_flush_input(l);
	return got;
}

void ldisc_flush_input(struct ldisc *l)
{
	l->nread = l->nbuf = l->nlines = 0;
	l->lnext = false;
}

void ldisc_set_termios(struct ldisc *l, const struct ldisc_termios *t)
{
	bool was_canon = lflag(l, LD_ICANON);

	l->t = *t;
	if (was_canon && !lflag(l, LD_ICANON))
		l->nread = l->nbuf;
	else if (!was_canon && lflag(l, LD_ICANON)) {
		/* Bytes typed raw after the last complete line become the
		 * line being edited. */
		size_t end = l->nbuf;

		while (end > 0 && l->kind[end - 1] == LD_DATA)
			end--;
		l->nread = end;
	}
}

size_t ldisc_output(const struct ldisc *l, const char *in, size_t n, char *out)
{
	uint32_t o = l->t.c_oflag;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if ((o & LD_OPOST) && c == '\n' && (o & LD_ONLCR))
			out[k++] = '\r';
		else if ((o & LD_OPOST) && c == '\r' && (o & LD_OCRNL))
			c = '\n';
		out[k++] = c;
	}
	return k;
}

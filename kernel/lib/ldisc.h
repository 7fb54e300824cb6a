/*
 * The terminal line discipline's pure core (Linux's N_TTY, POSIX.1-2017
 * "General Terminal Interface" §11): input processing by termios flags
 * (ICRNL/INLCR/IGNCR/ISTRIP, IXON), canonical editing (ERASE, KILL, WERASE,
 * LNEXT, EOF, EOL), echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL),
 * ISIG's signal characters and output processing (OPOST: ONLCR, OCRNL).
 * Pure: no locks or globals; echo and signals go out through callbacks.
 * The caller (drivers/tty/tty.c) owns the lock and the waiting.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's struct termios as the kernel's ioctls see it (asm-generic/termbits.h). */
struct ldisc_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};

/* c_cc indices (asm-generic/termbits.h). */
enum {
	LD_VINTR = 0,
	LD_VQUIT = 1,
	LD_VERASE = 2,
	LD_VKILL = 3,
	LD_VEOF = 4,
	LD_VTIME = 5,
	LD_VMIN = 6,
	LD_VSTART = 8,
	LD_VSTOP = 9,
	LD_VSUSP = 10,
	LD_VEOL = 11,
	LD_VREPRINT = 12,
	LD_VWERASE = 14,
	LD_VLNEXT = 15,
	LD_VEOL2 = 16,
};

/* c_iflag, c_oflag, c_lflag bits (Linux's octal values). */
enum {
	LD_ISTRIP = 0x20,
	LD_INLCR = 0x40,
	LD_IGNCR = 0x80,
	LD_ICRNL = 0x100,
	LD_IXON = 0x400,
};
enum {
	LD_OPOST = 0x1,
	LD_ONLCR = 0x4,
	LD_OCRNL = 0x8,
};
enum {
	LD_ISIG = 0x1,
	LD_ICANON = 0x2,
	LD_ECHO = 0x8,
	LD_ECHOE = 0x10,
	LD_ECHOK = 0x20,
	LD_ECHONL = 0x40,
	LD_NOFLSH = 0x80,
	LD_TOSTOP = 0x100,
	LD_ECHOCTL = 0x200,
	LD_ECHOKE = 0x800,
	LD_IEXTEN = 0x8000,
};

/* Signal numbers the ISIG characters raise (Linux x86_64). */
enum { LD_SIGINT = 2, LD_SIGQUIT = 3, LD_SIGTSTP = 20 };

/* Linux's N_TTY_BUF_SIZE: a canonical line holds at most LDISC_BUF - 1 bytes. */
#define LDISC_BUF 4096

/* Where the core's side effects go. */
struct ldisc_ops {
	void (*echo)(void *ctx, const char *s, size_t n); // already output-processed
	void (*signal)(void *ctx, int sig);		  // to the foreground group
};

struct ldisc {
	struct ldisc_termios t;
	/* Readable bytes buf[0..nread), then the line being edited
	 * buf[nread..nbuf) (canonical mode only). kind[i] marks the end of a
	 * canonical line: LD_EOL (returned) or LD_EOF (ends it, not returned). */
	uint8_t buf[LDISC_BUF];
	uint8_t kind[LDISC_BUF];
	size_t nread, nbuf;
	size_t nlines; // complete canonical lines in buf[0..nread)
	bool lnext;    // the next byte is literal (after ^V)
	bool stopped;  // output stopped by ^S (IXON); ^Q restarts it
};

enum { LD_DATA = 0, LD_EOL = 1, LD_EOF = 2 };

/* Reset @l with Linux's defaults for a fresh terminal (tty_std_termios:
 * ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO|ECHOE|
 * ECHOK|ECHOCTL|ECHOKE|IEXTEN, INIT_C_CC) and empty buffers. */
void ldisc_init(struct ldisc *l);

/* One received byte @c: edits, echoes through @ops->echo, raises signals
 * through @ops->signal. */
void ldisc_receive(struct ldisc *l, uint8_t c, const struct ldisc_ops *ops, void *ctx);

/* Whether a read would return now: canonical mode, a complete line (or
 * EOF) waits; otherwise at least @min bytes wait. */
bool ldisc_can_read(const struct ldisc *l, size_t min);

/* Bytes a read could take now (FIONREAD): canonical mode counts complete
 * lines only. */
size_t ldisc_avail(const struct ldisc *l);

/* Move up to @n readable bytes to @out: in canonical mode at most one
 * line, and an EOF mark ends the read (consumed, not copied). Returns the
 * count (0 at an EOF mark or with nothing to read). */
size_t ldisc_read(struct ldisc *l, char *out, size_t n);

/* Hand over everything typed and not read - complete lines and the line
 * being edited, EOF marks dropped - into @out (LDISC_BUF bytes) and empty
 * the buffers: typeahead a program left behind goes to the next reader
 * that is not a line-discipline reader (the kernel shell). Returns the
 * count. */
size_t ldisc_take_all(struct ldisc *l, char out[LDISC_BUF]);

/* Drop all input (TCSETSF, TCFLSH, a signal character without NOFLSH). */
void ldisc_flush_input(struct ldisc *l);

/* New termios (TCSETS*). Leaving canonical mode makes the line being
 * edited readable, as Linux does. */
void ldisc_set_termios(struct ldisc *l, const struct ldisc_termios *t);

/* Output processing of @in[0..n) into @out (room for 2 * n bytes) by
 * c_oflag. Returns the output length. */
size_t ldisc_output(const struct ldisc *l, const char *in, size_t n, char *out);

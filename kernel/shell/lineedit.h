/*
 * A line editor for a VT100/ANSI terminal on a serial line, fed one input
 * byte at a time and answering through a write callback, so it runs the
 * same in the kernel and in host tests. Keys (emacs-style, like readline):
 *   printable ASCII         insert at the cursor
 *   Backspace (DEL or ^H)   delete before the cursor; Delete (ESC[3~), ^D
 *                           delete under it
 *   Left/Right, ^B/^F       move; Alt-B/Alt-F move by word
 *   Home/End, ^A/^E         ESC[H ESC[F, ESC[1~ ESC[4~ (also 7~ 8~), ESC OH ESC OF
 *   ^U / ^K / ^W            kill to start / to end / the word before the cursor
 *   ^L                      clear the screen and redraw
 *   ^C                      abandon the line
 *   Up/Down, ^P/^N          walk the history
 *   Tab                     complete (through the complete callback)
 *   Enter (CR, LF or CR LF) finish the line
 * Anything else (other control bytes, bytes >= 0x80, unknown escape
 * sequences) is swallowed without echo. A line that outgrows the buffer is
 * not truncated silently: the rest of it is dropped unechoed and Enter
 * reports LINEEDIT_TOO_LONG. A cursor position report (ESC [ row ; col R,
 * the answer to ESC [6n) is swallowed and remembered: it proves a terminal
 * is listening. Lines are assumed to fit the terminal's width.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "shell/history.h"

#define LINEEDIT_MAX 512    /* buffer size: lines of up to 511 characters */
#define LINEEDIT_SEQ_MAX 16 /* longest escape sequence we keep parsing */

enum lineedit_result {
	LINEEDIT_MORE,	   /* keep feeding bytes */
	LINEEDIT_DONE,	   /* Enter: lineedit_line() holds the line */
	LINEEDIT_CANCEL,   /* ^C: the line was abandoned */
	LINEEDIT_TOO_LONG, /* Enter after the line outgrew the buffer */
};

struct lineedit_ops {
	/* Send @n bytes to the terminal. */
	void (*write)(void *ctx, const char *s, size_t n);
	/* Tab: put the text to insert at @pos of @line into @ins (@cap bytes)
	 * and return the number of candidates. May be NULL (Tab is ignored). */
	size_t (*complete)(void *ctx, const char *line, size_t pos, char *ins, size_t cap);
	/* Write the candidates for an ambiguous Tab, ending with a newline. */
	void (*list)(void *ctx, const char *line, size_t pos);
};

enum lineedit_esc {
	ESC_NONE,  /* not in a sequence */
	ESC_START, /* after ESC */
	ESC_CSI,   /* after ESC [ */
	ESC_SS3,   /* after ESC O */
};

/* One editor. Owned by one shell; not shared between CPUs. */
struct lineedit {
	const struct lineedit_ops *ops;
	void *ctx;		    /* passed to every op */
	const struct history *hist; /* for Up/Down; may be NULL */
	const char *prompt;	    /* redrawn by ^L and after a completion list */
	char buf[LINEEDIT_MAX];	    /* the line, NUL-terminated */
	size_t len, pos;	    /* length and cursor, pos <= len */
	size_t dropped;		    /* characters refused: the line is too long */
	enum lineedit_esc esc;
	char seq[LINEEDIT_SEQ_MAX]; /* CSI parameter bytes so far */
	size_t seq_len;
	bool seq_overflow;	  /* an over-long sequence, swallowed whole */
	unsigned int hist_pos;	  /* 0 = own line, k = k-th newest entry */
	char stash[LINEEDIT_MAX]; /* own line while walking the history */
	size_t stash_dropped;	  /* ... and the characters it had dropped */
	bool after_cr;		  /* swallow the LF of a CR LF */
	bool terminal_seen;	  /* a cursor position report arrived */
};

/* Set @le up; @hist may be NULL. The history must outlive @le. */
void lineedit_init(struct lineedit *le, const struct lineedit_ops *ops, void *ctx,
		   const struct history *hist);

/* Start a new line: write @prompt (which must stay valid until the line
 * ends) and empty the buffer. */
void lineedit_begin(struct lineedit *le, const char *prompt);

/* Process one input byte (0..255). */
enum lineedit_result lineedit_feed(struct lineedit *le, unsigned char c);

/* The finished line (after LINEEDIT_DONE). */
const char *lineedit_line(const struct lineedit *le);

/* Characters the last line had in all, dropped ones included. */
size_t lineedit_typed_len(const struct lineedit *le);

/* True once a cursor position report has come back: a live terminal. */
bool lineedit_terminal_seen(const struct lineedit *le);

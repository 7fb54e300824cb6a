/*
 * The shell tokenizer (syntax in tokenize.h): splits a line into commands
 * and words in one pass, removing quotes and expanding $?. Works on the
 * caller's line without modifying it; words (and a '>' target, which is
 * parsed like a word but kept out of argv) are copied into the command's
 * own buffer, so an over-long line is refused, never overflowed.
 * Pure: host-testable.
 */
#include "shell/tokenize.h"

#include <stddef.h>

#include "include/uapi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* The command being built. */
struct tok_state {
	struct tok_cmd *out;
	size_t used; /* bytes of out->buf in use */
	bool in_word;
	bool want_target; /* after '>': the next word is the redirect target */
	int err;	  /* first error, 0 if none */
};

static void put_char(struct tok_state *st, char c)
{
	if (st->used >= TOK_BUF_SIZE) {
		st->err = -E2BIG;
		return;
	}
	st->out->buf[st->used++] = c;
}

static void put_status(struct tok_state *st, int status)
{
	char num[16];

	ksnprintf(num, sizeof(num), "%d", status);
	for (const char *s = num; *s; s++)
		put_char(st, *s);
}

static void start_word(struct tok_state *st)
{
	if (st->in_word)
		return;
	if (st->want_target) {
		st->out->redirect = st->out->buf + st->used;
		st->want_target = false;
		st->in_word = true;
		return;
	}
	if (st->out->argc == TOK_ARGV_MAX) {
		st->err = -E2BIG;
		return;
	}
	st->out->argv[st->out->argc++] = st->out->buf + st->used;
	st->in_word = true;
}

static void end_word(struct tok_state *st)
{
	if (!st->in_word)
		return;
	put_char(st, '\0');
	st->in_word = false;
}

/* After an opening '; returns the position after the closing one. */
static const char *parse_single(struct tok_state *st, const char *p)
{
	for (; *p != '\''; p++) {
		if (!*p) {
			st->err = -EINVAL;
			return p;
		}
		put_char(st, *p);
	}
	return p + 1;
}

/* After an opening "; returns the position after the closing one. */
static const char *parse_double(struct tok_state *st, const char *p, int status)
{
	while (*p != '"') {
		if (!*p) {
			st->err = -EINVAL;
			return p;
		}
		if (p[0] == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$')) {
			put_char(st, p[1]);
			p += 2;
		} else if (p[0] == '$' && p[1] == '?') {
			put_status(st, status);
			p += 2;
		} else {
			put_char(st, *p++);
		}
	}
	return p + 1;
}

/* At an unquoted '>': ends the word before it and returns the position
 * after '>' or '>>'. */
static const char *parse_redirect(struct tok_state *st, const char *p)
{
	end_word(st);
	if (st->out->redirect || st->want_target) {
		st->err = -EALREADY;
		return p + strlen(p);
	}
	st->want_target = true;
	st->out->append = p[1] == '>';
	return p + (st->out->append ? 2 : 1);
}

/* Parse words up to an unquoted ';', '&' or the end; returns where it
 * stopped (at the separator, or at the NUL after an error). */
static const char *parse_command(struct tok_state *st, const char *p, int status)
{
	while (*p && *p != ';' && *p != '&' && !st->err) {
		if (*p == ' ' || *p == '\t') {
			end_word(st);
			p++;
			continue;
		}
		if (*p == '>') {
			p = parse_redirect(st, p);
			continue;
		}
		start_word(st);
		if (*p == '\'') {
			p = parse_single(st, p + 1);
		} else if (*p == '"') {
			p = parse_double(st, p + 1, status);
		} else if (p[0] == '\\' && p[1]) {
			put_char(st, p[1]);
			p += 2;
		} else if (p[0] == '$' && p[1] == '?') {
			put_status(st, status);
			p += 2;
		} else {
			put_char(st, *p++);
		}
	}
	if (!st->err)
		end_word(st);
	if (!st->err && st->want_target)
		st->err = -EDESTADDRREQ;
	if (!st->err && st->out->redirect && st->out->argc == 0)
		st->err = -ENOMSG;
	if (st->err)
		p += strlen(p);
	return p;
}

int tok_next(const char **line, int status, struct tok_cmd *out)
{
	const char *p = *line;

	for (;;) {
		struct tok_state st = { .out = out };
		char sep;

		out->argc = 0;
		out->redirect = NULL;
		out->append = false;
		p = parse_command(&st, p, status);
		if (st.err) {
			out->argc = 0;
			*line = p + strlen(p);
			return st.err;
		}
		out->argv[out->argc] = NULL;
		sep = *p;
		if (sep)
			p++;
		out->background = sep == '&';
		if (out->argc > 0 || !sep) {
			*line = p;
			return out->argc > 0;
		}
	}
}

/* The status with the longest expansion ("-2147483648"): every other
 * status expands to no more bytes, so a line that passes the check with it
 * fits whatever status its commands return. */
#define WIDEST_STATUS (-2147483647 - 1)

int tok_check(const char *line, struct tok_cmd *scratch)
{
	int ret;

	while ((ret = tok_next(&line, WIDEST_STATUS, scratch)) > 0)
		;
	return ret;
}

int tok_run(const char *line, int *status, struct tok_cmd *scratch, tok_run_fn run, void *ctx)
{
	int ret = tok_check(line, scratch);

	while (ret == 0 && (ret = tok_next(&line, *status, scratch)) > 0) {
		*status = run(ctx, scratch, line);
		ret = 0;
	}
	return ret;
}

bool tok_at_end(const char *line)
{
	for (; *line; line++)
		if (*line != ' ' && *line != '\t' && *line != ';' && *line != '&')
			return false;
	return true;
}

const char *tok_strerror(int err)
{
	switch (err) {
	case -EINVAL:
		return "unterminated quote";
	case -E2BIG:
		return "command too long (too many words or characters)";
	case -EDESTADDRREQ:
		return "syntax error: no file name after '>'";
	case -EALREADY:
		return "syntax error: only one '>' or '>>' per command";
	case -ENOMSG:
		return "syntax error: a redirection needs a command";
	default:
		return "syntax error";
	}
}

/*
 * The shell's command-line syntax: commands separated by ';' (or ended by
 * '&', which asks for a background job), words separated by blanks, quoting
 * with '...' (everything literal) and "..." (where \" \\ \$ and $? still
 * work), a backslash outside quotes taking the next character literally,
 * and $? replaced by the previous command's exit status. An unquoted
 * '>' or '>>' sends the command's output to the file named by the next
 * word ('>' truncates, '>>' appends); it may stand anywhere among the
 * words, one per command. No globbing, pipes, input redirection or
 * variables: this is a debug console, not sh.
 */
#pragma once

#include <stdbool.h>

#include "include/compiler.h"

#define TOK_ARGV_MAX 32	 /* words per command */
#define TOK_BUF_SIZE 512 /* bytes of words per command, NULs included */

/* One parsed command. argv[argc] is NULL; the words live in buf. */
struct tok_cmd {
	int argc;
	char *argv[TOK_ARGV_MAX + 1];
	bool background; /* ended by an unquoted '&' */
	char *redirect;	 /* the target of '>' or '>>' (in buf), or NULL */
	bool append;	 /* the redirection was '>>' */
	char buf[TOK_BUF_SIZE];
};

/*
 * Parse the next non-empty command from *@line into @out and advance *@line
 * past it and its ';' or '&'. "$?" expands to @status. Returns 1 when a
 * command was parsed, 0 at the end of the line (only blanks and separators
 * were left), -EINVAL for an unterminated quote, -E2BIG for more than
 * TOK_ARGV_MAX words or TOK_BUF_SIZE bytes, -EDESTADDRREQ for a '>' with
 * no file name after it, -EALREADY for a second '>' in one command and
 * -ENOMSG for a redirection with no command word. On error *@line moves to the
 * end of the line so a caller's loop stops.
 */
int tok_next(const char **line, int status, struct tok_cmd *out) __must_check;

/*
 * Parse all of @line without running anything (using @scratch), so a line
 * with a syntax error can be refused before its first command runs. "$?"
 * is checked at its widest (11 bytes, the expansion of INT_MIN), because
 * the statuses the commands will return are not known yet: a line that
 * passes parses with any status. Returns 0 or the first error tok_next()
 * reports.
 */
int tok_check(const char *line, struct tok_cmd *scratch) __must_check;

/* Runs one parsed command for tok_run(); @rest is what is left of the line
 * after it. Returns the command's exit status. */
typedef int (*tok_run_fn)(void *ctx, struct tok_cmd *cmd, const char *rest);

/*
 * Run @line: tok_check() it, then parse its commands one at a time into
 * @scratch and call @run on each, "$?" expanding to *@status, which each
 * command's result replaces before the next is parsed. Returns 0 once every
 * command ran, or the error tok_check() found (then nothing ran).
 */
int tok_run(const char *line, int *status, struct tok_cmd *scratch, tok_run_fn run, void *ctx);

/* True when nothing but blanks and separators is left in @line: the
 * command just parsed was the last one. */
bool tok_at_end(const char *line);

/* Human-readable text for a tok_next() error. */
const char *tok_strerror(int err);

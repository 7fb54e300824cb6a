/*
 * Tab completion for the shell: the first word of a command completes to a
 * command name, the second to one of that command's sub-commands, and any
 * other argument (the second too, for a command without sub-commands) to
 * a path: the names in the directory the word names up to its last '/'
 * (the working directory if it has none), directories with a '/' added.
 * Names starting with '.' are offered only when the typed name does too.
 * The candidates come from callbacks, so this file knows nothing of the
 * command table or the VFS and the host tests feed it their own lists.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define COMPLETE_INSERT_MAX 64 /* longest text one Tab inserts */

struct complete_source {
	/* The @i-th command name, or NULL past the last one. */
	const char *(*command)(void *ctx, size_t i);
	/* The NULL-terminated sub-command list of the command named by the
	 * @n bytes at @name, or NULL when it has none (or does not exist). */
	const char *const *(*subcmds)(void *ctx, const char *name, size_t n);
	/* Call @fn(@arg, NAME, IS_DIR) for each entry of the directory named
	 * by the @n bytes at @dir ("" = the working directory; otherwise it
	 * ends in '/'). May be NULL: no path completion. */
	void (*paths)(void *ctx, const char *dir, size_t n,
		      void (*fn)(void *arg, const char *name, bool is_dir), void *arg);
	void *ctx;
};

struct complete_result {
	size_t matches; /* candidates that start with the word */
	/* What Tab inserts at the cursor: the common part of all candidates
	 * beyond what is typed, plus a space when the match is unique (and
	 * not a directory, which ends in '/'). */
	char insert[COMPLETE_INSERT_MAX];
};

/*
 * Complete the word that ends at @pos in @line (the first @pos bytes are
 * what counts; words are split at blanks, ';' and '&', quotes are not
 * understood). Returns the number of candidates and fills @res.
 */
size_t complete_word(const struct complete_source *src, const char *line, size_t pos,
		     struct complete_result *res);

/*
 * Call @emit for each candidate of the word that ends at @pos (in the
 * source's order), for listing them after an ambiguous Tab. A path
 * candidate is its last name only ("dir/" for a directory), in a buffer
 * that lives only for the call.
 */
void complete_list(const struct complete_source *src, const char *line, size_t pos,
		   void (*emit)(void *ctx, const char *candidate), void *ctx);

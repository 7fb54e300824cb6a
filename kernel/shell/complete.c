/*
 * Tab completion (see complete.h): finds the word under the cursor, which
 * word of its command it is, and the candidates that extend it: command
 * names, sub-commands or the names of a directory.
 * Pure: host-testable.
 */
#include "shell/complete.h"

#include "lib/string.h"

#define NAME_MAX_LEN 255 /* longest file name a directory lists */

/* The word being completed. */
struct word_at {
	size_t start;	    /* where it starts in the line */
	unsigned int index; /* 0 = command name, 1 = first argument, ... */
	size_t cmd_start;   /* the command name (valid when index > 0) */
	size_t cmd_len;
	size_t base;  /* where its last path component starts */
	bool is_path; /* it completes to a path */
	bool dots;    /* its last component starts with '.' */
};

static bool is_sep(char c)
{
	return c == ';' || c == '&';
}

/* A '>' ends a word too, so "cmd >fi" completes "fi" as a path. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '>';
}

static void locate(const char *line, size_t pos, struct word_at *w)
{
	bool in_word = false;

	*w = (struct word_at){ 0 };
	for (size_t i = 0; i < pos; i++) {
		if (is_sep(line[i]) || is_blank(line[i])) {
			if (in_word && w->index == 0)
				w->cmd_len = i - w->cmd_start;
			if (in_word)
				w->index++;
			if (is_sep(line[i]))
				w->index = 0;
			in_word = false;
		} else if (!in_word) {
			in_word = true;
			w->start = i;
			if (w->index == 0)
				w->cmd_start = i;
		}
	}
	if (!in_word)
		w->start = pos;
	w->base = w->start;
	for (size_t i = w->start; i < pos; i++)
		if (line[i] == '/')
			w->base = i + 1;
}

/* Find the word at @pos and whether it is a path (an argument that is
 * not a sub-command). */
static void locate_kind(const struct complete_source *src, const char *line, size_t pos,
			struct word_at *w)
{
	locate(line, pos, w);
	w->is_path = w->index > 1 ||
		     (w->index == 1 && !src->subcmds(src->ctx, line + w->cmd_start, w->cmd_len));
	if (!w->is_path)
		w->base = w->start;
	w->dots = w->base < pos && line[w->base] == '.';
}

/* Forwards directory entries to a candidate callback as "name" or
 * "name/", leaving dot files out unless the typed name starts with '.'. */
struct path_adapter {
	void (*fn)(void *arg, const char *cand);
	void *arg;
	bool dots;
};

static void path_entry(void *arg, const char *name, bool is_dir)
{
	struct path_adapter *a = arg;
	char cand[NAME_MAX_LEN + 2];
	size_t n;

	if (name[0] == '.' && (!a->dots || !strcmp(name, ".") || !strcmp(name, "..")))
		return;
	n = strlcpy(cand, name, sizeof(cand) - 1);
	if (n >= sizeof(cand) - 1)
		return; /* longer than a file name can be */
	if (is_dir)
		strlcat(cand, "/", sizeof(cand));
	a->fn(a->arg, cand);
}

/* Call @fn on every candidate for @w's position (prefix not yet checked). */
static void for_each_candidate(const struct complete_source *src, const char *line,
			       const struct word_at *w, void (*fn)(void *arg, const char *cand),
			       void *arg)
{
	const char *const *subs;
	const char *name;

	if (w->is_path) {
		struct path_adapter a = { fn, arg, w->dots };

		if (src->paths)
			src->paths(src->ctx, line + w->start, w->base - w->start, path_entry, &a);
		return;
	}
	if (w->index == 0) {
		for (size_t i = 0; (name = src->command(src->ctx, i)); i++)
			fn(arg, name);
		return;
	}
	if (w->index != 1)
		return;
	subs = src->subcmds(src->ctx, line + w->cmd_start, w->cmd_len);
	for (; subs && *subs; subs++)
		fn(arg, *subs);
}

/* State of complete_word() while it walks the candidates. */
struct matcher {
	const char *prefix;
	size_t plen;
	size_t common;	/* bytes of res->insert shared by all matches */
	bool truncated; /* a match was longer than the insert buffer */
	struct complete_result *res;
};

static void match_one(void *arg, const char *cand)
{
	struct matcher *m = arg;
	const char *rest = cand + m->plen;
	size_t n = 0;

	if (strncmp(cand, m->prefix, m->plen) != 0)
		return;
	if (m->res->matches++ == 0) {
		n = strlcpy(m->res->insert, rest, COMPLETE_INSERT_MAX - 1);
		m->truncated = n >= COMPLETE_INSERT_MAX - 1;
		m->common = m->truncated ? COMPLETE_INSERT_MAX - 2 : n;
		return;
	}
	while (n < m->common && rest[n] == m->res->insert[n])
		n++;
	m->common = n;
}

size_t complete_word(const struct complete_source *src, const char *line, size_t pos,
		     struct complete_result *res)
{
	struct word_at w;
	struct matcher m = { .res = res };

	locate_kind(src, line, pos, &w);
	m.prefix = line + w.base;
	m.plen = pos - w.base;
	res->matches = 0;
	res->insert[0] = '\0';
	for_each_candidate(src, line, &w, match_one, &m);
	if (!res->matches)
		return 0;
	res->insert[m.common] = '\0';
	if (res->matches == 1 && !m.truncated && !(m.common && res->insert[m.common - 1] == '/'))
		strlcat(res->insert, " ", COMPLETE_INSERT_MAX);
	return res->matches;
}

/* State of complete_list(). */
struct lister {
	const char *prefix;
	size_t plen;
	void (*emit)(void *ctx, const char *candidate);
	void *ctx;
};

static void list_one(void *arg, const char *cand)
{
	struct lister *l = arg;

	if (strncmp(cand, l->prefix, l->plen) == 0)
		l->emit(l->ctx, cand);
}

void complete_list(const struct complete_source *src, const char *line, size_t pos,
		   void (*emit)(void *ctx, const char *candidate), void *ctx)
{
	struct word_at w;
	struct lister l = { .emit = emit, .ctx = ctx };

	locate_kind(src, line, pos, &w);
	l.prefix = line + w.base;
	l.plen = pos - w.base;
	for_each_candidate(src, line, &w, list_one, &l);
}

/*
 * Fuzz the shell's line editor (kernel/shell/lineedit.c) wired the way
 * shell.c wires it: a history (history.c), Tab completion through
 * complete.c over a small command table, and each finished line added to
 * the history and run with tok_run(). The input is the byte stream typed
 * at the terminal: escape sequences, control keys, history walks and
 * over-long lines. After every byte the editor's buffer must hold a
 * terminated line with the cursor inside it.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "shell/complete.h"
#include "shell/history.h"
#include "shell/lineedit.h"
#include "shell/tokenize.h"

static const char *const mem_subcmds[] = { "stats", "slabs", "test", NULL };
static const char *const names[] = { "help", "history", "mem", "echo", "reboot", "test" };

static const char *source_command(void *ctx, size_t i)
{
	return i < sizeof(names) / sizeof(names[0]) ? names[i] : NULL;
}

static const char *const *source_subcmds(void *ctx, const char *name, size_t n)
{
	return n == 3 && strncmp(name, "mem", 3) == 0 ? mem_subcmds : NULL;
}

static const struct complete_source source = {
	.command = source_command,
	.subcmds = source_subcmds,
};

static size_t written;

static void ed_write(void *ctx, const char *s, size_t n)
{
	written += n;
	/* Touch every byte written: ASan checks the whole range. */
	for (size_t i = 0; i < n; i++)
		written += (unsigned char)s[i] & 1;
}

/* As shell.c's editor_complete(). */
static size_t ed_complete(void *ctx, const char *line, size_t pos, char *ins, size_t cap)
{
	struct complete_result res;
	size_t n = complete_word(&source, line, pos, &res);

	strncpy(ins, res.insert, cap - 1);
	ins[cap - 1] = '\0';
	return n;
}

static void count_candidate(void *ctx, const char *cand)
{
	written += strlen(cand);
}

static void ed_list(void *ctx, const char *line, size_t pos)
{
	complete_list(&source, line, pos, count_candidate, NULL);
}

static const struct lineedit_ops ops = {
	.write = ed_write,
	.complete = ed_complete,
	.list = ed_list,
};

static int run_one(void *ctx, struct tok_cmd *tc, const char *rest)
{
	assert(tc->argc > 0);
	return (int)strlen(tc->argv[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct history hist;
	static struct lineedit le;
	static struct tok_cmd tc;
	int status = 0;

	history_init(&hist);
	(void)history_add(&hist, "mem stats");
	(void)history_add(&hist, "echo \"$?\"; help");
	lineedit_init(&le, &ops, NULL, &hist);
	lineedit_begin(&le, "corvid> ");
	for (size_t i = 0; i < size; i++) {
		enum lineedit_result r = lineedit_feed(&le, data[i]);

		assert(le.len < LINEEDIT_MAX && le.pos <= le.len && le.buf[le.len] == '\0');
		assert(le.seq_len <= LINEEDIT_SEQ_MAX);
		if (r == LINEEDIT_MORE)
			continue;
		if (r == LINEEDIT_DONE) {
			const char *line = lineedit_line(&le);

			assert(strlen(line) < LINEEDIT_MAX);
			(void)history_add(&hist, line);
			(void)tok_run(line, &status, &tc, run_one, NULL);
		} else if (r == LINEEDIT_TOO_LONG) {
			/* Characters were dropped. (Killing part of a cut line
			 * keeps it refused, so the length may now be short.) */
			assert(le.dropped > 0 && lineedit_typed_len(&le) > le.len);
		}
		lineedit_begin(&le, "corvid> ");
	}
	return 0;
}

/*
 * Fuzz the shell tokenizer (kernel/shell/tokenize.c) through tok_run(), the
 * loop shell_run_line() runs: tok_check() first, then each command parsed
 * with the status the previous one returned. The "commands" return
 * statuses taken from the input, any int, so $? expands to every width.
 * Checks the promise shell_run_line() relies on: a line is refused before
 * anything runs, or every command of it runs (never a syntax error after
 * the first command ran), and every word lies inside the command buffer.
 *
 * Input: 4 bytes of starting status, then 4 bytes per status to return
 * (8 of them), then the line (NUL bytes end it, as a C string would).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "include/uapi/errno.h"
#include "shell/tokenize.h"

#define NSTATUS 8

struct run {
	int32_t statuses[NSTATUS];
	unsigned int ran;
};

static int run_one(void *ctx, struct tok_cmd *tc, const char *rest)
{
	struct run *r = ctx;

	assert(tc->argc > 0 && tc->argc <= TOK_ARGV_MAX);
	assert(tc->argv[tc->argc] == NULL);
	for (int i = 0; i < tc->argc; i++)
		assert(tc->argv[i] >= tc->buf &&
		       tc->argv[i] + strlen(tc->argv[i]) < tc->buf + TOK_BUF_SIZE);
	if (tc->redirect)
		assert(tc->redirect >= tc->buf &&
		       tc->redirect + strlen(tc->redirect) < tc->buf + TOK_BUF_SIZE);
	(void)tok_at_end(rest);
	return r->statuses[r->ran++ % NSTATUS];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tok_cmd scratch;
	struct run r = { .ran = 0 };
	int32_t status;
	char *line;
	int ret;

	if (size < 4 * (1 + NSTATUS))
		return 0;
	memcpy(&status, data, 4);
	memcpy(r.statuses, data + 4, sizeof(r.statuses));
	data += 4 * (1 + NSTATUS);
	size -= 4 * (1 + NSTATUS);
	line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';

	ret = tok_run(line, &status, &scratch, run_one, &r);
	assert(ret == 0 || ret == -EINVAL || ret == -E2BIG || ret == -EDESTADDRREQ ||
	       ret == -EALREADY || ret == -ENOMSG);
	/* All or nothing: an error means nothing ran. */
	assert(ret == 0 || r.ran == 0);
	free(line);
	return 0;
}

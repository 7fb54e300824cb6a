/*
 * Fuzz the `#!` line splitter (kernel/lib/shebang.c) as exec uses it
 * (proc/exec_args.c): the file's first SHEBANG_BUF bytes, NUL padded, in
 * an exactly sized heap buffer; an accepted line's interpreter and
 * argument must be NUL-terminated strings inside that buffer, the
 * interpreter non-empty only by the rules (a bare "#!" names "").
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "include/uapi/errno.h"
#include "lib/shebang.h"

static void inside(const char *buf, const char *s)
{
	assert(s >= buf && s < buf + SHEBANG_BUF);
	assert(memchr(s, '\0', (size_t)(buf + SHEBANG_BUF - s)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(SHEBANG_BUF);
	char *name = NULL, *arg = NULL;
	int err;

	memset(buf, 0, SHEBANG_BUF);
	buf[0] = '#';
	buf[1] = '!';
	memcpy(buf + 2, data, size < SHEBANG_BUF - 2 ? size : SHEBANG_BUF - 2);
	err = shebang_parse(buf, &name, &arg);
	assert(err == 0 || err == -ENOEXEC);
	if (!err) {
		inside(buf, name);
		if (arg)
			inside(buf, arg);
	}
	free(buf);
	return 0;
}

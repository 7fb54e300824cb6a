/*
 * Splitting a `#!` line (lib/shebang.h), with the rules of Linux's
 * fs/binfmt_script.c load_script(): blanks are spaces and tabs, a NUL
 * also ends the interpreter's name, and a line longer than the buffer is
 * fine as long as the name is whole.
 * Pure: host-testable.
 */
#include "lib/shebang.h"

#include <stdbool.h>
#include <stddef.h>

#include "include/uapi/errno.h"
#include "lib/string.h"

static bool is_spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static char *next_non_spacetab(char *s, const char *end)
{
	for (; s < end; s++)
		if (!is_spacetab(*s))
			return s;
	return NULL;
}

static char *next_terminator(char *s, const char *end)
{
	for (; s < end; s++)
		if (is_spacetab(*s) || !*s)
			return s;
	return NULL;
}

int shebang_parse(char *buf, char **name, char **arg)
{
	char *buf_end = &buf[SHEBANG_BUF - 1], *end = memchr(buf, '\n', SHEBANG_BUF), *sep;

	if (!end) {
		end = next_non_spacetab(buf + 2, buf_end);
		if (!end || !next_terminator(end, buf_end))
			return -ENOEXEC; /* all blanks, or the interpreter is cut */
		end = buf_end;
	}
	while (end > buf + 2 && is_spacetab(end[-1]))
		end--;
	*name = next_non_spacetab(buf + 2, end);
	if (!*name || *name == end)
		return -ENOEXEC;
	*arg = NULL;
	sep = next_terminator(*name, end);
	if (sep && *sep)
		*arg = next_non_spacetab(sep, end);
	*end = '\0';
	if (sep)
		*sep = '\0';
	return 0;
}

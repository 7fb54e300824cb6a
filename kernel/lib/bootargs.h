/*
 * Boot parameters on the kernel command line: leading "key=value" words
 * (such as root=vdb) that the kernel takes for itself before the rest of
 * the line runs as shell commands. Reentrant, no locks, no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Find the word "@key=VALUE" among the leading key=value words of @line
 * (those before the first word without '=' or starting with it), copy
 * VALUE into @val (@vsize bytes, NUL-terminated, cut to fit) and remove
 * the word and the blanks after it from @line, in place. Returns whether
 * it was there; @line is unchanged otherwise.
 */
bool bootargs_take(char *line, const char *key, char *val, size_t vsize);

/*
 * The `#!` line of a script, split the way Linux's fs/binfmt_script.c
 * does. Pure: host-testable (tests/unit/shebang_test.c).
 */
#pragma once

#include "include/compiler.h"

/* How much of a file's start counts (Linux's BINPRM_BUF_SIZE). */
#define SHEBANG_BUF 256

/*
 * @buf holds the first SHEBANG_BUF bytes of a file starting with "#!",
 * NUL padded when the file is shorter. The line ends at the first
 * newline or, without one, at the buffer's end provided the interpreter
 * name itself ends inside it (else it is taken as cut: -ENOEXEC).
 * Trailing blanks are dropped; the interpreter is the first word and the
 * optional argument everything after the blanks that follow it, inner
 * blanks kept. Returns 0 with *@name and *@arg (NULL when there is none)
 * NUL-terminated inside @buf (which this edits), or -ENOEXEC (no
 * interpreter). No locks, no allocation.
 */
int shebang_parse(char *buf, char **name, char **arg) __must_check;

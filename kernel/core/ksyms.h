/*
 * The kernel's own symbol table, embedded at build time by
 * tools/gen-ksyms.py (a second link pass) so backtraces name functions.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Find the function containing @addr. Returns its name and sets *@offset to
 * @addr minus its start, or returns NULL when @addr is not in kernel text.
 */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset);

/* Address of the function called @name, or 0. */
uintptr_t ksyms_address(const char *name);

/* Format @addr as "name+0x1f" (or "?" when unknown) into @buf. */
void ksyms_format(uintptr_t addr, char *buf, size_t size);

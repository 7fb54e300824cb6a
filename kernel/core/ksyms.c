/*
 * Symbol lookup over the table that tools/gen-ksyms.py generates from the
 * first link of the kernel: ksyms_addrs[] sorted ascending, and for each a
 * NUL-terminated name at ksyms_names + ksyms_name_offsets[i]. Immutable.
 */
#include "core/ksyms.h"

#include "lib/printf.h"
#include "lib/string.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
	size_t lo = 0, hi = ksyms_count;

	if (addr < (uintptr_t)__text_start || addr >= (uintptr_t)__text_end || hi == 0 ||
	    addr < ksyms_addrs[0])
		return NULL;
	/* Last entry with address <= addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms_addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_addrs[lo];
	return ksyms_names + ksyms_name_offsets[lo];
}

uintptr_t ksyms_address(const char *name)
{
	for (uint64_t i = 0; i < ksyms_count; i++)
		if (strcmp(ksyms_names + ksyms_name_offsets[i], name) == 0)
			return ksyms_addrs[i];
	return 0;
}

void ksyms_format(uintptr_t addr, char *buf, size_t size)
{
	uintptr_t off;
	const char *name = ksyms_lookup(addr, &off);

	if (name)
		ksnprintf(buf, size, "%s+%#lx", name, off);
	else
		ksnprintf(buf, size, "?");
}

/*
 * libFuzzer harness for the ELF parser (kernel/lib/elf.c) as exec uses
 * it: the input is the start of a file (and its whole size). Whatever the
 * parser accepts must be true of the input: segments inside the file and
 * the user half, in address order, the entry inside them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "include/uapi/errno.h"
#include "lib/elf.h"

#define USER_TOP 0x0000800000000000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info in;
	const char *why = NULL;
	int err = elf_parse(data, size, size, USER_TOP, &in, &why);

	if (err) {
		if (err != -ENOEXEC || !why)
			abort();
		return 0;
	}
	if (in.nloads == 0 || in.nloads > ELF_MAX_LOADS || in.entry < in.lo || in.entry >= in.hi)
		abort();
	for (size_t i = 0; i < in.nloads; i++) {
		const struct elf_load *l = &in.loads[i];
		if (l->filesz > l->memsz || l->offset + l->filesz > size ||
		    l->vaddr + l->memsz > USER_TOP || (i && l->vaddr < in.loads[i - 1].vaddr))
			abort();
	}
	return 0;
}

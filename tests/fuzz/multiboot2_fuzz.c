/*
 * Fuzz the Multiboot2 tag walk (kernel/boot/multiboot2.c) the way
 * boot/bootinfo.c calls it: the whole information block, from an exactly
 * sized heap copy so ASan sees any read past it, then the checks the rest of
 * the kernel relies on (counts within the arrays, strings terminated, an
 * RSDP copy of a length ACPI accepts, every region backed by input bytes).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"

#define MMAP_ENTRY_MIN 24 /* the smallest entry the parser accepts */

static void check(const struct boot_info *bi, size_t size)
{
	assert(bi->mmap_count <= BOOT_MMAP_MAX);
	assert(bi->module_count <= BOOT_MODULES_MAX);
	assert(memchr(bi->cmdline, '\0', sizeof(bi->cmdline)));
	assert(memchr(bi->loader, '\0', sizeof(bi->loader)));
	for (size_t i = 0; i < bi->module_count; i++) {
		assert(memchr(bi->modules[i].name, '\0', sizeof(bi->modules[i].name)));
		assert(bi->modules[i].end >= bi->modules[i].start); /* pmm reserves it */
	}
	for (size_t i = 0; i < bi->mmap_count; i++) /* pmm's ends never wrap */
		assert(bi->mmap[i].base + bi->mmap[i].length >= bi->mmap[i].base);
	assert(bi->rsdp_len == 0 || bi->rsdp_len == 20 || bi->rsdp_len == 36);
	assert(bi->info_size <= size);
	/* Every region came out of an entry of at least 24 input bytes. */
	assert(bi->mmap_count * MMAP_ENTRY_MIN <= size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	static struct boot_info bi;

	memcpy(copy, data, size);
	(void)mb2_parse(copy, size, &bi);
	check(&bi, size);
	free(copy);
	return 0;
}

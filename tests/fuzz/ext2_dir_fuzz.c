/*
 * Fuzz the ext2 directory-block code (kernel/fs/ext2/dirblock.c): a block
 * (1, 2 or 4 KiB, the first byte picks, zero-padded) that the check
 * accepts is walked, searched, and then changed the way the driver
 * changes one (insert a name where find_space says, remove an entry);
 * it must still pass the check after each change. ASan catches any read
 * past the block. Seeds: directory blocks (linear and htree) of mke2fs
 * images.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext2/dirblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t bs, bad, off;
	bool filetype;
	uint8_t *blk;
	struct ext2_de de;
	int64_t at;

	if (size < 1)
		return 0;
	bs = 1024u << (data[0] % 3);
	filetype = !(data[0] & 0x80);
	blk = calloc(1, bs);
	memcpy(blk, data + 1, size - 1 < bs ? size - 1 : bs);
	if (ext2_dirblock_check(blk, bs, filetype, &bad)) {
		assert(bad < bs);
		free(blk);
		return 0;
	}
	for (off = 0; off < bs;) {
		uint32_t next = ext2_dirblock_get(blk, off, filetype, &de);

		assert(next > off && next <= bs);
		if (de.inode)
			assert(ext2_dirblock_find(blk, bs, filetype, de.name, de.name_len, &de) ==
			       0);
		off = next;
	}
	(void)ext2_dirblock_has_names(blk, bs, filetype);
	at = ext2_dirblock_find_space(blk, bs, 7);
	if (at >= 0) {
		ext2_dirblock_insert(blk, (uint32_t)at, 99, "fuzzed!", 7, 1, filetype);
		assert(ext2_dirblock_check(blk, bs, filetype, &bad) == 0);
		assert(ext2_dirblock_find(blk, bs, filetype, "fuzzed!", 7, &de) == 0);
		ext2_dirblock_remove(blk, bs, de.off);
		assert(ext2_dirblock_check(blk, bs, filetype, &bad) == 0);
	}
	free(blk);
	return 0;
}

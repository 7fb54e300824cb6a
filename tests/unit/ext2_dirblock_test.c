/*
 * Host tests of fs/ext2/dirblock.c: the rec_len rules, insertion into
 * slack and into unused entries, removal merging into the previous entry,
 * and a random add/remove workload checked against a model after each
 * step (the block must stay valid and hold exactly the model's names).
 */
#include <stdio.h>
#include <string.h>

#include "fs/ext2/dirblock.h"
#include "fs/ext2/ext2_layout.h"
#include "include/uapi/errno.h"
#include "unit.h"

#define BS 1024

TEST(sizes)
{
	CHECK_EQ(ext2_de_size(1), 12);
	CHECK_EQ(ext2_de_size(4), 12);
	CHECK_EQ(ext2_de_size(5), 16);
	CHECK_EQ(ext2_de_size(255), 264);
}

TEST(dots_and_insert)
{
	uint8_t blk[BS];
	struct ext2_de de;
	uint32_t bad;
	int64_t off;

	ext2_dirblock_init_dots(blk, BS, 12, 2, true);
	CHECK_EQ(ext2_dirblock_check(blk, BS, true, &bad), 0);
	CHECK(!ext2_dirblock_has_names(blk, BS, true));
	CHECK_EQ(ext2_dirblock_find(blk, BS, true, "..", 2, &de), 0);
	CHECK_EQ(de.inode, 2);
	CHECK_EQ(de.rec_len, BS - 12);
	off = ext2_dirblock_find_space(blk, BS, 5);
	CHECK_EQ(off, 12); // the ".." entry's slack
	ext2_dirblock_insert(blk, (uint32_t)off, 13, "hello", 5, EXT2_FT_REG_FILE, true);
	CHECK_EQ(ext2_dirblock_check(blk, BS, true, &bad), 0);
	CHECK(ext2_dirblock_has_names(blk, BS, true));
	CHECK_EQ(ext2_dirblock_find(blk, BS, true, "hello", 5, &de), 0);
	CHECK_EQ(de.off, 24);
	CHECK_EQ(de.rec_len, BS - 24);
	CHECK_EQ(de.type, EXT2_FT_REG_FILE);
	ext2_dirblock_remove(blk, BS, de.off);
	CHECK_EQ(ext2_dirblock_find(blk, BS, true, "hello", 5, &de), -ENOENT);
	CHECK_EQ(ext2_dirblock_find(blk, BS, true, "..", 2, &de), 0);
	CHECK_EQ(de.rec_len, BS - 12); // merged back
}

TEST(rejects_bad_rec_len)
{
	uint8_t blk[BS];
	uint32_t bad;

	ext2_dirblock_init_dots(blk, BS, 12, 2, true);
	blk[4] = 13; // not a multiple of 4
	CHECK_EQ(ext2_dirblock_check(blk, BS, true, &bad), -EUCLEAN);
	CHECK_EQ(bad, 0);
	ext2_dirblock_init_dots(blk, BS, 12, 2, true);
	blk[16] = 0;	// ".." rec_len 0x300: leaves a gap? no: 768 < 1012, past nothing
	blk[17] = 0x10; // 4096: past the block
	CHECK_EQ(ext2_dirblock_check(blk, BS, true, &bad), -EUCLEAN);
	CHECK_EQ(bad, 12);
	ext2_dirblock_init_dots(blk, BS, 12, 2, true);
	blk[4] = 8; // "." rec_len 8 < 8 + 1 rounded: too short for its name
	CHECK_EQ(ext2_dirblock_check(blk, BS, true, &bad), -EUCLEAN);
	ext2_dirblock_init_empty(blk, BS);
	CHECK_EQ(ext2_dirblock_check(blk, BS, true, &bad), 0);
	CHECK_EQ(ext2_dirblock_find_space(blk, BS, 255), 0);
}

TEST(random_workload)
{
	static bool present[200];
	uint8_t blk[BS];
	uint32_t bad;
	char name[32];

	ext2_dirblock_init_empty(blk, BS);
	for (int step = 0; step < 20000; step++) {
		int i = (int)unit_rand_below(200);
		size_t len = (size_t)snprintf(name, sizeof(name), "n%d%.*s", i, i % 20,
					      "xxxxxxxxxxxxxxxxxxxx");
		struct ext2_de de;

		if (present[i]) {
			CHECK_EQ(ext2_dirblock_find(blk, BS, true, name, len, &de), 0);
			CHECK_EQ(de.inode, (uint32_t)i + 100);
			ext2_dirblock_remove(blk, BS, de.off);
			present[i] = false;
		} else {
			int64_t off = ext2_dirblock_find_space(blk, BS, (uint32_t)len);

			CHECK_EQ(ext2_dirblock_find(blk, BS, true, name, len, &de), -ENOENT);
			if (off < 0)
				continue;
			ext2_dirblock_insert(blk, (uint32_t)off, (uint32_t)i + 100, name, len, 1,
					     true);
			present[i] = true;
		}
		CHECK_EQ(ext2_dirblock_check(blk, BS, true, &bad), 0);
	}
}

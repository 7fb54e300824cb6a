/*
 * Host tests of fs/ext2/bitmap.c: the search from a goal with
 * wrap-around, partial last bytes, and counting.
 */
#include <string.h>

#include "fs/ext2/bitmap.h"
#include "unit.h"

TEST(find_from_goal_wraps)
{
	uint8_t map[16];

	memset(map, 0xff, sizeof(map));
	CHECK_EQ(ext2_bitmap_find_zero(map, 128, 0), -1);
	ext2_bitmap_clear(map, 5);
	ext2_bitmap_clear(map, 100);
	CHECK_EQ(ext2_bitmap_find_zero(map, 128, 0), 5);
	CHECK_EQ(ext2_bitmap_find_zero(map, 128, 6), 100);
	CHECK_EQ(ext2_bitmap_find_zero(map, 128, 101), 5); // wrapped
	CHECK_EQ(ext2_bitmap_find_zero(map, 100, 6), 5);   // 100 is past nbits
	CHECK_EQ(ext2_bitmap_find_zero(map, 128, 500), 5); // goal past the end
	CHECK_EQ(ext2_bitmap_count_zero(map, 128), 2);
	ext2_bitmap_set(map, 5);
	CHECK(ext2_bitmap_test(map, 5));
	CHECK_EQ(ext2_bitmap_find_zero(map, 99, 0), -1);
}

TEST(partial_byte)
{
	uint8_t map[2] = { 0xff, 0x00 };

	CHECK_EQ(ext2_bitmap_find_zero(map, 8, 0), -1);
	CHECK_EQ(ext2_bitmap_find_zero(map, 9, 0), 8);
	CHECK_EQ(ext2_bitmap_count_zero(map, 12), 4);
}

TEST(random_against_model)
{
	uint8_t map[64];

	for (int round = 0; round < 2000; round++) {
		uint32_t nbits = 1 + (uint32_t)unit_rand_below(512);
		uint32_t goal = (uint32_t)unit_rand_below(nbits);
		int64_t want = -1;

		for (size_t i = 0; i < sizeof(map); i++)
			map[i] = unit_rand_below(4) ? 0xff : (uint8_t)unit_rand();
		for (uint32_t k = 0; k < nbits && want < 0; k++)
			if (!ext2_bitmap_test(map, (goal + k) % nbits))
				want = (goal + k) % nbits;
		CHECK_EQ(ext2_bitmap_find_zero(map, nbits, goal), want);
	}
}

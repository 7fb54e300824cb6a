/*
 * ext2 bitmap search (see bitmap.h): a byte at a time past full bytes, so
 * a mostly full group is searched quickly. Pure: host-testable.
 */
#include "fs/ext2/bitmap.h"

/* The first clear bit in [@from, @to), or -1. */
static int64_t find_zero_range(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t i = from;

	while (i < to) {
		if (i % 8 == 0 && map[i / 8] == 0xff) {
			i += 8;
			continue;
		}
		if (!ext2_bitmap_test(map, i))
			return i;
		i++;
	}
	return -1;
}

int64_t ext2_bitmap_find_zero(const uint8_t *map, uint32_t nbits, uint32_t goal)
{
	int64_t r;

	if (goal >= nbits)
		goal = 0;
	r = find_zero_range(map, goal, nbits);
	if (r < 0 || r >= nbits)
		r = find_zero_range(map, 0, goal);
	return r >= 0 && r < nbits ? r : -1;
}

uint32_t ext2_bitmap_count_zero(const uint8_t *map, uint32_t nbits)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nbits; i++)
		n += !ext2_bitmap_test(map, i);
	return n;
}

/*
 * ext2 allocation bitmaps (one block per group for blocks, one for
 * inodes; bit i set = item i in use). Pure: no I/O, no locks
 * (fs/ext2/bitmap.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The first clear bit at or after @goal among the first @nbits of @map,
 * wrapping around to 0; -1 when every bit is set. @goal >= @nbits means 0. */
int64_t ext2_bitmap_find_zero(const uint8_t *map, uint32_t nbits, uint32_t goal);

/* Clear bits among the first @nbits. */
uint32_t ext2_bitmap_count_zero(const uint8_t *map, uint32_t nbits);

static inline bool ext2_bitmap_test(const uint8_t *map, uint32_t bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

static inline void ext2_bitmap_set(uint8_t *map, uint32_t bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static inline void ext2_bitmap_clear(uint8_t *map, uint32_t bit)
{
	map[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

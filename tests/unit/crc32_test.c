/*
 * Host tests of lib/crc32.c against zlib's published check value and
 * against a bitwise model, whole and in chunks.
 */
#include <stdlib.h>

#include "lib/crc32.h"
#include "unit.h"

/* The bit-at-a-time definition, independent of the table. */
static uint32_t model(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
	}
	return ~c;
}

TEST(check_value)
{
	CHECK_EQ(crc32_update(0, "123456789", 9), 0xCBF43926u); // the standard check
	CHECK_EQ(crc32_update(0, "", 0), 0u);
	CHECK_EQ(crc32_update(0, "a", 1), 0xE8B7BE43u);
}

TEST(chunks_match_model)
{
	uint8_t buf[4099];

	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t split = 0; split <= sizeof(buf); split += 37) {
		uint32_t c = crc32_update(0, buf, split);

		c = crc32_update(c, buf + split, sizeof(buf) - split);
		CHECK_EQ(c, model(buf, sizeof(buf)));
	}
}

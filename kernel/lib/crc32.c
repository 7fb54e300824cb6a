/*
 * CRC-32, a byte at a time through a 256-entry table built on first use
 * (the table is the CRC of each byte value alone). "Pure: host-testable."
 * Reflected form: the low bit of the register meets the next data bit.
 */
#include "lib/crc32.h"

#include <stdbool.h>

#define CRC32_POLY 0xEDB88320u // x^32 + x^26 + ... + 1, bit-reversed

static uint32_t table[256];
static bool table_ready;

/* Idempotent: two CPUs racing here write the same values. */
static void table_build(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32_POLY : c >> 1;
		table[i] = c;
	}
	__atomic_store_n(&table_ready, true, __ATOMIC_RELEASE);
}

uint32_t crc32_update(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = data;

	if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		table_build();
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

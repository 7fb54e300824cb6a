/*
 * Little-endian field readers for ACPI tables, which are byte-packed and may
 * sit at any alignment in memory. Pure: usable from host tests.
 */
#pragma once

#include <stdint.h>

static inline uint16_t acpi_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t acpi_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline uint64_t acpi_rd64(const uint8_t *p)
{
	return (uint64_t)acpi_rd32(p) | ((uint64_t)acpi_rd32(p + 4) << 32);
}

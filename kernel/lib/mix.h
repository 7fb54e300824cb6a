/*
 * 64-bit mixing for hash tables: the splitmix64 finaliser, which spreads
 * every input bit over the whole word. Shared by the buffer cache's and
 * the dentry cache's hashes. Pure: host-testable.
 */
#pragma once

#include <stdint.h>

/* The golden ratio as an odd 64-bit constant: a good seed offset and step. */
#define MIX_GOLDEN 0x9e3779b97f4a7c15ULL

/* Odd constants with many set bits, from the splitmix64 finaliser. */
#define MIX_MUL1 0xbf58476d1ce4e5b9ULL
#define MIX_MUL2 0x94d049bb133111ebULL

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= MIX_MUL1;
	x ^= x >> 27;
	x *= MIX_MUL2;
	x ^= x >> 31;
	return x;
}

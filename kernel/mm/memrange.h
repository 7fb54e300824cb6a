/*
 * Physical range painting: turn overlapping, unordered ranges (the loader's
 * memory map, reservations, the framebuffer) into sorted, disjoint segments
 * where later ranges win. pmm uses it to find allocatable frames (usable
 * regions minus everything reserved); vmm uses it for the memory type of
 * each part of the direct map.
 * Pure: host-testable.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

/* [start, end) with a caller-defined type. */
struct memrange {
	uint64_t start, end;
	unsigned int type;
};

/*
 * Paint @n ranges over [@lo, @hi), which starts as @deftype: each range
 * overwrites what is below it, so the last one containing an address gives
 * its type. Writes the result to @out as sorted, disjoint, non-empty
 * segments covering [@lo, @hi) exactly, equal neighbours merged. Returns the
 * number of segments, or -ENOSPC when more than @max_out are needed
 * (2 * @n + 1 always suffice). Ranges may be empty or lie outside [lo, hi).
 */
int memrange_paint(const struct memrange *in, size_t n, uint64_t lo, uint64_t hi,
		   unsigned int deftype, struct memrange *out, size_t max_out) __must_check;

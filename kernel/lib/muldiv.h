/*
 * a * b / c in 64 bits without overflow in the intermediate product, for
 * time-unit conversions (the kernel is not linked with libgcc, so there is
 * no 128-by-64 division routine). Pure: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* floor(@a * @b / @c); @c must be non-zero and the result must fit in 64
 * bits (otherwise the low 64 bits of the quotient are returned). */
static inline uint64_t mul_div_u64(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 p = (unsigned __int128)a * b;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p;
	uint64_t q = 0, r = hi % c;

	if (!hi)
		return lo / c;
	/* Long division of (r:lo) by c, one bit at a time. */
	for (int i = 63; i >= 0; i--) {
		bool carry = r >> 63;

		r = (r << 1) | ((lo >> i) & 1);
		q <<= 1;
		if (carry || r >= c) {
			r -= c;
			q |= 1;
		}
	}
	return q;
}

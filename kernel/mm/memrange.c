/*
 * Range painting (see memrange.h). Breakpoints are every range boundary
 * inside [lo, hi); between two neighbouring breakpoints the type is
 * constant and is that of the last range covering the left one. O(n^2) for
 * n ranges, which is fine for boot-time maps of a few hundred entries.
 * Pure: host-testable.
 */
#include "mm/memrange.h"

#include "include/uapi/errno.h"

/* Type at @x: the last range containing it, else @deftype. */
static unsigned int type_at(const struct memrange *in, size_t n, uint64_t x, unsigned int deftype)
{
	unsigned int t = deftype;

	for (size_t i = 0; i < n; i++)
		if (in[i].start <= x && x < in[i].end)
			t = in[i].type;
	return t;
}

/* Smallest range boundary strictly above @x and below @hi, else @hi. */
static uint64_t next_boundary(const struct memrange *in, size_t n, uint64_t x, uint64_t hi)
{
	uint64_t best = hi;

	for (size_t i = 0; i < n; i++) {
		if (in[i].start > x && in[i].start < best)
			best = in[i].start;
		if (in[i].end > x && in[i].end < best)
			best = in[i].end;
	}
	return best;
}

int memrange_paint(const struct memrange *in, size_t n, uint64_t lo, uint64_t hi,
		   unsigned int deftype, struct memrange *out, size_t max_out)
{
	size_t count = 0;

	for (uint64_t x = lo; x < hi;) {
		uint64_t next = next_boundary(in, n, x, hi);
		unsigned int t = type_at(in, n, x, deftype);

		if (count > 0 && out[count - 1].type == t && out[count - 1].end == x) {
			out[count - 1].end = next;
		} else {
			if (count == max_out)
				return -ENOSPC;
			out[count].start = x;
			out[count].end = next;
			out[count].type = t;
			count++;
		}
		x = next;
	}
	return (int)count;
}

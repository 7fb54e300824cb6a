/*
 * Tests for kernel/mm/memrange.c: random overlapping ranges painted over a
 * small universe must give exactly what painting unit by unit gives, as
 * sorted, disjoint, merged segments; plus the -ENOSPC limit and the shape
 * pmm uses (usable regions minus reservations).
 */
#include <string.h>

#include "include/uapi/errno.h"
#include "mm/memrange.h"
#include "unit.h"

#define UNIVERSE 300
#define MAX_IN 40

static void check_against_model(const struct memrange *in, size_t n, uint64_t lo, uint64_t hi)
{
	unsigned int model[UNIVERSE];
	struct memrange out[2 * MAX_IN + 1];
	int count;
	uint64_t x = lo;

	for (uint64_t u = lo; u < hi; u++)
		model[u] = 7;
	for (size_t i = 0; i < n; i++)
		for (uint64_t u = in[i].start; u < in[i].end && u < hi; u++)
			if (u >= lo)
				model[u] = in[i].type;
	count = memrange_paint(in, n, lo, hi, 7, out, 2 * n + 1);
	CHECK(count >= 0);
	for (int s = 0; s < count; s++) {
		CHECK_EQ(out[s].start, x);
		CHECK(out[s].end > out[s].start);
		if (s > 0)
			CHECK(out[s].type != out[s - 1].type);
		for (uint64_t u = out[s].start; u < out[s].end; u++)
			CHECKF(model[u] == out[s].type, "unit %lu: model %u, segment %u",
			       (unsigned long)u, model[u], out[s].type);
		x = out[s].end;
	}
	CHECK_EQ(x, hi);
}

TEST(memrange_random_against_model)
{
	struct memrange in[MAX_IN];

	for (int round = 0; round < 20000; round++) {
		size_t n = unit_rand_below(MAX_IN + 1);
		uint64_t lo = unit_rand_below(50), hi = lo + unit_rand_below(UNIVERSE - lo);

		for (size_t i = 0; i < n; i++) {
			in[i].start = unit_rand_below(UNIVERSE);
			in[i].end = in[i].start + unit_rand_below(UNIVERSE - in[i].start + 1);
			in[i].type = (unsigned int)unit_rand_below(4);
		}
		check_against_model(in, n, lo, hi);
	}
}

TEST(memrange_usable_minus_reserved)
{
	/* Usable 0x1000-0x9f000 and 0x100000-0x8000000, reserve the kernel. */
	const struct memrange in[] = {
		{ 0x1000, 0x9f000, 1 },
		{ 0x100000, 0x8000000, 1 },
		{ 0x0, 0x100000, 0 },
		{ 0x100000, 0x180000, 0 },
	};
	struct memrange out[9];
	int n = memrange_paint(in, 4, 0, 0x8000000, 0, out, 9);

	CHECK_EQ(n, 2);
	CHECK_EQ(out[0].start, 0);
	CHECK_EQ(out[0].end, 0x180000);
	CHECK_EQ(out[0].type, 0);
	CHECK_EQ(out[1].start, 0x180000);
	CHECK_EQ(out[1].end, 0x8000000);
	CHECK_EQ(out[1].type, 1);
}

TEST(memrange_reports_no_space)
{
	const struct memrange in[] = { { 10, 20, 1 }, { 30, 40, 1 } };
	struct memrange out[5];

	CHECK_EQ(memrange_paint(in, 2, 0, 50, 0, out, 4), -ENOSPC);
	CHECK_EQ(memrange_paint(in, 2, 0, 50, 0, out, 5), 5);
	CHECK_EQ(memrange_paint(in, 2, 5, 5, 0, out, 5), 0);
}

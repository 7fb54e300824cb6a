/*
 * Tests for kernel/mm/vmarea.c, the vmalloc area search's fit test: exact
 * fits, one byte too many, empty and inverted gaps, and sizes or gaps near
 * the top of the 64-bit range, where a sum of guard, size and start would
 * wrap to a small number that looks as if it fits.
 */
#include "mm/vmarea.h"
#include "unit.h"

#define PG 4096ul
#define BASE 0xffffc00000000000ul  /* VMALLOC_BASE */
#define END (BASE + (512ul << 30)) /* VMALLOC_AREA_END */

TEST(vmarea_exact_fit_and_one_too_many)
{
	uintptr_t start = 0;

	CHECK(vmarea_fit(BASE, BASE + 3 * PG, PG, 2 * PG, &start));
	CHECK_EQ(start, BASE + PG);
	CHECK(!vmarea_fit(BASE, BASE + 3 * PG, PG, 2 * PG + 1, &start));
	CHECK(vmarea_fit(BASE, END, PG, END - BASE - PG, &start));
	CHECK_EQ(start, BASE + PG);
	CHECK(!vmarea_fit(BASE, END, PG, END - BASE, &start));
}

TEST(vmarea_empty_and_inverted_gaps)
{
	uintptr_t start = 0;

	CHECK(vmarea_fit(BASE, BASE + PG, PG, 0, &start)); /* only the guard */
	CHECK(!vmarea_fit(BASE, BASE + PG - 1, PG, 0, &start));
	CHECK(!vmarea_fit(BASE, BASE, PG, PG, &start));
	CHECK(!vmarea_fit(BASE + 2 * PG, BASE + PG, PG, PG, &start));
	CHECK(!vmarea_fit(END, BASE, PG, PG, &start));
}

/* Each of these wraps guard + size or gap + guard + size to a number below
 * the limit if added up. */
TEST(vmarea_huge_sizes_never_wrap)
{
	static const size_t huge[] = {
		SIZE_MAX,	  SIZE_MAX - (PG - 1),	 SIZE_MAX - 2 * PG + 1,
		(size_t)0 - BASE, (size_t)0 - BASE - PG, (size_t)0 - END,
		END - BASE,
	};
	uintptr_t start = 0;

	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		CHECKF(!vmarea_fit(BASE, END, PG, huge[i], &start), "size %#zx", huge[i]);
		CHECKF(!vmarea_fit(BASE + 7 * PG, BASE + 100 * PG, PG, huge[i], &start),
		       "size %#zx in a small gap", huge[i]);
		CHECKF(!vmarea_fit(END - PG, END, PG, huge[i], &start), "size %#zx at the end",
		       huge[i]);
	}
	CHECK_EQ(start, 0);
}

TEST(vmarea_gap_at_the_top_of_the_address_space)
{
	uintptr_t start = 0;

	CHECK(!vmarea_fit(UINTPTR_MAX - PG + 1, UINTPTR_MAX, PG, PG, &start));
	CHECK(!vmarea_fit(UINTPTR_MAX - 2 * PG + 1, UINTPTR_MAX, 2 * PG, 0, &start));
	CHECK(vmarea_fit(UINTPTR_MAX - 2 * PG, UINTPTR_MAX, PG, PG, &start)); /* exactly */
	CHECK_EQ(start, UINTPTR_MAX - PG);
	CHECK(!vmarea_fit(UINTPTR_MAX - 2 * PG, UINTPTR_MAX, PG, PG + 1, &start));
	CHECK(!vmarea_fit(UINTPTR_MAX - PG, UINTPTR_MAX, SIZE_MAX, 1, &start));
}

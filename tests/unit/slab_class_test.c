/*
 * Tests for kernel/mm/slab_class.c: every request size up to a page maps
 * to the smallest class that holds it; power-of-two sizes get natural
 * alignment; at least 16-byte alignment for all; objects and footer fit in
 * a page; object indices are found exactly at object starts.
 */
#include "mm/slab_class.h"
#include "unit.h"

/* Largest power of two dividing @x. */
static size_t alignment_of(size_t x)
{
	return x & -x;
}

TEST(slab_class_every_size)
{
	for (size_t size = 0; size <= SLAB_PAGE_SIZE; size++) {
		int c = slab_class_of(size);

		if (size > SLAB_MAX_SIZE) {
			CHECK_EQ(c, -1);
			continue;
		}
		CHECKF(c >= 0, "size %zu has no class", size);
		if (c < 0)
			continue;
		CHECK(slab_class_size(c) >= (size ? size : 1));
		if (c > 0)
			CHECKF(slab_class_size(c - 1) < size, "size %zu could use a smaller class",
			       size);
		CHECK(alignment_of(slab_class_size(c)) >= SLAB_MIN_ALIGN);
		if (size >= 1 && (size & (size - 1)) == 0)
			CHECKF(alignment_of(slab_class_size(c)) >= size,
			       "power of two %zu in class %zu is not naturally aligned", size,
			       slab_class_size(c));
	}
}

TEST(slab_class_page_layout)
{
	for (unsigned int c = 0; c < SLAB_NR_CLASSES; c++) {
		size_t size = slab_class_size(c);
		unsigned int n = slab_objs_per_page(c);

		CHECK(n >= 2);
		CHECK(n <= SLAB_MAX_OBJS);
		CHECK(n * size + SLAB_FOOTER_SIZE <= SLAB_PAGE_SIZE);
		CHECK((n + 1) * size + SLAB_FOOTER_SIZE > SLAB_PAGE_SIZE);
		if (c > 0)
			CHECK(size > slab_class_size(c - 1));
		for (size_t off = 0; off < SLAB_PAGE_SIZE; off++) {
			int idx = slab_obj_index(c, off);

			if (off % size == 0 && off / size < n)
				CHECK_EQ(idx, (int)(off / size));
			else
				CHECK_EQ(idx, -1);
		}
	}
	CHECK_EQ(slab_class_size(SLAB_NR_CLASSES - 1), SLAB_MAX_SIZE);
	CHECK_EQ(slab_objs_per_page(0), SLAB_MAX_OBJS);
}

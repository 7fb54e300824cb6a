/*
 * Size-class arithmetic for kmalloc (see slab_class.h). Objects are packed
 * from offset 0 of the page; the 64-byte footer takes the page's end.
 * Pure: host-testable.
 */
#include "mm/slab_class.h"

#include <stdint.h>

#define SIZES(X) \
	X(16) X(32) X(64) X(96) X(128) X(192) X(256) X(384) X(512) X(768) X(1024) X(1344) X(2016)
#define SIZE(n) n,
#define OBJS(n) (SLAB_PAGE_SIZE - SLAB_FOOTER_SIZE) / (n),
/* floor(2^32 / n) + 1: (offset * it) >> 32 is offset / n for every
 * offset below a page (the error, offset / 2^32, never reaches the next
 * integer), a multiply where a division costs tens of cycles. */
#define RECIP(n) (uint32_t)((1ull << 32) / (n) + 1),

static const uint16_t class_sizes[SLAB_NR_CLASSES] = { SIZES(SIZE) };
static const uint16_t class_objs[SLAB_NR_CLASSES] = { SIZES(OBJS) };
static const uint32_t class_recip[SLAB_NR_CLASSES] = { SIZES(RECIP) };

_Static_assert(SLAB_MAX_OBJS * 16 + SLAB_FOOTER_SIZE <= SLAB_PAGE_SIZE,
	       "smallest class must fit beside the footer");

size_t slab_class_size(unsigned int cls)
{
	return class_sizes[cls];
}

int slab_class_of(size_t size)
{
	for (unsigned int c = 0; c < SLAB_NR_CLASSES; c++)
		if (size <= class_sizes[c])
			return (int)c;
	return -1;
}

unsigned int slab_objs_per_page(unsigned int cls)
{
	return class_objs[cls];
}

int slab_obj_index(unsigned int cls, size_t offset)
{
	size_t idx;

	if (offset >= SLAB_PAGE_SIZE)
		return -1;
	idx = (size_t)(((uint64_t)offset * class_recip[cls]) >> 32);
	if (idx * class_sizes[cls] != offset || idx >= class_objs[cls])
		return -1;
	return (int)idx;
}

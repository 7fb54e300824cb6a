/*
 * Size-class arithmetic for kmalloc (see slab_class.h). Objects are packed
 * from offset 0 of the page; the 64-byte footer takes the page's end.
 * Pure: host-testable.
 */
#include "mm/slab_class.h"

#include <stdint.h>

static const uint16_t class_sizes[SLAB_NR_CLASSES] = {
	16, 32, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1344, 2016,
};

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
	return (SLAB_PAGE_SIZE - SLAB_FOOTER_SIZE) / class_sizes[cls];
}

int slab_obj_index(unsigned int cls, size_t offset)
{
	size_t size = class_sizes[cls];

	if (offset % size != 0 || offset / size >= slab_objs_per_page(cls))
		return -1;
	return (int)(offset / size);
}

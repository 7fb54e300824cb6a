/*
 * kmalloc's size classes and the arithmetic of a slab page: which class a
 * request goes to, how many objects fit beside the footer, and which object
 * an address inside a slab page is. Power-of-two classes keep power-of-two
 * requests naturally aligned; the others (96, 192, ...) are 16-byte
 * aligned multiples that waste less.
 * Pure: host-testable.
 */
#pragma once

#include <stddef.h>

#define SLAB_PAGE_SIZE 4096
#define SLAB_FOOTER_SIZE 64 /* struct slab, at the end of each slab page */
#define SLAB_NR_CLASSES 13
#define SLAB_MAX_SIZE 2016 /* larger requests get whole pages */
#define SLAB_MIN_ALIGN 16
#define SLAB_MAX_OBJS 252 /* objects in the smallest class's page */

/* Object size of class @cls (< SLAB_NR_CLASSES). */
size_t slab_class_size(unsigned int cls);

/* Smallest class that can hold @size bytes (0 counts as 1), or -1 when
 * @size is above SLAB_MAX_SIZE. A power-of-two @size gets a class of exactly
 * that size, so the object is aligned to @size. */
int slab_class_of(size_t size);

/* Objects of class @cls that fit in one slab page beside the footer. */
unsigned int slab_objs_per_page(unsigned int cls);

/* Index of the object of class @cls starting at byte @offset of its page,
 * or -1 when no object starts there. */
int slab_obj_index(unsigned int cls, size_t offset);

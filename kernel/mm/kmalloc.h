/*
 * The kernel heap. Small requests (up to SLAB_MAX_SIZE) come from per-size
 * slab caches, each slab one page with a footer; larger ones get whole
 * buddy blocks (up to 4 MiB; use vmalloc beyond). Every object is at least
 * 16-byte aligned, and a power-of-two request up to a page is aligned to
 * its size. Debug builds poison freed slab objects (0x6b) and check the
 * poison on reuse; double frees and pointers kmalloc never returned go to
 * mm_report() (panic in debug builds, logged and ignored in release).
 * All functions are IRQ-safe and never sleep.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"
#include "mm/slab_class.h"

/* Set up the size classes. Boot CPU, once, after vmm_init(). */
void kmalloc_init(void);

/* @size bytes, uninitialised. Returns NULL only when memory runs out or
 * @size is above 4 MiB. kmalloc(0) returns a valid minimal object. */
void *kmalloc(size_t size) __must_check;

/* kmalloc() and clear. */
void *kzalloc(size_t size) __must_check;

/* A cleared array of @n elements of @size bytes; NULL when n * size
 * overflows or memory runs out. */
void *kcalloc(size_t n, size_t size) __must_check;

/* Resize @p to @size bytes, keeping the contents up to the smaller size.
 * @p NULL acts as kmalloc; @size 0 frees @p and returns NULL. Returns NULL
 * on failure, leaving @p untouched. */
void *krealloc(void *p, size_t size) __must_check;

/* Free @p (NULL is ignored). */
void kfree(void *p);

/* Usable size of the allocation @p (>= what was asked), 0 for NULL or a
 * pointer kmalloc did not return (which is also reported). */
size_t ksize(const void *p);

struct kmalloc_class_stats {
	uint32_t size;	   /* object size */
	uint32_t per_slab; /* objects per slab page */
	uint64_t slabs;	   /* slab pages */
	uint64_t inuse;	   /* objects allocated */
};

struct kmalloc_stats {
	struct kmalloc_class_stats cls[SLAB_NR_CLASSES];
	uint64_t large_allocs; /* page-backed allocations */
	uint64_t large_pages;
	uint64_t heap_pages; /* slab pages + large pages */
};

/* A consistent snapshot of the counters. */
void kmalloc_get_stats(struct kmalloc_stats *st);

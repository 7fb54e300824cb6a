/*
 * The physical page allocator: every usable 4 KiB frame of the loader's
 * memory map, minus the first MiB, the kernel image, the boot information,
 * boot modules and the allocator's own map, handed out in power-of-two
 * blocks (orders 0 to BUDDY_MAX_ORDER) by the buddy core in mm/buddy.c.
 * All functions are IRQ-safe unless they say otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"
#include "mm/buddy.h"

struct boot_info;

#define PMM_MAX_ORDER BUDDY_MAX_ORDER

/* Take over the memory described by @bi. Memory above 4 GiB is only noted:
 * the boot page tables do not map it, so pmm_init_late() adds it once
 * vmm_init() has. Boot CPU, once; panics if no usable memory is found. */
void pmm_init(const struct boot_info *bi);

/* Add the memory above 4 GiB that pmm_init() deferred. Boot CPU, once,
 * after vmm_init(). */
void pmm_init_late(void);

/* Allocate 2^@order contiguous frames aligned to their size. Returns the
 * physical address of the first, or 0 when no such block is free (physical
 * page 0 is never handed out). The memory is not cleared. */
paddr_t pmm_alloc_pages(unsigned int order) __must_check;

/* Free a block from pmm_alloc_pages() with the same @order. A bad free
 * (not allocated, double free, wrong order) goes to mm_report(). */
void pmm_free_pages(paddr_t pa, unsigned int order);

static inline paddr_t pmm_alloc_page(void)
{
	return pmm_alloc_pages(0);
}

static inline void pmm_free_page(paddr_t pa)
{
	pmm_free_pages(pa, 0);
}

/* A cleared frame, or 0 when memory is exhausted. */
paddr_t pmm_alloc_zeroed_page(void) __must_check;

/*
 * Per-frame reference counts, for frames several address spaces share
 * (fork's copy-on-write). Every block from pmm_alloc_pages() starts with
 * a count of 1 on its first frame; pmm_free_pages() ends it whatever the
 * count. The counts are atomics (no lock), so any holder of a reference
 * may take another or drop its own from any context; IRQ-safe. A frame
 * whose count is 1 is private to its one holder: only holders raise it.
 * pmm_page_get() adds a reference. pmm_page_unref() drops one and returns
 * how many are left, without freeing (the caller frees at 0, e.g. after a
 * TLB shootdown); pmm_page_put() drops one and frees the frame at 0.
 * pmm_page_refs() reads the count (0 for a free or unmanaged frame).
 */
void pmm_page_get(paddr_t pa);
unsigned int pmm_page_unref(paddr_t pa) __must_check;
void pmm_page_put(paddr_t pa);
unsigned int pmm_page_refs(paddr_t pa);

struct pmm_stats {
	uint64_t total_pages;		       /* frames the allocator manages */
	uint64_t free_pages;		       /* of those, free now */
	uint64_t free_blocks[BUDDY_NR_ORDERS]; /* free blocks per order */
	uint64_t usable_bytes;		       /* usable RAM in the loader's map */
	uint64_t image_bytes;		       /* the kernel image (text, data, bss) */
	uint64_t map_bytes;		       /* per-frame state and reference counts */
	uint64_t boot_bytes;		       /* boot information and modules, reserved */
	uint64_t deferred_pages;	       /* above 4 GiB, not yet added */
};

/* A consistent snapshot of the counters. */
void pmm_get_stats(struct pmm_stats *st);

/* Order of the allocated block starting at @pa, or -1 if none does. */
int pmm_allocated_order(paddr_t pa);

/*
 * The buddy allocator's core: free lists of power-of-two blocks of page
 * frames over one span of frame numbers, with splitting on allocation and
 * coalescing on free. No locks, no globals, no hardware: the caller (mm/pmm.c
 * in the kernel, tests/unit/buddy_test.c on the host) owns the memory of the
 * per-frame state array and says where each free block's list links live.
 * Pure: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

/* Largest block: 2^BUDDY_MAX_ORDER frames (4 MiB with 4 KiB frames). */
#define BUDDY_MAX_ORDER 10
#define BUDDY_NR_ORDERS (BUDDY_MAX_ORDER + 1)

/* "No block" in the free lists (relative frame index). */
#define BUDDY_NIL UINT64_MAX

/* Doubly-linked free-list node (relative frame indices, BUDDY_NIL at the
 * ends). Blocks below the maximum order keep theirs inside their first
 * frame; maximum-order blocks use a small side array, so that handing all
 * of memory to the allocator does not touch every 4 MiB of it (under QEMU,
 * each first touch costs the host a fresh huge page). */
struct buddy_link {
	uint64_t next, prev;
};

/*
 * One allocator. All fields are private to buddy.c except the statistics,
 * which callers may read (under whatever lock guards the allocator).
 */
struct buddy {
	uint64_t base_pfn;  /* first frame of the span, 2^MAX_ORDER aligned */
	uint64_t nr_pfns;   /* frames in the span (holes included) */
	uint8_t *state;	    /* nr_pfns bytes, one per frame (buddy.c encoding) */
	uint8_t *link_base; /* link of relative frame i: link_base + i*stride */
	size_t link_stride;
	struct buddy_link *top_links; /* max-order links, by i >> MAX_ORDER */
	uint64_t free_head[BUDDY_NR_ORDERS];
	/* Statistics. */
	uint64_t nr_free[BUDDY_NR_ORDERS]; /* free blocks of each order */
	uint64_t free_pages;		   /* frames in free blocks */
	uint64_t total_pages;		   /* frames ever added */
};

/* Why a free was refused (buddy_check_free). */
enum buddy_bad_free {
	BUDDY_FREE_OK = 0,
	BUDDY_BAD_UNMANAGED, /* frame is outside the allocator's memory */
	BUDDY_BAD_ALIGN,     /* frame is not aligned to the block order */
	BUDDY_BAD_FREE,	     /* block is already free: double free */
	BUDDY_BAD_INSIDE,    /* frame is not the first of an allocated block */
	BUDDY_BAD_ORDER,     /* block was allocated with another order */
};

/* Entries the top_links array needs for a span of @nr_pfns frames. */
static inline uint64_t buddy_top_links_count(uint64_t nr_pfns)
{
	return (nr_pfns >> BUDDY_MAX_ORDER) + 1;
}

/*
 * Set up @b for frames [@base_pfn, @base_pfn + @nr_pfns), all initially
 * unmanaged (nothing to allocate until buddy_add_range). @state must hold
 * @nr_pfns bytes and @top_links buddy_top_links_count(@nr_pfns) entries;
 * the link of a smaller free block starting at frame base_pfn + i lives at
 * @link_base + i * @link_stride (in the kernel: the frame itself through
 * the direct map). Returns 0, or -EINVAL when @base_pfn is not aligned to
 * 2^BUDDY_MAX_ORDER or @link_stride is smaller than a link.
 */
int buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t nr_pfns, uint8_t *state,
	       struct buddy_link *top_links, void *link_base, size_t link_stride) __must_check;

/*
 * Hand frames [@pfn, @pfn + @count) to the allocator as free memory; they
 * coalesce with free neighbours already added. Returns 0, or -EINVAL when
 * the range leaves the span or overlaps frames already added (nothing is
 * added then).
 */
int buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count) __must_check;

/*
 * Allocate a block of 2^@order frames, aligned to its size, and store its
 * first frame number in *@pfn. Returns 0, -ENOMEM when no block is large
 * enough, or -EINVAL for an order above BUDDY_MAX_ORDER.
 */
int buddy_alloc(struct buddy *b, unsigned int order, uint64_t *pfn) __must_check;

/*
 * Would freeing (@pfn, @order) be valid? BUDDY_FREE_OK when @pfn starts a
 * block allocated with exactly @order, otherwise the reason.
 */
enum buddy_bad_free buddy_check_free(const struct buddy *b, uint64_t pfn, unsigned int order);

/* Human-readable reason for a refused free ("double free ..."). */
const char *buddy_bad_free_name(enum buddy_bad_free why);

/*
 * Free the block (@pfn, @order) and coalesce it with free buddies. Returns
 * 0, or -EINVAL when buddy_check_free() refuses it (nothing changes then).
 */
int buddy_free(struct buddy *b, uint64_t pfn, unsigned int order) __must_check;

/* Order of the allocated block starting at @pfn, or -1 when @pfn does not
 * start an allocated block. */
int buddy_allocated_order(const struct buddy *b, uint64_t pfn);

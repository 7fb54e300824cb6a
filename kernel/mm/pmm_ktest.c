/*
 * In-kernel tests of the physical allocator: exhausting memory returns 0
 * and everything comes back; blocks are aligned and never overlap the
 * kernel image or the first MiB; a fragmentation pattern coalesces fully;
 * bad frees are detected (captured instead of panicking).
 */
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/pmm.h"
#include "mm/vmalloc.h"

#define FRAG_PAGES 2048

extern char __kernel_phys_start[], __kernel_end[];

#define MAX_BLOCKS 16384 /* per order in the exhaustion test */

/* Allocate blocks of @order until none is left, recording them in @out
 * (the memory itself is not touched: no host memory is spent on it). */
static uint64_t alloc_all(unsigned int order, paddr_t *out)
{
	uint64_t n = 0;
	paddr_t pa;

	while ((pa = pmm_alloc_pages(order))) {
		KASSERT(n < MAX_BLOCKS);
		KASSERT(IS_ALIGNED(pa, PAGE_SIZE << order));
		KASSERT(pa >= (1u << 20));
		KASSERT(pa + (PAGE_SIZE << order) <= (uintptr_t)__kernel_phys_start ||
			pa >= kernel_virt_to_phys(__kernel_end));
		out[n++] = pa;
	}
	return n;
}

static void free_all(const paddr_t *blocks, uint64_t n, unsigned int order)
{
	for (uint64_t i = 0; i < n; i++)
		pmm_free_pages(blocks[i], order);
}

KTEST(mm_pmm_exhaust_and_return_everything)
{
	struct pmm_stats before, empty, after;
	paddr_t *big = vmalloc(MAX_BLOCKS * sizeof(paddr_t));
	paddr_t *small = vmalloc(MAX_BLOCKS * sizeof(paddr_t));

	KASSERT(big && small);
	pmm_get_stats(&before);
	for (int round = 0; round < 3; round++) {
		uint64_t nbig = alloc_all(PMM_MAX_ORDER, big);
		uint64_t nsmall = alloc_all(0, small);

		pmm_get_stats(&empty);
		KASSERT_EQ(empty.free_pages, 0);
		KASSERT_EQ(pmm_alloc_page(), 0); /* out of memory: 0, no panic */
		KASSERT_EQ(pmm_alloc_pages(3), 0);
		KASSERT_EQ((nbig << PMM_MAX_ORDER) + nsmall, before.free_pages);
		free_all(small, nsmall, 0);
		free_all(big, nbig, PMM_MAX_ORDER);
		pmm_get_stats(&after);
		KASSERT_EQ(after.free_pages, before.free_pages);
		KASSERT(memcmp(after.free_blocks, before.free_blocks, sizeof(after.free_blocks)) ==
			0);
	}
	vfree(small);
	vfree(big);
}

KTEST(mm_pmm_fragmentation_coalesces)
{
	static paddr_t pages[FRAG_PAGES];
	struct pmm_stats before, after;

	pmm_get_stats(&before);
	for (int i = 0; i < FRAG_PAGES; i++) {
		pages[i] = pmm_alloc_page();
		KASSERT(pages[i]);
		KASSERT_EQ(pmm_allocated_order(pages[i]), 0);
	}
	for (int i = 0; i < FRAG_PAGES; i += 2) /* every other page */
		pmm_free_page(pages[i]);
	for (int i = 0; i < FRAG_PAGES; i++) /* an order-4 block still fits elsewhere */
		KASSERT(i % 2 == 0 || pmm_allocated_order(pages[i]) == 0);
	for (int i = 1; i < FRAG_PAGES; i += 2)
		pmm_free_page(pages[i]);
	pmm_get_stats(&after);
	KASSERT_EQ(after.free_pages, before.free_pages);
	KASSERT(memcmp(after.free_blocks, before.free_blocks, sizeof(after.free_blocks)) == 0);
}

KTEST(mm_pmm_orders_are_aligned)
{
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		paddr_t pa = pmm_alloc_pages(o);

		KASSERT(pa);
		KASSERT(IS_ALIGNED(pa, PAGE_SIZE << o));
		KASSERT_EQ(pmm_allocated_order(pa), o);
		pmm_free_pages(pa, o);
		KASSERT_EQ(pmm_allocated_order(pa), -1);
	}
	KASSERT_EQ(pmm_alloc_pages(PMM_MAX_ORDER + 1), 0);
}

KTEST(mm_pmm_bad_frees_are_detected)
{
	paddr_t a = pmm_alloc_pages(2), b = pmm_alloc_page();
	char msg[200];

	KASSERT(a && b);
	mm_report_capture_begin();
	pmm_free_pages(a, 1); /* wrong order */
	KASSERT_EQ(mm_report_capture_end(msg, sizeof(msg)), 1);
	KASSERT(strstr(msg, "different order"));
	pmm_free_pages(a, 2);
	mm_report_capture_begin();
	pmm_free_pages(a, 2); /* double free */
	KASSERT_EQ(mm_report_capture_end(msg, sizeof(msg)), 1);
	KASSERT(strstr(msg, "double free"));
	mm_report_capture_begin();
	pmm_free_page(b + PAGE_SIZE / 2);			      /* not a frame address */
	pmm_free_page(kernel_virt_to_phys(__kernel_end) - PAGE_SIZE); /* kernel image */
	pmm_free_page(0x1000);					      /* first MiB */
	KASSERT_EQ(mm_report_capture_end(msg, sizeof(msg)), 3);
	pmm_free_page(b);
}

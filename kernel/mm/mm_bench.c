/*
 * Memory-management benchmarks: page alloc+free pairs per second (order 0
 * and 4) and kmalloc+kfree pairs per second (32 B, 256 B, 4 KiB), each a
 * tight loop on the calling CPU timed with ktime.
 */
#include "bench/bench.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "time/ktime.h"

#define PAGE_PAIRS 200000
#define KMALLOC_PAIRS 300000
#define NS_PER_S 1000000000ull

static uint64_t per_second(uint64_t n, uint64_t ns)
{
	return ns ? n * NS_PER_S / ns : 0;
}

static void bench_pages(const char *metric, unsigned int order)
{
	uint64_t start = ktime_ns();

	for (int i = 0; i < PAGE_PAIRS; i++) {
		paddr_t pa = pmm_alloc_pages(order);

		if (!pa)
			return;
		pmm_free_pages(pa, order);
	}
	bench_metric(metric, per_second(PAGE_PAIRS, ktime_ns() - start), "pairs/s");
}

static void bench_kmalloc(const char *metric, size_t size)
{
	uint64_t start = ktime_ns();

	for (int i = 0; i < KMALLOC_PAIRS; i++) {
		void *p = kmalloc(size);

		if (!p)
			return;
		kfree(p);
	}
	bench_metric(metric, per_second(KMALLOC_PAIRS, ktime_ns() - start), "pairs/s");
}

BENCH(mm_pages)
{
	bench_pages("mm_page_order0_alloc_free", 0);
	bench_pages("mm_page_order4_alloc_free", 4);
}

BENCH(mm_kmalloc)
{
	bench_kmalloc("mm_kmalloc32_alloc_free", 32);
	bench_kmalloc("mm_kmalloc256_alloc_free", 256);
	bench_kmalloc("mm_kmalloc4k_alloc_free", 4096);
}

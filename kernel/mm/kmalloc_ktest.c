/*
 * In-kernel tests of the heap: every size class with its alignment; churn
 * far beyond the heap's size with no leak; kcalloc overflow; krealloc;
 * out of memory gives NULL; double free, bad pointers and (debug builds)
 * writes after free are detected (captured instead of panicking).
 */
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

#define CHURN_BATCH 512
#define CHURN_BYTES (256ull << 20) /* allocated in total, batch by batch */

static size_t natural_align(size_t size)
{
	size_t a = 16;

	if (size && !(size & (size - 1)) && size <= PAGE_SIZE)
		a = MAX(a, size);
	return a;
}

KTEST(mm_kmalloc_every_size_is_aligned)
{
	static void *p[PAGE_SIZE * 2 / 8];
	int n = 0;

	for (size_t size = 0; size <= PAGE_SIZE * 2; size += size < 64 ? 1 : 8) {
		p[n] = kmalloc(size);
		KASSERT(p[n]);
		KASSERT(IS_ALIGNED((uintptr_t)p[n], natural_align(size)));
		KASSERT(ksize(p[n]) >= size);
		memset(p[n], 0xa5, size);
		n++;
	}
	for (size_t s = 1; s <= PAGE_SIZE; s <<= 1) { /* powers of two: natural */
		void *q = kmalloc(s);

		KASSERT(q && IS_ALIGNED((uintptr_t)q, MAX(s, 16)));
		kfree(q);
	}
	while (n-- > 0)
		kfree(p[n]);
}

static void churn_round(void **batch, uint64_t *bytes)
{
	for (int i = 0; i < CHURN_BATCH; i++) {
		/* Mostly small, some multi-page. */
		size_t size =
			(i % 16 == 15) ? PAGE_SIZE * (1 + i % 5) : (size_t)(16 + (i * 37) % 2000);

		batch[i] = kmalloc(size);
		KASSERT(batch[i]);
		((char *)batch[i])[size - 1] = 1;
		*bytes += size;
	}
	for (int i = 0; i < CHURN_BATCH; i += 2)
		kfree(batch[i]);
	for (int i = 1; i < CHURN_BATCH; i += 2)
		kfree(batch[i]);
}

KTEST(mm_kmalloc_churn_far_beyond_the_heap)
{
	static void *batch[CHURN_BATCH];
	struct kmalloc_stats ks, ks_before;
	struct pmm_stats before, after;
	uint64_t bytes = 0;

	churn_round(batch, &bytes); /* warm: one empty slab per class stays */
	kmalloc_get_stats(&ks_before);
	pmm_get_stats(&before);
	while (bytes < CHURN_BYTES)
		churn_round(batch, &bytes);
	pmm_get_stats(&after);
	kmalloc_get_stats(&ks);
	KASSERT_EQ(after.free_pages, before.free_pages);     /* nothing leaked */
	KASSERT_EQ(ks.large_allocs, ks_before.large_allocs); /* drivers keep theirs */
	KASSERT(bytes > (ks.heap_pages + 1) * PAGE_SIZE * 100);
}

KTEST(mm_kcalloc_checks_overflow)
{
	uint32_t *a = kcalloc(100, sizeof(uint32_t));

	KASSERT(a);
	for (int i = 0; i < 100; i++)
		KASSERT_EQ(a[i], 0);
	kfree(a);
	KASSERT(kcalloc(SIZE_MAX / 2 + 1, 2) == NULL);
	KASSERT(kcalloc(1ull << 32, 1ull << 32) == NULL);
}

KTEST(mm_krealloc_keeps_contents)
{
	char *p = kmalloc(10), *q;

	KASSERT(p);
	memcpy(p, "corvid-mm", 10);
	q = krealloc(p, 3000); /* slab -> larger class */
	KASSERT(q && strcmp(q, "corvid-mm") == 0);
	p = krealloc(q, 20000); /* -> pages */
	KASSERT(p && strcmp(p, "corvid-mm") == 0 && ksize(p) >= 20000);
	q = krealloc(p, 8); /* shrinking keeps the block */
	KASSERT(q == p);
	KASSERT(krealloc(q, 0) == NULL);
	p = krealloc(NULL, 32);
	KASSERT(p);
	kfree(p);
}

#define OOM_BLOCKS 2048 /* 8 GiB of 4 MiB blocks: more than any test machine */

/* The block table is on the heap: 16 KiB would overflow a task stack (the
 * test also runs as a background job). It is allocated before memory runs
 * out and freed last. */
KTEST(mm_kmalloc_out_of_memory_returns_null)
{
	void **blocks = kmalloc(OOM_BLOCKS * sizeof(*blocks));
	void *p;
	int n = 0;

	KASSERT(blocks);
	KASSERT(kmalloc((4u << 20) + 1) == NULL); /* above the largest block */
	while (n < OOM_BLOCKS && (blocks[n] = kmalloc(4u << 20)))
		n++;
	KASSERT(n < OOM_BLOCKS || pmm_alloc_pages(PMM_MAX_ORDER) == 0);
	KASSERT(kmalloc(4u << 20) == NULL);
	while (n-- > 0)
		kfree(blocks[n]);
	kfree(blocks);
	p = kmalloc(4u << 20);
	KASSERT(p);
	kfree(p);
}

KTEST(mm_kfree_detects_double_and_bad_frees)
{
	char *p = kmalloc(48), *big = kmalloc(3 * PAGE_SIZE), msg[200];
	static char not_heap[64];

	KASSERT(p && big);
	kfree(p);
	mm_report_capture_begin();
	kfree(p);
	KASSERT_EQ(mm_report_capture_end(msg, sizeof(msg)), 1);
	KASSERT(strstr(msg, "double free"));
	mm_report_capture_begin();
	kfree(not_heap); /* kernel image */
	kfree(big + 16); /* inside a large block */
	kfree(big + PAGE_SIZE);
	KASSERT_EQ(mm_report_capture_end(msg, sizeof(msg)), 3);
	KASSERT(strstr(msg, "not returned by kmalloc"));
	kfree(big);
	mm_report_capture_begin();
	kfree(big);
	KASSERT_EQ(mm_report_capture_end(msg, sizeof(msg)), 1);
}

KTEST(mm_kmalloc_poisons_and_checks_freed_objects)
{
	char msg[200];
	uint8_t *p;

	if (!MM_DEBUG)
		return; /* release builds do not poison */
	p = kmalloc(200);
	KASSERT(p);
	kfree(p);
	KASSERT_EQ(p[100], MM_POISON_FREE);
	p[100] = 0; /* a write after free */
	mm_report_capture_begin();
	for (int i = 0; i < 64; i++) { /* LIFO: the next 200-byte alloc reuses p */
		void *q = kmalloc(200);

		if (q == p) {
			kfree(q);
			break;
		}
		kfree(q);
	}
	KASSERT(mm_report_capture_end(msg, sizeof(msg)) >= 1);
	KASSERT(strstr(msg, "after free"));
}

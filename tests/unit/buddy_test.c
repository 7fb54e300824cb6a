/*
 * Tests for kernel/mm/buddy.c. The core is a randomised stress against a
 * simple model (one owner per frame): allocations never overlap, are
 * aligned and lie in managed memory; the free lists, walked through their
 * links, cover exactly the frames the model says are free; freeing
 * everything restores the coalesced state of a fresh allocator. Hand-written
 * cases cover holes, out of memory and every kind of bad free. The last
 * test reports the allocator's speed on the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "include/uapi/errno.h"
#include "mm/buddy.h"
#include "unit.h"

#define SPAN 8192    /* frames in the test span (8 max-order blocks) */
#define BASE 0x40000 /* a base frame number that is 2^MAX_ORDER aligned */
#define FREE_FRAME -1
#define UNMANAGED -2

struct fixture {
	struct buddy b;
	uint8_t state[SPAN];
	struct buddy_link links[SPAN];
	struct buddy_link top[(SPAN >> BUDDY_MAX_ORDER) + 1];
	int owner[SPAN]; /* the model: allocation id, FREE_FRAME or UNMANAGED */
};

struct block {
	uint64_t pfn;
	unsigned int order;
};

static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	CHECK(f);
	CHECK_EQ(buddy_init(&f->b, BASE, SPAN, f->state, f->top, f->links, sizeof(f->links[0])), 0);
	for (int i = 0; i < SPAN; i++)
		f->owner[i] = UNMANAGED;
	return f;
}

static void fixture_add(struct fixture *f, uint64_t first, uint64_t count)
{
	CHECK_EQ(buddy_add_range(&f->b, BASE + first, count), 0);
	for (uint64_t i = first; i < first + count; i++)
		f->owner[i] = FREE_FRAME;
}

/* Walk every free list and compare it with the model. */
static void check_consistent(struct fixture *f)
{
	static int seen[SPAN];
	uint64_t pages = 0;

	memset(seen, 0, sizeof(seen));
	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++) {
		uint64_t n = 0, prev = BUDDY_NIL;

		for (uint64_t i = f->b.free_head[o]; i != BUDDY_NIL;) {
			const struct buddy_link *l =
				o == BUDDY_MAX_ORDER ? &f->top[i >> BUDDY_MAX_ORDER] : &f->links[i];

			CHECK(i < SPAN);
			CHECK_EQ(l->prev, prev);
			CHECK_EQ(i & ((1u << o) - 1), 0);
			for (uint64_t j = i; j < i + (1u << o) && j < SPAN; j++) {
				CHECKF(f->owner[j] == FREE_FRAME && !seen[j],
				       "frame %lu in free list %u: owner %d seen %d",
				       (unsigned long)j, o, f->owner[j], seen[j]);
				seen[j] = 1;
			}
			prev = i;
			n++;
			i = l->next;
		}
		CHECK_EQ(n, f->b.nr_free[o]);
		pages += n << o;
	}
	CHECK_EQ(pages, f->b.free_pages);
	for (int j = 0; j < SPAN; j++)
		if (f->owner[j] == FREE_FRAME)
			CHECKF(seen[j], "free frame %d is on no free list", j);
}

static bool model_alloc(struct fixture *f, unsigned int order, int id, struct block *out)
{
	uint64_t pfn;
	int err = buddy_alloc(&f->b, order, &pfn);

	if (err) {
		CHECK_EQ(err, -ENOMEM);
		return false;
	}
	CHECK(pfn >= BASE && pfn + (1u << order) <= BASE + SPAN);
	CHECK_EQ(pfn & ((1u << order) - 1), 0);
	for (uint64_t j = pfn - BASE; j < pfn - BASE + (1u << order); j++) {
		CHECKF(f->owner[j] == FREE_FRAME, "frame %lu handed out while owned by %d",
		       (unsigned long)j, f->owner[j]);
		f->owner[j] = id;
	}
	CHECK_EQ(buddy_allocated_order(&f->b, pfn), order);
	out->pfn = pfn;
	out->order = order;
	return true;
}

static void model_free(struct fixture *f, const struct block *blk)
{
	CHECK_EQ(buddy_check_free(&f->b, blk->pfn, blk->order), BUDDY_FREE_OK);
	CHECK_EQ(buddy_free(&f->b, blk->pfn, blk->order), 0);
	for (uint64_t j = blk->pfn - BASE; j < blk->pfn - BASE + (1u << blk->order); j++)
		f->owner[j] = FREE_FRAME;
}

/* Small orders are common, large ones rare, as in a kernel. */
static unsigned int random_order(void)
{
	unsigned int o = 0;

	while (o < BUDDY_MAX_ORDER && unit_rand_below(3) == 0)
		o++;
	return o;
}

static void stress(struct fixture *f, int ops)
{
	uint64_t before[BUDDY_NR_ORDERS];
	struct block *live = calloc(SPAN, sizeof(*live));
	int nlive = 0, id = 0;

	memcpy(before, f->b.nr_free, sizeof(before));
	for (int op = 0; op < ops; op++) {
		if (nlive > 0 && (unit_rand_below(100) < 45 || nlive == SPAN)) {
			int k = (int)unit_rand_below(nlive);

			model_free(f, &live[k]);
			live[k] = live[--nlive];
		} else if (model_alloc(f, random_order(), id++, &live[nlive])) {
			nlive++;
		}
		if (op % 4096 == 0)
			check_consistent(f);
	}
	check_consistent(f);
	while (nlive > 0)
		model_free(f, &live[--nlive]);
	check_consistent(f);
	CHECK_MEM_EQ(before, f->b.nr_free, sizeof(before));
	CHECK_EQ(f->b.free_pages, f->b.total_pages);
	free(live);
}

TEST(buddy_stress_contiguous)
{
	struct fixture *f = fixture_new();

	fixture_add(f, 0, SPAN);
	CHECK_EQ(f->b.nr_free[BUDDY_MAX_ORDER], SPAN >> BUDDY_MAX_ORDER);
	stress(f, 200000);
	free(f);
}

TEST(buddy_stress_holes)
{
	struct fixture *f = fixture_new();

	/* Unaligned ranges with holes, added out of order. */
	fixture_add(f, 4097, 3000);
	fixture_add(f, 3, 1021);
	fixture_add(f, 1024, 1500);
	fixture_add(f, 7200, 991);
	check_consistent(f);
	CHECK_EQ(f->b.total_pages, 3000 + 1021 + 1500 + 991);
	stress(f, 200000);
	free(f);
}

TEST(buddy_add_range_merges_neighbours)
{
	struct fixture *f = fixture_new();

	fixture_add(f, 0, 512);
	fixture_add(f, 512, 512);
	CHECK_EQ(f->b.nr_free[BUDDY_MAX_ORDER], 1);
	CHECK_EQ(f->b.nr_free[BUDDY_MAX_ORDER - 1], 0);
	CHECK_EQ(buddy_add_range(&f->b, BASE + 100, 1), -EINVAL); /* twice */
	CHECK_EQ(buddy_add_range(&f->b, BASE + SPAN - 1, 2), -EINVAL);
	CHECK_EQ(buddy_add_range(&f->b, BASE - 1, 1), -EINVAL);
	CHECK_EQ(f->b.total_pages, 1024);
	check_consistent(f);
	free(f);
}

TEST(buddy_out_of_memory)
{
	struct fixture *f = fixture_new();
	struct block *blk = calloc(SPAN, sizeof(*blk));
	uint64_t pfn;
	int n = 0;

	fixture_add(f, 10, 2100);
	while (model_alloc(f, 0, n, &blk[n]))
		n++;
	CHECK_EQ(n, 2100);
	CHECK_EQ(f->b.free_pages, 0);
	CHECK_EQ(buddy_alloc(&f->b, 0, &pfn), -ENOMEM);
	CHECK_EQ(buddy_alloc(&f->b, BUDDY_MAX_ORDER + 1, &pfn), -EINVAL);
	/* Free every other frame: plenty free, nothing of order 1. */
	for (int i = 0; i < n; i += 2)
		model_free(f, &blk[i]);
	CHECK_EQ(buddy_alloc(&f->b, 1, &pfn), -ENOMEM);
	for (int i = 1; i < n; i += 2)
		model_free(f, &blk[i]);
	CHECK(model_alloc(f, BUDDY_MAX_ORDER, n, &blk[0])); /* 1024..2047 */
	CHECK_EQ(blk[0].pfn, BASE + 1024);
	check_consistent(f);
	free(blk);
	free(f);
}

TEST(buddy_bad_frees_are_refused)
{
	struct fixture *f = fixture_new();
	uint64_t a, b2, c;

	fixture_add(f, 0, 4096);
	CHECK_EQ(buddy_alloc(&f->b, 3, &a), 0);
	CHECK_EQ(buddy_alloc(&f->b, 0, &b2), 0);
	CHECK_EQ(buddy_alloc(&f->b, 0, &c), 0);
	CHECK_EQ(buddy_check_free(&f->b, a, 2), BUDDY_BAD_ORDER);
	CHECK_EQ(buddy_check_free(&f->b, a, 4), (a & 15) ? BUDDY_BAD_ALIGN : BUDDY_BAD_ORDER);
	CHECK_EQ(buddy_check_free(&f->b, a + 1, 0), BUDDY_BAD_INSIDE);
	CHECK_EQ(buddy_check_free(&f->b, a + 2, 1), BUDDY_BAD_INSIDE);
	CHECK_EQ(buddy_check_free(&f->b, a + 1, 1), BUDDY_BAD_ALIGN);
	CHECK_EQ(buddy_check_free(&f->b, BASE + 5000, 0), BUDDY_BAD_UNMANAGED);
	CHECK_EQ(buddy_check_free(&f->b, BASE + SPAN, 0), BUDDY_BAD_UNMANAGED);
	CHECK_EQ(buddy_check_free(&f->b, BASE - 1, 0), BUDDY_BAD_UNMANAGED);
	CHECK_EQ(buddy_free(&f->b, a, 2), -EINVAL);
	/* Double free: the block is free (or merged into a free block). */
	CHECK_EQ(buddy_free(&f->b, b2, 0), 0);
	CHECK(buddy_check_free(&f->b, b2, 0) == BUDDY_BAD_FREE ||
	      buddy_check_free(&f->b, b2, 0) == BUDDY_BAD_INSIDE);
	CHECK_EQ(buddy_free(&f->b, b2, 0), -EINVAL);
	CHECK_EQ(buddy_free(&f->b, c, 0), 0);
	CHECK_EQ(buddy_free(&f->b, c, 0), -EINVAL);
	CHECK_EQ(buddy_free(&f->b, a, 3), 0);
	CHECK_EQ(buddy_free(&f->b, a, 3), -EINVAL);
	CHECK_EQ(f->b.nr_free[BUDDY_MAX_ORDER], 4);
	CHECK_EQ(f->b.free_pages, 4096);
	for (int w = BUDDY_FREE_OK; w <= BUDDY_BAD_ORDER; w++)
		CHECK(strlen(buddy_bad_free_name(w)) > 4);
	free(f);
}

TEST(buddy_init_rejects_bad_arguments)
{
	struct fixture *f = fixture_new();

	CHECK_EQ(buddy_init(&f->b, BASE + 1, SPAN, f->state, f->top, f->links, 16), -EINVAL);
	CHECK_EQ(buddy_init(&f->b, BASE, SPAN, f->state, f->top, f->links, 8), -EINVAL);
	free(f);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(buddy_host_speed)
{
	struct fixture *f = fixture_new();
	const int pairs = 2000000;
	uint64_t pfn, keep[64];
	double t;

	fixture_add(f, 0, SPAN);
	/* Some long-lived allocations, so the lists are not trivially empty. */
	for (int i = 0; i < 64; i++)
		CHECK_EQ(buddy_alloc(&f->b, 0, &keep[i]), 0);
	for (unsigned int order = 0; order <= 4; order += 4) {
		t = seconds();
		for (int i = 0; i < pairs; i++) {
			if (buddy_alloc(&f->b, order, &pfn) || buddy_free(&f->b, pfn, order))
				CHECK(0);
		}
		t = seconds() - t;
		printf("buddy host speed: order %u alloc+free %.1f M pairs/s\n", order,
		       pairs / t / 1e6);
	}
	free(f);
}

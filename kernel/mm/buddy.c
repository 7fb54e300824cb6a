/*
 * Binary buddy allocator over page-frame numbers (Knuth, TAOCP Vol. 1
 * §2.5, "buddy system"). A block of order k is 2^k frames aligned to its
 * size; its buddy is the block whose frame number differs only in bit k.
 * Each frame has one state byte: unmanaged (hole or reserved), interior
 * (inside a block), or the head of a free or allocated block with its
 * order. Only heads carry an order, which makes every bad free detectable
 * in O(1). Free lists are doubly linked through the free blocks themselves
 * (maximum-order blocks through a side array, see buddy.h), so the
 * per-frame overhead is the state byte.
 * Pure: host-testable.
 */
#include "mm/buddy.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

/* State byte encoding: the high two bits say what the frame is, the low
 * four bits hold the order of a head. */
enum {
	ST_UNMANAGED = 0x00,
	ST_INTERIOR = 0x40,
	ST_FREE_HEAD = 0x80,
	ST_ALLOC_HEAD = 0xc0,
	ST_KIND_MASK = 0xc0,
	ST_ORDER_MASK = 0x0f,
};

_Static_assert(BUDDY_MAX_ORDER <= ST_ORDER_MASK, "order must fit the state byte");

static inline struct buddy_link *link_of(const struct buddy *b, uint64_t i, unsigned int order)
{
	if (order == BUDDY_MAX_ORDER)
		return &b->top_links[i >> BUDDY_MAX_ORDER];
	return (struct buddy_link *)(b->link_base + i * b->link_stride);
}

static void list_push(struct buddy *b, uint64_t i, unsigned int order)
{
	struct buddy_link *l = link_of(b, i, order);
	uint64_t head = b->free_head[order];

	l->prev = BUDDY_NIL;
	l->next = head;
	if (head != BUDDY_NIL)
		link_of(b, head, order)->prev = i;
	b->free_head[order] = i;
	b->state[i] = ST_FREE_HEAD | order;
	b->nr_free[order]++;
	b->free_pages += 1ull << order;
}

static void list_remove(struct buddy *b, uint64_t i, unsigned int order)
{
	struct buddy_link *l = link_of(b, i, order);

	if (l->prev != BUDDY_NIL)
		link_of(b, l->prev, order)->next = l->next;
	else
		b->free_head[order] = l->next;
	if (l->next != BUDDY_NIL)
		link_of(b, l->next, order)->prev = l->prev;
	b->nr_free[order]--;
	b->free_pages -= 1ull << order;
}

int buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t nr_pfns, uint8_t *state,
	       struct buddy_link *top_links, void *link_base, size_t link_stride)
{
	if (base_pfn & ((1ull << BUDDY_MAX_ORDER) - 1))
		return -EINVAL;
	if (link_stride < sizeof(struct buddy_link))
		return -EINVAL;
	b->base_pfn = base_pfn;
	b->nr_pfns = nr_pfns;
	b->state = state;
	b->link_base = link_base;
	b->link_stride = link_stride;
	b->top_links = top_links;
	for (unsigned int o = 0; o < BUDDY_NR_ORDERS; o++) {
		b->free_head[o] = BUDDY_NIL;
		b->nr_free[o] = 0;
	}
	b->free_pages = 0;
	b->total_pages = 0;
	memset(state, ST_UNMANAGED, nr_pfns); /* 512 KiB for 2 GiB: no byte loop */
	return 0;
}

/* Put the free block at relative index @i of @order on the lists, merging
 * it with its free buddies first. */
static void free_and_merge(struct buddy *b, uint64_t i, unsigned int order)
{
	while (order < BUDDY_MAX_ORDER) {
		uint64_t bi = i ^ (1ull << order);

		if (bi >= b->nr_pfns || b->state[bi] != (ST_FREE_HEAD | order))
			break;
		list_remove(b, bi, order);
		b->state[bi] = ST_INTERIOR;
		b->state[i] = ST_INTERIOR;
		i &= ~(1ull << order);
		order++;
	}
	list_push(b, i, order);
}

/* Are all @n state bytes at @s ST_UNMANAGED (0)? Eight at a time. */
static bool all_unmanaged(const uint8_t *s, uint64_t n)
{
	uint64_t word;

	for (; n && ((uintptr_t)s & 7); s++, n--)
		if (*s != ST_UNMANAGED)
			return false;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&word, s, 8);
		if (word)
			return false;
	}
	for (; n; s++, n--)
		if (*s != ST_UNMANAGED)
			return false;
	return true;
}

int buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
	uint64_t i, end;

	if (pfn < b->base_pfn || count > b->nr_pfns || pfn - b->base_pfn > b->nr_pfns - count)
		return -EINVAL;
	i = pfn - b->base_pfn;
	end = i + count;
	if (!all_unmanaged(b->state + i, count))
		return -EINVAL;
	memset(b->state + i, ST_INTERIOR, count);
	/* Largest aligned blocks that fit, low to high. */
	while (i < end) {
		unsigned int order = 0;

		while (order < BUDDY_MAX_ORDER && !(i & (1ull << order)) &&
		       i + (2ull << order) <= end)
			order++;
		b->total_pages += 1ull << order;
		free_and_merge(b, i, order);
		i += 1ull << order;
	}
	return 0;
}

int buddy_alloc(struct buddy *b, unsigned int order, uint64_t *pfn)
{
	unsigned int o = order;
	uint64_t i;

	if (order > BUDDY_MAX_ORDER)
		return -EINVAL;
	while (o <= BUDDY_MAX_ORDER && b->free_head[o] == BUDDY_NIL)
		o++;
	if (o > BUDDY_MAX_ORDER)
		return -ENOMEM;
	i = b->free_head[o];
	list_remove(b, i, o);
	/* Split: the upper halves go back on the lists, smallest last. */
	while (o > order) {
		o--;
		list_push(b, i + (1ull << o), o);
	}
	b->state[i] = ST_ALLOC_HEAD | order;
	*pfn = b->base_pfn + i;
	return 0;
}

enum buddy_bad_free buddy_check_free(const struct buddy *b, uint64_t pfn, unsigned int order)
{
	uint64_t i = pfn - b->base_pfn;
	uint8_t st;

	if (pfn < b->base_pfn || i >= b->nr_pfns)
		return BUDDY_BAD_UNMANAGED;
	if (order > BUDDY_MAX_ORDER || (i & ((1ull << order) - 1)))
		return BUDDY_BAD_ALIGN;
	st = b->state[i];
	switch (st & ST_KIND_MASK) {
	case ST_UNMANAGED:
		return BUDDY_BAD_UNMANAGED;
	case ST_INTERIOR:
		return BUDDY_BAD_INSIDE;
	case ST_FREE_HEAD:
		return BUDDY_BAD_FREE;
	default:
		return (st & ST_ORDER_MASK) == order ? BUDDY_FREE_OK : BUDDY_BAD_ORDER;
	}
}

const char *buddy_bad_free_name(enum buddy_bad_free why)
{
	switch (why) {
	case BUDDY_FREE_OK:
		return "valid";
	case BUDDY_BAD_UNMANAGED:
		return "frame is not allocator memory";
	case BUDDY_BAD_ALIGN:
		return "frame is not aligned to the order";
	case BUDDY_BAD_FREE:
		return "block is already free (double free)";
	case BUDDY_BAD_INSIDE:
		return "frame is not the start of an allocated block (double free or bad address)";
	case BUDDY_BAD_ORDER:
		return "block was allocated with a different order";
	}
	return "unknown";
}

int buddy_free(struct buddy *b, uint64_t pfn, unsigned int order)
{
	if (buddy_check_free(b, pfn, order) != BUDDY_FREE_OK)
		return -EINVAL;
	free_and_merge(b, pfn - b->base_pfn, order);
	return 0;
}

int buddy_allocated_order(const struct buddy *b, uint64_t pfn)
{
	uint64_t i = pfn - b->base_pfn;

	if (pfn < b->base_pfn || i >= b->nr_pfns)
		return -1;
	if ((b->state[i] & ST_KIND_MASK) != ST_ALLOC_HEAD)
		return -1;
	return b->state[i] & ST_ORDER_MASK;
}

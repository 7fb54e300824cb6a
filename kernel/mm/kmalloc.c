/*
 * Slab heap. Each size class (mm/slab_class.c) keeps a list of slab pages
 * that have free objects; a slab page holds objects from offset 0 and a
 * 64-byte footer (struct slab) at its end with a free list threaded through
 * the free objects and a bitmap of allocated ones, so every kfree is
 * checked in O(1). Requests above SLAB_MAX_SIZE take a buddy block, tracked
 * in a small hash table so kfree can tell them from slab objects (a
 * page-aligned pointer may be either). At most one empty slab per class is
 * kept; the others go back to pmm at once.
 * Locking: heap_lock (an IRQ-safe spinlock, LOCK_RANK_MM) guards caches, slabs and the large table; pmm_lock nests inside.
 */
#include "mm/kmalloc.h"

#include "arch/arch.h"
#include "core/log.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/pmm.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "kmalloc: "
#define SLAB_MAGIC 0x51ab0c0du
#define LARGE_BUCKETS 64
#define BITMAP_WORDS 4

struct slab {
	uint32_t magic;
	uint16_t cls;
	uint16_t inuse;
	void *free;		     /* first free object, NULL when full */
	struct slab *next, *prev;    /* in the cache's partial list */
	uint64_t used[BITMAP_WORDS]; /* allocated objects */
};

_Static_assert(sizeof(struct slab) == SLAB_FOOTER_SIZE, "footer size");
_Static_assert(SLAB_MAX_OBJS <= BITMAP_WORDS * 64, "bitmap size");

struct kmem_cache {
	struct slab *partial; /* slabs with a free object (empty ones too) */
	uint32_t size, per_slab;
	uint64_t slabs, inuse, empty;
};

struct large_alloc {
	struct large_alloc *next;
	uintptr_t addr;
	unsigned int order;
};

/* Protected by heap_lock: */
static struct kmem_cache caches[SLAB_NR_CLASSES];
static struct large_alloc *large_table[LARGE_BUCKETS];
static uint64_t large_allocs, large_pages;

/* Immutable after kmalloc_init(): size / 16 (rounded up) -> class. */
static uint8_t class_of_16[SLAB_MAX_SIZE / 16 + 1];
static int large_node_class;

static struct spinlock heap_spin = SPINLOCK_INIT("heap", LOCK_RANK_MM);

static inline unsigned long heap_lock(void)
{
	return spin_lock_irqsave(&heap_spin);
}

static inline void heap_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&heap_spin, flags);
}

void kmalloc_init(void)
{
	for (unsigned int c = 0; c < SLAB_NR_CLASSES; c++) {
		caches[c].size = slab_class_size(c);
		caches[c].per_slab = slab_objs_per_page(c);
	}
	for (size_t i = 0; i < ARRAY_SIZE(class_of_16); i++)
		class_of_16[i] = (uint8_t)slab_class_of(i * 16);
	large_node_class = slab_class_of(sizeof(struct large_alloc));
	log_info("%d size classes up to %d bytes, larger from pmm; debug checks %s\n",
		 SLAB_NR_CLASSES, SLAB_MAX_SIZE, MM_DEBUG ? "on" : "off");
}

static inline struct slab *slab_of(uintptr_t obj)
{
	return (struct slab *)(ALIGN_DOWN(obj, PAGE_SIZE) + PAGE_SIZE - SLAB_FOOTER_SIZE);
}

static inline uintptr_t page_of(const struct slab *s)
{
	return (uintptr_t)s + SLAB_FOOTER_SIZE - PAGE_SIZE;
}

static void partial_push(struct kmem_cache *c, struct slab *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static void partial_remove(struct kmem_cache *c, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

/* A fresh slab for class @cls on its partial list, or NULL. */
static struct slab *slab_new_locked(unsigned int cls)
{
	struct kmem_cache *c = &caches[cls];
	paddr_t pa = pmm_alloc_page();
	uintptr_t page;
	struct slab *s;

	if (!pa)
		return NULL;
	page = (uintptr_t)phys_to_virt(pa);
	s = slab_of(page);
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->cls = (uint16_t)cls;
	if (MM_DEBUG)
		memset((void *)page, MM_POISON_FREE, (size_t)c->per_slab * c->size);
	for (unsigned int i = c->per_slab; i-- > 0;) {
		void **obj = (void **)(page + (uintptr_t)i * c->size);

		*obj = s->free;
		s->free = obj;
	}
	partial_push(c, s);
	c->slabs++;
	c->empty++;
	return s;
}

/* Debug builds: a free object must still hold its poison past the link. */
static void check_poison(const struct kmem_cache *c, const uint8_t *obj)
{
	for (size_t i = sizeof(void *); i < c->size; i++) {
		if (obj[i] != MM_POISON_FREE) {
			mm_report(
				"kmalloc: free object %p (size %u) was written at offset %zu after free",
				obj, c->size, i);
			return;
		}
	}
}

static void *slab_alloc_locked(unsigned int cls)
{
	struct kmem_cache *c = &caches[cls];
	struct slab *s = c->partial;
	void **obj;
	unsigned int idx;

	if (!s && !(s = slab_new_locked(cls)))
		return NULL;
	obj = s->free;
	s->free = *obj;
	if (MM_DEBUG)
		check_poison(c, (const uint8_t *)obj);
	idx = (unsigned int)slab_obj_index(cls, (uintptr_t)obj - page_of(s));
	s->used[idx / 64] |= 1ull << (idx % 64);
	if (s->inuse++ == 0)
		c->empty--;
	if (!s->free)
		partial_remove(c, s);
	c->inuse++;
	return obj;
}

/* The slab holding object @p and its index, or NULL when @p is not an
 * object start in a live slab page. */
static struct slab *slab_lookup(uintptr_t p, int *idx)
{
	struct arch_paging_stats st;
	struct slab *s;

	arch_paging_get_stats(&st);
	if (p < DIRECT_MAP_BASE || p >= DIRECT_MAP_BASE + st.direct_map_end)
		return NULL;
	/* Debug builds: only read the footer of a page pmm handed out. */
	if (MM_DEBUG &&
	    pmm_allocated_order(virt_to_phys_direct((void *)ALIGN_DOWN(p, PAGE_SIZE))) != 0)
		return NULL;
	s = slab_of(p);
	if (s->magic != SLAB_MAGIC || s->cls >= SLAB_NR_CLASSES)
		return NULL;
	*idx = slab_obj_index(s->cls, p - page_of(s));
	return *idx < 0 ? NULL : s;
}

static void slab_release_locked(struct kmem_cache *c, struct slab *s)
{
	partial_remove(c, s);
	s->magic = 0;
	c->slabs--;
	c->empty--;
	pmm_free_page(virt_to_phys_direct((void *)page_of(s)));
}

static void slab_free_locked(struct slab *s, int idx, void **obj)
{
	struct kmem_cache *c = &caches[s->cls];
	uint64_t bit = 1ull << (idx % 64);

	if (!(s->used[idx / 64] & bit)) {
		mm_report("kfree: double free of %p (size %u)", (void *)obj, c->size);
		return;
	}
	s->used[idx / 64] &= ~bit;
	if (MM_DEBUG)
		memset(obj, MM_POISON_FREE, c->size);
	if (!s->free)
		partial_push(c, s);
	*obj = s->free;
	s->free = obj;
	c->inuse--;
	if (--s->inuse == 0 && ++c->empty > 1)
		slab_release_locked(c, s);
}

static struct large_alloc **large_find_locked(uintptr_t addr)
{
	struct large_alloc **link = &large_table[(addr >> PAGE_SHIFT) % LARGE_BUCKETS];

	while (*link && (*link)->addr != addr)
		link = &(*link)->next;
	return link;
}

static void *large_alloc_locked(size_t size)
{
	unsigned int order = 0;
	struct large_alloc *node, **bucket;
	paddr_t pa;

	while ((PAGE_SIZE << order) < size)
		if (++order > PMM_MAX_ORDER)
			return NULL;
	node = slab_alloc_locked(large_node_class);
	if (!node)
		return NULL;
	pa = pmm_alloc_pages(order);
	if (!pa) {
		slab_free_locked(
			slab_of((uintptr_t)node),
			slab_obj_index(large_node_class, (uintptr_t)node & (PAGE_SIZE - 1)),
			(void **)node);
		return NULL;
	}
	node->addr = (uintptr_t)phys_to_virt(pa);
	node->order = order;
	bucket = &large_table[(node->addr >> PAGE_SHIFT) % LARGE_BUCKETS];
	node->next = *bucket;
	*bucket = node;
	large_allocs++;
	large_pages += 1ull << order;
	return (void *)node->addr;
}

static void large_free_locked(struct large_alloc **link)
{
	struct large_alloc *node = *link;
	int idx = slab_obj_index(large_node_class, (uintptr_t)node & (PAGE_SIZE - 1));

	*link = node->next;
	large_allocs--;
	large_pages -= 1ull << node->order;
	/* Not poisoned: the frames go back to pmm at once, and writing up to
	 * 4 MiB per free would make every host page of the guest resident. */
	pmm_free_pages(virt_to_phys_direct((void *)node->addr), node->order);
	slab_free_locked(slab_of((uintptr_t)node), idx, (void **)node);
}

void *kmalloc(size_t size)
{
	unsigned long flags = heap_lock();
	void *p = size <= SLAB_MAX_SIZE ? slab_alloc_locked(class_of_16[(size + 15) / 16])
					: large_alloc_locked(size);

	heap_unlock(flags);
	return p;
}

void kfree(void *p)
{
	uintptr_t a = (uintptr_t)p;
	unsigned long flags;
	struct large_alloc **link;
	struct slab *s;
	int idx;

	if (!p)
		return;
	flags = heap_lock();
	if (IS_ALIGNED(a, PAGE_SIZE) && *(link = large_find_locked(a))) {
		large_free_locked(link);
	} else if ((s = slab_lookup(a, &idx))) {
		slab_free_locked(s, idx, p);
	} else {
		heap_unlock(flags);
		mm_report("kfree: %p was not returned by kmalloc", p);
		return;
	}
	heap_unlock(flags);
}

size_t ksize(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	unsigned long flags;
	struct large_alloc **link;
	struct slab *s;
	size_t size = 0;
	int idx;

	if (!p)
		return 0;
	flags = heap_lock();
	if (IS_ALIGNED(a, PAGE_SIZE) && *(link = large_find_locked(a)))
		size = PAGE_SIZE << (*link)->order;
	else if ((s = slab_lookup(a, &idx)) && (s->used[idx / 64] & (1ull << (idx % 64))))
		size = caches[s->cls].size;
	heap_unlock(flags);
	if (!size)
		mm_report("ksize: %p is not a live kmalloc allocation", p);
	return size;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kzalloc(bytes);
}

void *krealloc(void *p, size_t size)
{
	size_t old;
	void *n;

	if (!p)
		return kmalloc(size);
	if (!size) {
		kfree(p);
		return NULL;
	}
	old = ksize(p);
	if (!old)
		return NULL;
	if (size <= old)
		return p;
	n = kmalloc(size);
	if (!n)
		return NULL;
	memcpy(n, p, old);
	kfree(p);
	return n;
}

void kmalloc_get_stats(struct kmalloc_stats *st)
{
	unsigned long flags = heap_lock();

	st->heap_pages = 0;
	for (unsigned int c = 0; c < SLAB_NR_CLASSES; c++) {
		st->cls[c] = (struct kmalloc_class_stats){ caches[c].size, caches[c].per_slab,
							   caches[c].slabs, caches[c].inuse };
		st->heap_pages += caches[c].slabs;
	}
	st->large_allocs = large_allocs;
	st->large_pages = large_pages;
	st->heap_pages += large_pages;
	heap_unlock(flags);
}

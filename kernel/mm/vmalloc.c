/*
 * The vmalloc area allocator: a sorted list of areas, first fit, each area
 * reserving one unmapped guard page below its mapped pages. Backing frames
 * come one at a time from pmm; mappings go through vmm.
 * Locking: vmalloc_lock (an IRQ-safe spinlock, LOCK_RANK_MM + 1) guards the area list and counters; it is dropped around mapping,
 * which takes vm_lock and pmm_lock.
 */
#include "mm/vmalloc.h"

#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/debug.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vmarea.h"
#include "mm/vmm.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "vmalloc: "
#define NAME_MAX_LEN 24

enum vm_kind { VM_ALLOC, VM_STACK, VM_IOREMAP };

struct vm_area {
	struct vm_area *next; /* sorted by start */
	uintptr_t start;      /* first mapped byte; the guard is below */
	size_t size;	      /* mapped bytes */
	enum vm_kind kind;
	char name[NAME_MAX_LEN];
};

/* Protected by vmalloc_lock (read lock-free by vmalloc_describe_guard): */
#define UNMAP_BATCH 16

static struct vm_area *areas;
static struct vmalloc_stats stats;

static struct spinlock vmalloc_spin = SPINLOCK_INIT("vmalloc", LOCK_RANK_MM + 1);

static inline unsigned long vmalloc_lock(void)
{
	return spin_lock_irqsave(&vmalloc_spin);
}

static inline void vmalloc_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&vmalloc_spin, flags);
}

static uint64_t *kind_counter(enum vm_kind kind)
{
	return kind == VM_ALLOC	  ? &stats.alloc_pages
	       : kind == VM_STACK ? &stats.stack_pages
				  : &stats.ioremap_pages;
}

/* First fit for guard + @size; links @a in. Returns false when full. The
 * gap before each area ends at that area's guard page; the last one at
 * the end of the vmalloc area. vmarea_fit() does the sums, none of which
 * can wrap, so a huge size is refused rather than fitted at a small one. */
static bool insert_locked(struct vm_area *a)
{
	uintptr_t cur = VMALLOC_BASE, start;
	struct vm_area **link = &areas;

	for (; *link; link = &(*link)->next) {
		if (vmarea_fit(cur, (*link)->start - PAGE_SIZE, PAGE_SIZE, a->size, &start))
			break;
		cur = (*link)->start + (*link)->size;
	}
	if (!*link && !vmarea_fit(cur, VMALLOC_AREA_END, PAGE_SIZE, a->size, &start))
		return false;
	a->start = start;
	a->next = *link;
	WRITE_ONCE(*link, a); /* publish last: lock-free readers */
	stats.areas++;
	*kind_counter(a->kind) += a->size / PAGE_SIZE;
	return true;
}

static struct vm_area *reserve(size_t size, enum vm_kind kind, const char *name)
{
	struct vm_area *a;
	unsigned long flags;
	bool ok;

	/* Refused before any sum: more than the whole area can hold (guard
	 * included), so ALIGN_UP below cannot wrap either. */
	if (!size || size > VMALLOC_AREA_END - VMALLOC_BASE - PAGE_SIZE)
		return NULL;
	a = kzalloc(sizeof(*a));
	if (!a)
		return NULL;
	a->size = ALIGN_UP(size, PAGE_SIZE);
	a->kind = kind;
	strlcpy(a->name, name, sizeof(a->name));
	flags = vmalloc_lock();
	ok = insert_locked(a);
	vmalloc_unlock(flags);
	if (!ok) {
		kfree(a);
		return NULL;
	}
	return a;
}

static void release(struct vm_area *a)
{
	unsigned long flags = vmalloc_lock();

	for (struct vm_area **link = &areas; *link; link = &(*link)->next) {
		if (*link == a) {
			*link = a->next;
			stats.areas--;
			*kind_counter(a->kind) -= a->size / PAGE_SIZE;
			break;
		}
	}
	vmalloc_unlock(flags);
	kfree(a);
}

/* Unmap the first @bytes of @a, returning frames to pmm unless MMIO. In
 * batches: one TLB shootdown per batch, and a frame is freed only after
 * no CPU can still reach it through a stale TLB entry. */
static void unmap_pages(struct vm_area *a, size_t bytes)
{
	paddr_t pas[UNMAP_BATCH];

	for (size_t off = 0; off < bytes;) {
		size_t want = MIN((bytes - off) / PAGE_SIZE, (size_t)UNMAP_BATCH);
		size_t got = vmm_unmap_range(a->start + off, want, pas);

		for (size_t i = 0; i < got && a->kind != VM_IOREMAP; i++)
			pmm_free_page(pas[i]);
		off += got * PAGE_SIZE;
		if (got < want) {
			mm_report("vmalloc: page %#lx of '%s' was not mapped",
				  (unsigned long)(a->start + off), a->name);
			off += PAGE_SIZE;
		}
	}
}

/* Back @a with fresh zeroed frames. Returns 0 or -ENOMEM (undone). */
static int populate(struct vm_area *a)
{
	for (size_t off = 0; off < a->size; off += PAGE_SIZE) {
		paddr_t pa = pmm_alloc_zeroed_page();

		if (!pa || vmm_map_page(a->start + off, pa, ARCH_MAP_WRITE)) {
			if (pa)
				pmm_free_page(pa);
			unmap_pages(a, off);
			return -ENOMEM;
		}
	}
	return 0;
}

/* The area of @kind starting at (or, with @inside, containing) @p. */
static struct vm_area *find(uintptr_t p, enum vm_kind kind, bool inside)
{
	unsigned long flags = vmalloc_lock();
	struct vm_area *a = areas;

	while (a && !(inside ? (p >= a->start && p < a->start + a->size) : p == a->start))
		a = a->next;
	vmalloc_unlock(flags);
	return a && a->kind == kind ? a : NULL;
}

void *vmalloc(size_t size)
{
	struct vm_area *a = reserve(size, VM_ALLOC, "vmalloc");

	if (!a)
		return NULL;
	if (populate(a)) {
		release(a);
		return NULL;
	}
	return (void *)a->start;
}

void vfree(void *p)
{
	struct vm_area *a;

	if (!p)
		return;
	a = find((uintptr_t)p, VM_ALLOC, false);
	if (!a) {
		mm_report("vfree: %p was not returned by vmalloc", p);
		return;
	}
	unmap_pages(a, a->size);
	release(a);
}

void *ioremap(paddr_t pa, size_t size)
{
	paddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	struct vm_area *a;

	/* pa + size, and rounding it up to a page, must not wrap. */
	if (!size || pa + size < pa || ALIGN_UP(pa + size, PAGE_SIZE) < pa + size)
		return NULL;
	a = reserve(ALIGN_UP(pa + size, PAGE_SIZE) - base, VM_IOREMAP, "ioremap");
	if (!a)
		return NULL;
	for (size_t off = 0; off < a->size; off += PAGE_SIZE) {
		if (vmm_map_page(a->start + off, base + off, ARCH_MAP_WRITE | ARCH_MAP_UNCACHED)) {
			unmap_pages(a, off);
			release(a);
			return NULL;
		}
	}
	return (void *)(a->start + (pa - base));
}

void iounmap(void *p)
{
	struct vm_area *a = find((uintptr_t)p, VM_IOREMAP, true);

	if (!a) {
		mm_report("iounmap: %p is not an ioremap mapping", p);
		return;
	}
	unmap_pages(a, a->size);
	release(a);
}

int kstack_alloc(struct kstack *ks, size_t size, const char *name)
{
	struct vm_area *a;

	if (!size)
		return -EINVAL;
	a = reserve(size, VM_STACK, name);
	if (!a)
		return -ENOMEM;
	if (populate(a)) {
		release(a);
		return -ENOMEM;
	}
	ks->bottom = a->start;
	ks->top = a->start + a->size;
	return 0;
}

void kstack_rename(struct kstack *ks, const char *name)
{
	unsigned long flags = vmalloc_lock();

	for (struct vm_area *a = areas; a; a = a->next) {
		if (a->start == ks->bottom && a->kind == VM_STACK) {
			strlcpy(a->name, name, sizeof(a->name));
			break;
		}
	}
	vmalloc_unlock(flags);
}

void kstack_free(struct kstack *ks)
{
	struct vm_area *a = find(ks->bottom, VM_STACK, false);

	if (!a) {
		mm_report("kstack_free: %#lx is not a kernel stack", (unsigned long)ks->bottom);
		return;
	}
	unmap_pages(a, a->size);
	release(a);
	ks->bottom = ks->top = 0;
}

bool vmalloc_describe_guard(uintptr_t addr, char *buf, size_t len)
{
	const struct vm_area *a;

	for (a = READ_ONCE(areas); a; a = READ_ONCE(a->next)) {
		if (addr >= a->start - PAGE_SIZE && addr < a->start)
			break;
		if (addr < a->start)
			return false;
	}
	if (!a)
		return false;
	if (a->kind == VM_STACK)
		ksnprintf(buf, len,
			  "kernel stack overflow in '%s' (guard page below its stack %#lx-%#lx)",
			  a->name, (unsigned long)a->start, (unsigned long)(a->start + a->size));
	else
		ksnprintf(
			buf, len,
			"guard page between vmalloc areas, below '%s' at %#lx (overrun or underrun)",
			a->name, (unsigned long)a->start);
	return true;
}

void vmalloc_get_stats(struct vmalloc_stats *st)
{
	unsigned long flags = vmalloc_lock();

	*st = stats;
	vmalloc_unlock(flags);
}

/*
 * Process address spaces (proc/mm.h): the VMA list kept sorted by
 * address, demand-zero faults, anonymous mmap/munmap and brk. Pages are
 * private and unshared for now (no fork yet), so freeing a page is just
 * pmm_free_page.
 * Locking: mm->lock, see mm.h; kmalloc happens outside it.
 */
#include "proc/mm.h"

#include "core/log.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

#define LOG_PREFIX "mm: "

static unsigned int map_flags(unsigned int prot)
{
	return ((prot & VMA_WRITE) ? ARCH_MAP_WRITE : 0) | ((prot & VMA_EXEC) ? ARCH_MAP_EXEC : 0) |
	       ARCH_MAP_USER;
}

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->root = arch_as_create();
	if (!mm->root) {
		kfree(mm);
		return NULL;
	}
	spin_init(&mm->lock, "mm", LOCK_RANK_MM - 1);
	list_init(&mm->vmas);
	return mm;
}

static void free_frame(paddr_t pa)
{
	pmm_free_page(pa);
}

void mm_destroy(struct mm *mm)
{
	struct list_head *pos, *tmp;

	arch_as_destroy(mm->root, free_frame);
	list_for_each_safe(pos, tmp, &mm->vmas)
	{
		list_del(pos);
		kfree(list_entry(pos, struct vma, link));
	}
	kfree(mm);
}

/* The region containing @addr, or NULL. */
static struct vma *find_locked(struct mm *mm, uintptr_t addr) REQUIRES(&mm->lock)
{
	struct vma *v;

	list_for_each_entry (v, &mm->vmas, link) {
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

/* Is [start, end) clear of every region? */
static bool is_free_locked(struct mm *mm, uintptr_t start, uintptr_t end) REQUIRES(&mm->lock)
{
	struct vma *v;

	list_for_each_entry (v, &mm->vmas, link)
		if (v->start < end && start < v->end)
			return false;
	return true;
}

static void insert_locked(struct mm *mm, struct vma *n) REQUIRES(&mm->lock)
{
	struct list_head *pos;

	list_for_each (pos, &mm->vmas)
		if (list_entry(pos, struct vma, link)->start > n->start)
			break;
	list_insert_between(&n->link, pos->prev, pos);
}

int mm_add_vma(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot)
{
	struct vma *n;
	unsigned long flags;
	int err = 0;

	if (start >= end || end > USER_END || (start | end) & (PAGE_SIZE - 1))
		return -EINVAL;
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = (struct vma){ .start = start, .end = end, .prot = prot };
	flags = spin_lock_irqsave(&mm->lock);
	if (is_free_locked(mm, start, end))
		insert_locked(mm, n);
	else
		err = -EEXIST;
	spin_unlock_irqrestore(&mm->lock, flags);
	if (err)
		kfree(n);
	return err;
}

int mm_populate(struct mm *mm, uintptr_t va, unsigned int prot, paddr_t *pa)
{
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	unsigned int old;
	int err = 0;

	if (arch_as_translate(mm->root, va, pa, &old)) {
		/* A page two segments share: give it both protections. */
		(void)arch_as_unmap(mm->root, va, NULL);
		err = arch_as_map(mm->root, va, *pa, old | map_flags(prot));
	} else {
		*pa = pmm_alloc_zeroed_page();
		err = *pa ? arch_as_map(mm->root, va, *pa, map_flags(prot)) : -ENOMEM;
		if (!err)
			mm->pages++;
		else if (*pa)
			pmm_free_page(*pa);
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return err;
}

bool mm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec)
{
	uintptr_t va = addr & ~(PAGE_SIZE - 1);
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	struct vma *v = find_locked(mm, addr);
	bool ok = false;
	paddr_t pa;

	if (!v || (write && !(v->prot & VMA_WRITE)) || (exec && !(v->prot & VMA_EXEC)) ||
	    !(v->prot & (VMA_READ | VMA_WRITE | VMA_EXEC)))
		goto out;
	if (arch_as_translate(mm->root, va, NULL, NULL))
		goto out; /* present: a protection fault, not ours to fix */
	pa = pmm_alloc_zeroed_page();
	if (!pa)
		goto out;
	if (arch_as_map(mm->root, va, pa, map_flags(v->prot))) {
		pmm_free_page(pa);
		goto out;
	}
	mm->pages++;
	ok = true;
out:
	spin_unlock_irqrestore(&mm->lock, flags);
	return ok;
}

long mm_map_anon(struct mm *mm, uintptr_t hint, size_t len, unsigned int prot)
{
	uintptr_t top = MM_STACK_TOP - MM_STACK_SIZE - MM_STACK_GAP;
	unsigned long flags;
	struct list_head *pos;
	uintptr_t at = 0;
	int err;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0 || len > top)
		return -ENOMEM;
	flags = spin_lock_irqsave(&mm->lock);
	if (hint && hint <= top - len && is_free_locked(mm, hint, hint + len)) {
		at = hint;
	} else {
		/* Top-down first fit below the stack gap, as Linux does. */
		uintptr_t cand = top - len;
		for (pos = mm->vmas.prev; pos != &mm->vmas; pos = pos->prev) {
			struct vma *v = list_entry(pos, struct vma, link);

			if (v->start >= cand + len)
				continue;
			if (v->end <= cand)
				break;
			if (v->start < len)
				goto nomem;
			cand = v->start - len;
		}
		at = cand >= PAGE_SIZE * 16 ? cand : 0;
	}
nomem:
	spin_unlock_irqrestore(&mm->lock, flags);
	if (!at)
		return -ENOMEM;
	err = mm_add_vma(mm, at, at + len, prot);
	return err ? err : (long)at;
}

/* Unmap and free the pages of [start, end). */
static void drop_pages_locked(struct mm *mm, uintptr_t start, uintptr_t end) REQUIRES(&mm->lock)
{
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		paddr_t pa;
		if (arch_as_unmap(mm->root, va, &pa) == 0) {
			pmm_free_page(pa);
			mm->pages--;
		}
	}
}

int mm_unmap(struct mm *mm, uintptr_t start, size_t len)
{
	uintptr_t end = start + ALIGN_UP(len, PAGE_SIZE);
	struct vma *spare = kzalloc(sizeof(*spare));
	struct list_head *pos, *tmp;
	unsigned long flags;

	if ((start & (PAGE_SIZE - 1)) || len == 0 || end > USER_END || end < start) {
		kfree(spare);
		return -EINVAL;
	}
	if (!spare)
		return -ENOMEM;
	flags = spin_lock_irqsave(&mm->lock);
	list_for_each_safe(pos, tmp, &mm->vmas)
	{
		struct vma *v = list_entry(pos, struct vma, link);

		if (v->end <= start || v->start >= end)
			continue;
		drop_pages_locked(mm, MAX(v->start, start), MIN(v->end, end));
		if (v->start < start && v->end > end) { /* split in two */
			*spare = (struct vma){ .start = end, .end = v->end, .prot = v->prot };
			list_insert_between(&spare->link, &v->link, v->link.next);
			spare = NULL;
			v->end = start;
		} else if (v->start < start) {
			v->end = start;
		} else if (v->end > end) {
			v->start = end;
		} else {
			list_del(&v->link);
			kfree(v); /* never sleeps (mm/kmalloc.h), so allowed here */
		}
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	kfree(spare);
	return 0;
}

uintptr_t mm_brk(struct mm *mm, uintptr_t want)
{
	struct vma *n = kzalloc(sizeof(*n));
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	uintptr_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);
	uintptr_t ret = mm->brk;

	if (want < mm->brk_start || want > MM_STACK_TOP - MM_STACK_SIZE - MM_STACK_GAP)
		goto out;
	if (new_end > old_end) {
		/* Each growth is a region of its own: whatever the program
		 * mapped at the old end (a guard page) is left alone. */
		if (!n || !is_free_locked(mm, old_end, new_end))
			goto out;
		*n = (struct vma){ .start = old_end, .end = new_end, .prot = VMA_READ | VMA_WRITE };
		insert_locked(mm, n);
		n = NULL;
	}
	mm->brk = want;
	ret = want;
out:
	spin_unlock_irqrestore(&mm->lock, flags);
	kfree(n);
	if (ret == want && new_end < old_end && mm_unmap(mm, new_end, old_end - new_end))
		log_warn("brk: cannot release [%#lx, %#lx)\n", (unsigned long)new_end,
			 (unsigned long)old_end);
	return ret;
}

/*
 * Process address spaces (proc/mm.h), part two: the region (VMA) list,
 * kept sorted by address, and the calls that change it: adding regions,
 * anonymous and file mmap (MAP_FIXED too), munmap, mprotect, brk
 * (madvise is proc/madvise.c, mremap proc/mremap.c).
 * Reference: the Linux man pages mmap(2), munmap(2), brk(2).
 * Locking: mm->lock (mm_internal.h); regions are allocated before it is
 * taken and freed (file_put may sleep) after it is released.
 */
#include "proc/mm.h"

#include "core/log.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/mm_internal.h"

#define LOG_PREFIX "mm: "

struct vma *mm_find_vma_locked(struct mm *mm, uintptr_t addr)
{
	struct vma *v;

	spin_assert_held(&mm->lock);
	list_for_each_entry (v, &mm->vmas, link) {
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

/* Is [start, end) clear of every region? */
bool mm_is_free_locked(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vma *v;

	spin_assert_held(&mm->lock);
	list_for_each_entry (v, &mm->vmas, link)
		if (v->start < end && start < v->end)
			return false;
	return true;
}

void mm_insert_vma_locked(struct mm *mm, struct vma *n)
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
	flags = mm_lock(mm);
	if (mm_is_free_locked(mm, start, end))
		mm_insert_vma_locked(mm, n);
	else
		err = -EEXIST;
	mm_unlock(mm, flags);
	if (err)
		kfree(n);
	return err;
}

/*
 * Remove [start, end) from every region (splitting one in two needs
 * @spare, then consumed) and drop its pages. Regions that go entirely
 * move to @dead, to be freed after the lock.
 */
void mm_unmap_locked(struct mm *mm, uintptr_t start, uintptr_t end, struct vma **spare,
		     struct list_head *dead, struct mm_frames *fl)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &mm->vmas)
	{
		struct vma *v = list_entry(pos, struct vma, link);

		if (v->end <= start || v->start >= end)
			continue;
		mm_drop_pages_locked(mm, MAX(v->start, start), MIN(v->end, end), fl);
		if (v->start < start && v->end > end) { /* split in two */
			struct vma *n = *spare;

			*n = *v;
			n->start = end;
			n->off += (int64_t)(end - v->start);
			if (n->file)
				file_get(n->file);
			list_insert_between(&n->link, &v->link, v->link.next);
			*spare = NULL;
			v->end = start;
		} else if (v->start < start) {
			v->end = start;
		} else if (v->end > end) {
			v->off += (int64_t)(end - v->start);
			v->start = end;
		} else {
			list_del(&v->link);
			list_insert_between(&v->link, dead->prev, dead);
		}
	}
}

/* Free the regions of @dead and the frames of @fl; no lock held. */
void mm_free_dead(struct list_head *dead, struct mm_frames *fl)
{
	struct list_head *pos, *tmp;

	mm_frames_free(fl);
	list_for_each_safe(pos, tmp, dead)
	{
		list_del(pos);
		mm_vma_free(list_entry(pos, struct vma, link));
	}
}

int mm_unmap(struct mm *mm, uintptr_t start, size_t len)
{
	uintptr_t end = start + ALIGN_UP(len, PAGE_SIZE);
	struct vma *spare;
	struct mm_frames fl = { 0 };
	struct list_head dead;
	unsigned long flags;

	if ((start & (PAGE_SIZE - 1)) || len == 0 || end > USER_END || end < start)
		return -EINVAL;
	spare = kzalloc(sizeof(*spare));
	if (!spare)
		return -ENOMEM;
	list_init(&dead);
	flags = mm_lock(mm);
	mm_unmap_locked(mm, start, end, &spare, &dead, &fl);
	mm_unlock(mm, flags);
	mm_free_dead(&dead, &fl);
	kfree(spare);
	return 0;
}

/* Highest free range of @len bytes below the stack gap (top-down first
 * fit, as Linux does), or @hint when that is free; 0 when none is. */
uintptr_t mm_find_free_locked(struct mm *mm, uintptr_t hint, size_t len)
{
	uintptr_t top = MM_STACK_TOP - MM_STACK_SIZE - MM_STACK_GAP, cand;
	struct list_head *pos;

	if (len > top - MM_MIN_ADDR)
		return 0;
	if (hint >= MM_MIN_ADDR && hint <= top - len && mm_is_free_locked(mm, hint, hint + len))
		return hint;
	cand = top - len;
	for (pos = mm->vmas.prev; pos != &mm->vmas; pos = pos->prev) {
		struct vma *v = list_entry(pos, struct vma, link);

		if (v->start >= cand + len)
			continue;
		if (v->end <= cand)
			break;
		if (v->start < len + MM_MIN_ADDR)
			return 0;
		cand = v->start - len;
	}
	return cand >= MM_MIN_ADDR ? cand : 0;
}

/* Frames for a shared anonymous region of @pages pages, zeroed, on @fl;
 * 0 or -ENOMEM (none kept; also for more than half of the free memory). */
static int alloc_shared(size_t pages, struct mm_frames *fl)
{
	struct pmm_stats st;

	/* Not the kernel's last free memory, even for a moment. */
	pmm_get_stats(&st);
	if (pages > st.free_pages / 2)
		return -ENOMEM;
	for (size_t i = 0; i < pages; i++) {
		paddr_t pa = pmm_alloc_zeroed_page();

		if (!pa) {
			mm_frames_free(fl);
			return -ENOMEM;
		}
		*(paddr_t *)phys_to_virt(pa) = fl->head;
		fl->head = pa;
	}
	return 0;
}

/* Map the frames of @fl (consumed) over the new region @v. On a failure
 * (a page-table page) the region is removed again: -ENOMEM. */
static int populate_shared_locked(struct mm *mm, struct vma *v, struct mm_frames *fl,
				  struct list_head *dead, struct mm_frames *gone)
	REQUIRES(&mm->lock)
{
	for (uintptr_t va = v->start; va < v->end; va += PAGE_SIZE) {
		paddr_t pa = fl->head;

		fl->head = *(paddr_t *)phys_to_virt(pa);
		*(paddr_t *)phys_to_virt(pa) = 0; /* the page must read as zeros */
		if (arch_as_map(mm->root, va, pa, mm_map_flags(v->prot))) {
			pmm_free_page(pa);
			mm_drop_pages_locked(mm, v->start, va, gone);
			list_del(&v->link);
			list_insert_between(&v->link, dead->prev, dead);
			return -ENOMEM;
		}
		mm->pages++;
	}
	return 0;
}

/* Where a new region of @len bytes goes: see mm_map. Returns the address,
 * or -EEXIST/-ENOMEM. */
static long place_locked(struct mm *mm, uintptr_t addr, size_t len, unsigned int flags,
			 struct vma **spare, struct list_head *dead, struct mm_frames *gone)
	REQUIRES(&mm->lock)
{
	uintptr_t at;

	if (!(flags & (MM_MAP_FIXED | MM_MAP_NOREPLACE))) {
		at = mm_find_free_locked(mm, ALIGN_UP(addr, PAGE_SIZE), len);
		return at ? (long)at : -ENOMEM;
	}
	if (!mm_is_free_locked(mm, addr, addr + len)) {
		if (flags & MM_MAP_NOREPLACE)
			return -EEXIST;
		mm_unmap_locked(mm, addr, addr + len, spare, dead, gone);
	}
	return (long)addr;
}

/*
 * Linux's default overcommit policy (OVERCOMMIT_GUESS, mm/util.c
 * __vm_enough_memory): one private writable mapping, or one brk growth,
 * larger than all of RAM (there is no swap) is refused with -ENOMEM;
 * anything smaller is granted and paid for page by page on first touch.
 */
static bool beyond_all_ram(size_t len)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return (len >> PAGE_SHIFT) > st.total_pages;
}

long mm_map(struct mm *mm, uintptr_t addr, size_t len, unsigned int prot, unsigned int flags,
	    struct file *file, int64_t off)
{
	struct vma *n = kzalloc(sizeof(*n)), *spare = kzalloc(sizeof(*spare));
	bool fixed = flags & (MM_MAP_FIXED | MM_MAP_NOREPLACE);
	bool shared_anon = (flags & MM_MAP_SHARED) && !file;
	struct mm_frames gone = { 0 }, frames = { 0 };
	struct list_head dead;
	unsigned long irq;
	long ret = -ENOMEM;

	len = ALIGN_UP(len, PAGE_SIZE);
	list_init(&dead);
	/* A zero length here is one that wrapped when rounded up. */
	if (!n || !spare || len == 0 || len > USER_END || (fixed && addr > USER_END - len))
		goto out;
	if ((prot & VMA_WRITE) && !(flags & MM_MAP_SHARED) && beyond_all_ram(len))
		goto out;
	if (shared_anon && alloc_shared(len >> PAGE_SHIFT, &frames))
		goto out;
	irq = mm_lock(mm);
	ret = place_locked(mm, addr, len, flags, &spare, &dead, &gone);
	if (ret >= 0) {
		*n = (struct vma){ .start = (uintptr_t)ret,
				   .end = (uintptr_t)ret + len,
				   .prot = prot,
				   .file = file,
				   .off = off,
				   .shared = flags & MM_MAP_SHARED };
		if (file)
			file_get(file);
		mm_insert_vma_locked(mm, n);
		if (shared_anon && populate_shared_locked(mm, n, &frames, &dead, &gone))
			ret = -ENOMEM;
		n = NULL;
	}
	mm_unlock(mm, irq);
	mm_free_dead(&dead, &gone);
out:
	mm_frames_free(&frames);
	kfree(n);
	kfree(spare);
	return ret;
}

long mm_map_anon(struct mm *mm, uintptr_t hint, size_t len, unsigned int prot)
{
	return mm_map(mm, hint, len, prot, 0, NULL, 0);
}

void mm_split_vma_locked(struct mm *mm, struct vma *v, uintptr_t at, struct vma **spare)
{
	struct vma *n = *spare;

	*spare = NULL;
	*n = *v;
	n->start = at;
	n->off += (int64_t)(at - v->start);
	if (n->file)
		file_get(n->file);
	list_insert_between(&n->link, &v->link, v->link.next);
	v->end = at;
}

int mm_clip_vma_locked(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end,
		       struct vma **spares)
{
	if (v->end <= start)
		return 0;
	if (v->start >= end)
		return -1;
	if (v->start < start) {
		mm_split_vma_locked(mm, v, start, &spares[0]);
		return 0; /* the new part, next in the list, starts at start */
	}
	if (v->end > end)
		mm_split_vma_locked(mm, v, end, &spares[1]);
	return 1;
}

bool mm_is_covered_locked(struct mm *mm, uintptr_t start, uintptr_t end)
{
	struct vma *v;

	list_for_each_entry (v, &mm->vmas, link) {
		if (v->end <= start)
			continue;
		if (v->start > start)
			return false;
		start = v->end;
		if (start >= end)
			return true;
	}
	return false;
}

/* Can a private frame be written in place? (The invariant of mm.h.) */
static bool is_sole_ref(paddr_t pa)
{
	return pmm_page_refs(pa) == 1;
}

/* Give [start, end) (covered, EACCES checked) protection @prot, splitting
 * the regions at its ends with @spares. */
static void protect_locked(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot,
			   struct vma **spares) REQUIRES(&mm->lock)
{
	size_t changed = 0;
	struct vma *v;

	list_for_each_entry (v, &mm->vmas, link) {
		int r = mm_clip_vma_locked(mm, v, start, end, spares);

		if (r < 0)
			break;
		if (!r)
			continue;
		v->prot = prot;
		changed += arch_as_protect(mm->root, v->start, v->end, mm_map_flags(prot),
					   v->shared ? NULL : is_sole_ref);
	}
	if (changed)
		arch_as_flush(mm->root, start, (end - start) >> PAGE_SHIFT);
}

int mm_protect(struct mm *mm, uintptr_t start, size_t len, unsigned int prot)
{
	uintptr_t end = start + ALIGN_UP(len, PAGE_SIZE);
	struct vma *spares[2] = { kzalloc(sizeof(struct vma)), kzalloc(sizeof(struct vma)) };
	unsigned long irq;
	struct vma *v;
	int err = 0;

	if (start & (PAGE_SIZE - 1))
		err = -EINVAL;
	else if (len && (end <= start || end > USER_END)) /* a wrap, too */
		err = -ENOMEM;
	else if (!spares[0] || !spares[1])
		err = -ENOMEM;
	if (err || !len)
		goto out;
	irq = mm_lock(mm);
	if (!mm_is_covered_locked(mm, start, end))
		err = -ENOMEM;
	list_for_each_entry (v, &mm->vmas, link)
		if (!err && v->start < end && start < v->end && v->shared && v->file &&
		    (prot & VMA_WRITE))
			err = -EACCES; /* a shared file mapping is read-only (mm.h) */
	if (!err)
		protect_locked(mm, start, end, prot, spares);
	mm_unlock(mm, irq);
out:
	kfree(spares[0]);
	kfree(spares[1]);
	return err;
}

uintptr_t mm_brk(struct mm *mm, uintptr_t want)
{
	struct vma *n = kzalloc(sizeof(*n));
	bool huge = want > READ_ONCE(mm->brk) && beyond_all_ram(want - READ_ONCE(mm->brk));
	unsigned long flags = mm_lock(mm);
	uintptr_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);
	uintptr_t ret = mm->brk;

	if (huge || want < mm->brk_start || want > MM_STACK_TOP - MM_STACK_SIZE - MM_STACK_GAP)
		goto out;
	if (new_end > old_end) {
		/* Each growth is a region of its own: whatever the program
		 * mapped at the old end (a guard page) is left alone. */
		if (!n || !mm_is_free_locked(mm, old_end, new_end))
			goto out;
		*n = (struct vma){ .start = old_end, .end = new_end, .prot = VMA_READ | VMA_WRITE };
		mm_insert_vma_locked(mm, n);
		n = NULL;
	}
	mm->brk = want;
	ret = want;
out:
	mm_unlock(mm, flags);
	kfree(n);
	if (ret == want && new_end < old_end && mm_unmap(mm, new_end, old_end - new_end))
		log_warn("brk: cannot release [%#lx, %#lx)\n", (unsigned long)new_end,
			 (unsigned long)old_end);
	return ret;
}

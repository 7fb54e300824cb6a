/*
 * Process address spaces (proc/mm.h), part two: the region (VMA) list,
 * kept sorted by address, and the calls that change it: adding regions,
 * anonymous and file mmap (MAP_FIXED too), munmap, brk.
 * Reference: the Linux man pages mmap(2), munmap(2), brk(2).
 * Locking: mm->lock (mm_internal.h); regions are allocated before it is
 * taken and freed (file_put may sleep) after it is released.
 */
#include "proc/mm.h"

#include "core/log.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
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
	flags = mm_lock(mm);
	if (is_free_locked(mm, start, end))
		insert_locked(mm, n);
	else
		err = -EEXIST;
	mm_unlock(mm, flags);
	if (err)
		kfree(n);
	return err;
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
	flags = mm_lock(mm);
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
	mm_unlock(mm, flags);
	if (!at)
		return -ENOMEM;
	err = mm_add_vma(mm, at, at + len, prot);
	return err ? err : (long)at;
}

/*
 * Remove [start, end) from every region (splitting one in two needs
 * @spare, then consumed) and drop its pages. Regions that go entirely
 * move to @dead, to be freed after the lock.
 */
static void unmap_locked(struct mm *mm, uintptr_t start, uintptr_t end, struct vma **spare,
			 struct list_head *dead, struct mm_frames *fl) REQUIRES(&mm->lock)
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
static void free_dead(struct list_head *dead, struct mm_frames *fl)
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
	unmap_locked(mm, start, end, &spare, &dead, &fl);
	mm_unlock(mm, flags);
	free_dead(&dead, &fl);
	kfree(spare);
	return 0;
}

uintptr_t mm_brk(struct mm *mm, uintptr_t want)
{
	struct vma *n = kzalloc(sizeof(*n));
	unsigned long flags = mm_lock(mm);
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
	mm_unlock(mm, flags);
	kfree(n);
	if (ret == want && new_end < old_end && mm_unmap(mm, new_end, old_end - new_end))
		log_warn("brk: cannot release [%#lx, %#lx)\n", (unsigned long)new_end,
			 (unsigned long)old_end);
	return ret;
}

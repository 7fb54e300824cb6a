/*
 * madvise (proc/mm.h mm_advise): MADV_DONTNEED and MADV_FREE drop pages;
 * MADV_DONTFORK/DOFORK and MADV_WIPEONFORK/KEEPONFORK set what fork does
 * with a range (regions split at its ends); every other advice Linux
 * knows is accepted and ignored.
 * Reference: the Linux man page madvise(2) and mm/madvise.c.
 * Locking: mm->lock (mm_internal.h); spare regions are allocated before
 * it is taken.
 */
#include "proc/mm.h"

#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
#include "proc/mm_internal.h"

/* Advice values (Linux include/uapi/asm-generic/mman-common.h). */
enum {
	MADV_DONTNEED = 4,
	MADV_FREE = 8,
	MADV_REMOVE = 9,
	MADV_DONTFORK = 10,
	MADV_DOFORK = 11,
	MADV_WIPEONFORK = 18,
	MADV_KEEPONFORK = 19,
	MADV_LAST_KNOWN = 23, /* MADV_POPULATE_WRITE */
	MADV_HWPOISON = 100,
	MADV_SOFT_OFFLINE = 101,
};

static bool overlaps(const struct vma *v, uintptr_t start, uintptr_t end)
{
	return v->start < end && start < v->end;
}

/* Drop the pages of [start, end) in every region (DONTNEED); a FREE on a
 * file or shared region is refused like Linux does. */
static int drop_locked(struct mm *mm, uintptr_t start, uintptr_t end, int advice,
		       struct mm_frames *fl) REQUIRES(&mm->lock)
{
	struct vma *v;

	list_for_each_entry (v, &mm->vmas, link)
		if (advice == MADV_FREE && (v->file || v->shared) && overlaps(v, start, end))
			return -EINVAL;
	/* Shared anonymous pages are the memory itself (no backing store to
	 * read them back from): DONTNEED keeps them, which is what a later
	 * access would see on Linux too. */
	list_for_each_entry (v, &mm->vmas, link)
		if (overlaps(v, start, end) && !(v->shared && !v->file))
			mm_drop_pages_locked(mm, MAX(v->start, start), MIN(v->end, end), fl);
	return 0;
}

/* Set (or with @clear, clear) the fork flag @bit on [start, end),
 * splitting regions at its ends. WIPEONFORK is for private anonymous
 * memory only (-EINVAL, nothing changed). */
static int fork_flag_locked(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int bit,
			    bool clear, struct vma **spares) REQUIRES(&mm->lock)
{
	struct vma *v;

	list_for_each_entry (v, &mm->vmas, link)
		if (bit == VMA_WIPEONFORK && !clear && (v->file || v->shared) &&
		    overlaps(v, start, end))
			return -EINVAL;
	list_for_each_entry (v, &mm->vmas, link) {
		int r = mm_clip_vma_locked(mm, v, start, end, spares);

		if (r < 0)
			break;
		if (!r)
			continue;
		v->fork = clear ? v->fork & ~bit : v->fork | bit;
	}
	return 0;
}

static int advise_locked(struct mm *mm, uintptr_t start, uintptr_t end, int advice,
			 struct mm_frames *fl, struct vma **spares) REQUIRES(&mm->lock)
{
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		return drop_locked(mm, start, end, advice, fl);
	case MADV_DONTFORK:
	case MADV_DOFORK:
		return fork_flag_locked(mm, start, end, VMA_DONTFORK, advice == MADV_DOFORK,
					spares);
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
		return fork_flag_locked(mm, start, end, VMA_WIPEONFORK, advice == MADV_KEEPONFORK,
					spares);
	default:
		return 0; /* accepted, ignored */
	}
}

int mm_advise(struct mm *mm, uintptr_t start, size_t len, int advice)
{
	uintptr_t end = start + ALIGN_UP(len, PAGE_SIZE);
	struct vma *spares[2] = { NULL, NULL };
	struct mm_frames fl = { 0 };
	unsigned long irq;
	int err = 0;

	if (advice == MADV_HWPOISON || advice == MADV_SOFT_OFFLINE)
		return -EPERM;
	if (advice < 0 || (advice > 4 && advice < 8) || advice == MADV_REMOVE ||
	    advice > MADV_LAST_KNOWN)
		return -EINVAL; /* REMOVE: only for shared mappings */
	if ((start & (PAGE_SIZE - 1)) || end < start || (len && end == start))
		return -EINVAL;
	if (end == start)
		return 0;
	if (end > USER_END)
		return -ENOMEM;
	if (advice == MADV_DONTFORK || advice == MADV_DOFORK || advice == MADV_WIPEONFORK ||
	    advice == MADV_KEEPONFORK) {
		spares[0] = kzalloc(sizeof(struct vma));
		spares[1] = kzalloc(sizeof(struct vma));
		if (!spares[0] || !spares[1]) {
			err = -ENOMEM;
			goto out;
		}
	}
	irq = mm_lock(mm);
	err = advise_locked(mm, start, end, advice, &fl, spares);
	if (!err && !mm_is_covered_locked(mm, start, end))
		err = -ENOMEM; /* after doing the mapped parts, as Linux does */
	mm_unlock(mm, irq);
	mm_frames_free(&fl);
out:
	kfree(spares[0]);
	kfree(spares[1]);
	return err;
}

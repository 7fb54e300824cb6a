/*
 * mremap (proc/mm.h mm_remap): shrink a mapping in place, grow it in
 * place when the pages after it are free, or move it (MREMAP_MAYMOVE,
 * MREMAP_FIXED) by moving its page-table entries: the frames, their
 * reference counts and copy-on-write state stay as they are.
 * Reference: the Linux man page mremap(2) and mm/mremap.c.
 * Locking: mm->lock (mm_internal.h); regions are allocated before it is
 * taken and freed after.
 */
#include "proc/mm.h"

#include "fs/file.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
#include "proc/mm_internal.h"

/* Everything one call may need, allocated before the lock. */
struct remap_ctx {
	struct vma *n, *spare[2];
	struct list_head dead;
	struct mm_frames gone;
};

/* Move [old, old + min(old_len, new_len)) of region @v to a new region
 * at @to of @new_len bytes, then drop the rest of the old range. */
static long move_locked(struct mm *mm, struct vma *v, uintptr_t old, size_t old_len, size_t new_len,
			uintptr_t to, struct remap_ctx *c) REQUIRES(&mm->lock)
{
	size_t keep = MIN(old_len, new_len);
	struct vma *n = c->n;

	if (v->shared && !v->file && new_len > old_len)
		return -ENOMEM; /* shared anonymous pages are made at mmap time only */
	if (arch_as_move(mm->root, old, to, keep >> PAGE_SHIFT))
		return -ENOMEM;
	*n = *v;
	n->start = to;
	n->end = to + new_len;
	n->off = v->off + (int64_t)(old - v->start);
	if (n->file)
		file_get(n->file);
	c->n = NULL;
	/* The moved entries leave every TLB before anything else happens. */
	arch_as_flush(mm->root, old, keep >> PAGE_SHIFT);
	mm_unmap_locked(mm, old, old + old_len, &c->spare[1], &c->dead, &c->gone);
	mm_insert_vma_locked(mm, n);
	return (long)to;
}

/* Grow @v in place to end at @end if the pages are free. */
static bool grow_locked(struct mm *mm, struct vma *v, uintptr_t end) REQUIRES(&mm->lock)
{
	uintptr_t top = MM_STACK_TOP - MM_STACK_SIZE - MM_STACK_GAP;

	if (end > top || (v->shared && !v->file) || !mm_is_free_locked(mm, v->end, end))
		return false;
	v->end = end;
	return true;
}

static long remap_locked(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len,
			 unsigned int flags, uintptr_t to, struct remap_ctx *c) REQUIRES(&mm->lock)
{
	struct vma *v = mm_find_vma_locked(mm, old);

	if (!v || old_len > v->end - old)
		return -EFAULT; /* not one region: Linux's answer too */
	if (flags & MM_REMAP_FIXED) {
		mm_unmap_locked(mm, to, to + new_len, &c->spare[0], &c->dead, &c->gone);
		v = mm_find_vma_locked(mm, old); /* the unmap may have split it */
		return move_locked(mm, v, old, old_len, new_len, to, c);
	}
	if (new_len <= old_len) {
		if (new_len < old_len)
			mm_unmap_locked(mm, old + new_len, old + old_len, &c->spare[0], &c->dead,
					&c->gone);
		return (long)old;
	}
	if (old + old_len == v->end && grow_locked(mm, v, old + new_len))
		return (long)old;
	if (!(flags & MM_REMAP_MAYMOVE))
		return -ENOMEM;
	to = mm_find_free_locked(mm, 0, new_len);
	if (!to)
		return -ENOMEM;
	return move_locked(mm, v, old, old_len, new_len, to, c);
}

long mm_remap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len, unsigned int flags,
	      uintptr_t to)
{
	struct remap_ctx c = { .n = kzalloc(sizeof(struct vma)),
			       .spare = { kzalloc(sizeof(struct vma)),
					  kzalloc(sizeof(struct vma)) } };
	unsigned long irq;
	long ret = -ENOMEM;

	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	list_init(&c.dead);
	if (!c.n || !c.spare[0] || !c.spare[1])
		goto out;
	irq = mm_lock(mm);
	ret = remap_locked(mm, old, old_len, new_len, flags, to, &c);
	mm_unlock(mm, irq);
	mm_free_dead(&c.dead, &c.gone);
out:
	kfree(c.n);
	kfree(c.spare[0]);
	kfree(c.spare[1]);
	return ret;
}

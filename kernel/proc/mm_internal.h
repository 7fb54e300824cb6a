/*
 * Shared by the files of the process address-space module (proc/mm.c:
 * life cycle, fork copy, faults; proc/vma.c: the region list and the
 * mapping calls; proc/mremap.c, proc/madvise.c). Nothing outside
 * kernel/proc includes it.
 */
#pragma once

#include "proc/mm.h"

/*
 * Take and release mm->lock. Interrupts are off while it is held, and a
 * CPU spinning for it serves TLB shootdown requests (arch_tlb_poll), so
 * a holder may flush other CPUs' TLBs (arch_as_flush) without dropping
 * it. Take it holding no other spinlock.
 */
unsigned long mm_lock(struct mm *mm) ACQUIRE(&mm->lock) __must_check;
void mm_unlock(struct mm *mm, unsigned long flags) RELEASE(&mm->lock);

/* ARCH_MAP_* flags of a page of a region with protection @prot. */
unsigned int mm_map_flags(unsigned int prot);

/*
 * Frames unmapped under the lock whose last reference is gone, freed only
 * after the TLB flush (mm_frames_free) so that no CPU can still reach
 * them. Until the flush, another CPU may still write to such a frame
 * through a stale entry, so nothing is stored in it before: the frames
 * wait in @pending (a full batch is flushed early, under the lock) and
 * only then join the list that runs through the frames themselves (no
 * allocation).
 */
#define MM_FRAMES_BATCH 32

struct mm_frames {
	paddr_t head;	/* flushed: safe to free; 0: empty */
	unsigned int n; /* entries of pending in use */
	paddr_t pending[MM_FRAMES_BATCH];
	/* The range being unmapped (mm_drop_pages_locked sets it): */
	paddr_t root;
	uintptr_t start, end;
};

/* arch_as_unmap_range's drop callback: @arg is a struct mm_frames. */
void mm_frames_drop(paddr_t pa, void *arg);

/* Free every frame of @fl (after the flush: none may be pending). */
void mm_frames_free(struct mm_frames *fl);

/* Unmap the pages of [start, end) of @mm (dropping their references into
 * @fl) and flush every CPU's TLB for them. */
void mm_drop_pages_locked(struct mm *mm, uintptr_t start, uintptr_t end, struct mm_frames *fl)
	REQUIRES(&mm->lock);

/* The region containing @addr, or NULL. */
struct vma *mm_find_vma_locked(struct mm *mm, uintptr_t addr) REQUIRES(&mm->lock);

/* Free a region removed from its list (dropping its file reference).
 * May sleep: call without mm->lock. */
void mm_vma_free(struct vma *v);

/* The region list (proc/vma.c). mm_is_free_locked: is [start, end) clear
 * of every region? mm_insert_vma_locked: add @n in address order.
 * mm_find_free_locked: where mmap puts @len bytes without MAP_FIXED (the
 * hint if free, else top-down first fit), 0 if nowhere. */
bool mm_is_free_locked(struct mm *mm, uintptr_t start, uintptr_t end) REQUIRES(&mm->lock);
void mm_insert_vma_locked(struct mm *mm, struct vma *n) REQUIRES(&mm->lock);
uintptr_t mm_find_free_locked(struct mm *mm, uintptr_t hint, size_t len) REQUIRES(&mm->lock);

/* Remove [start, end) from every region and drop its pages (flushed);
 * splitting a region in two consumes *@spare, regions that go wholly move
 * to @dead and their frames' last references to @fl. mm_free_dead frees
 * both after the lock. */
void mm_unmap_locked(struct mm *mm, uintptr_t start, uintptr_t end, struct vma **spare,
		     struct list_head *dead, struct mm_frames *fl) REQUIRES(&mm->lock);
void mm_free_dead(struct list_head *dead, struct mm_frames *fl);

/* Cut region @v in two at @at (inside it), consuming *@spare (set to
 * NULL); the upper part follows @v in the list. */
void mm_split_vma_locked(struct mm *mm, struct vma *v, uintptr_t at, struct vma **spare)
	REQUIRES(&mm->lock);

/* One step of a walk over the regions that touch [@start, @end), in
 * list order, splitting at the range's ends with @spares[0] (at @start)
 * and @spares[1] (at @end): 1 when @v now lies inside the range (act on
 * it), 0 to go on to the next region (@v lies before the range, or its
 * part inside was split off as the next region), -1 past the range. */
int mm_clip_vma_locked(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end,
		       struct vma **spares) REQUIRES(&mm->lock);

/* Do regions cover all of [start, end)? */
bool mm_is_covered_locked(struct mm *mm, uintptr_t start, uintptr_t end) REQUIRES(&mm->lock);

/*
 * Reading another process's address space (proc/mm.h): the references
 * that keep a struct mm alive while procfs reads it after dropping
 * proc_lock, a copy of user memory through the direct map (environ), the
 * region list (maps) and its total size (stat's vsize, statm). Linux's
 * get_task_mm/mmput and access_remote_vm, without faulting pages in.
 * Locking: mm->lock around every walk (held with interrupts off; nothing
 * under it allocates or sleeps: files are only referenced, file_put runs
 * after it); refs is atomic.
 */
#include "proc/mm.h"

#include "arch/arch.h"
#include "fs/file.h"
#include "lib/string.h"
#include "proc/mm_internal.h"

void mm_get(struct mm *mm)
{
	atomic_inc(&mm->refs);
}

void mm_put(struct mm *mm)
{
	if (mm && atomic_dec_and_test(&mm->refs))
		mm_destroy(mm);
}

size_t mm_read(struct mm *mm, uintptr_t va, void *buf, size_t n)
{
	unsigned long flags = mm_lock(mm);
	size_t done = 0;

	while (done < n) {
		uintptr_t at = va + done;
		size_t in_page = PAGE_SIZE - at % PAGE_SIZE, chunk = n - done;
		paddr_t pa;

		if (at < va || !arch_as_translate(mm->root, ALIGN_DOWN(at, PAGE_SIZE), &pa, NULL))
			break; // wrapped, or not mapped: the copy ends here
		if (chunk > in_page)
			chunk = in_page;
		/* The frame stays mapped (so referenced) while the lock is held. */
		memcpy((char *)buf + done, (const char *)phys_to_virt(pa) + at % PAGE_SIZE, chunk);
		done += chunk;
	}
	mm_unlock(mm, flags);
	return done;
}

size_t mm_regions(struct mm *mm, struct mm_region *out, size_t max)
{
	unsigned long flags = mm_lock(mm);
	const struct vma *v;
	size_t n = 0;

	list_for_each_entry (v, &mm->vmas, link) {
		if (n < max) {
			out[n] = (struct mm_region){ .start = v->start,
						     .end = v->end,
						     .prot = v->prot,
						     .shared = v->shared,
						     .off = v->off,
						     .file = v->file };
			if (v->file)
				file_get(v->file); // an atomic increment
		}
		n++;
	}
	mm_unlock(mm, flags);
	return n;
}

void mm_regions_put(struct mm_region *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		file_put(r[i].file);
}

uint64_t mm_total_size(struct mm *mm)
{
	unsigned long flags = mm_lock(mm);
	const struct vma *v;
	uint64_t bytes = 0;

	list_for_each_entry (v, &mm->vmas, link)
		bytes += v->end - v->start;
	mm_unlock(mm, flags);
	return bytes;
}

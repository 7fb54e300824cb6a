/*
 * Process address spaces (proc/mm.h), part one: creating, copying (fork,
 * copy-on-write) and destroying them, the ELF loader's populate, and page
 * faults (demand zero, file pages - the file's own frame mapped read-only
 * when vfs_get_page has one, else a copy - and copy-on-write). The region list and
 * the mapping calls are in proc/vma.c.
 * Frames are shared between address spaces after fork and counted by
 * pmm's per-frame references (mm/pmm.h); a frame is freed when its last
 * mapping goes, after every CPU's TLB has dropped it (arch_as_flush).
 * Locking: mm->lock, see mm.h and mm_internal.h; kmalloc and file reads
 * happen outside it.
 */
#include "proc/mm.h"

#include "core/log.h"
#include "core/panic.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/mm_internal.h"

#define LOG_PREFIX "mm: "

unsigned long mm_lock(struct mm *mm)
{
	unsigned long flags = arch_irq_save();

	while (!spin_trylock(&mm->lock)) {
		arch_tlb_poll(); /* the holder may be waiting for this CPU */
		arch_cpu_relax();
	}
	return flags;
}

void mm_unlock(struct mm *mm, unsigned long flags)
{
	spin_unlock(&mm->lock);
	arch_irq_restore(flags);
}

unsigned int mm_map_flags(unsigned int prot)
{
	if (!(prot & (VMA_READ | VMA_WRITE | VMA_EXEC)))
		return ARCH_MAP_NONE;
	return ((prot & VMA_WRITE) ? ARCH_MAP_WRITE : 0) | ((prot & VMA_EXEC) ? ARCH_MAP_EXEC : 0) |
	       ARCH_MAP_USER;
}

/* Move the flushed pending frames onto the list. */
static void frames_flushed(struct mm_frames *fl)
{
	while (fl->n) {
		paddr_t pa = fl->pending[--fl->n];

		*(paddr_t *)phys_to_virt(pa) = fl->head;
		fl->head = pa;
	}
}

void mm_frames_drop(paddr_t pa, void *arg)
{
	struct mm_frames *fl = arg;

	if (pmm_page_unref(pa) != 0)
		return;
	if (fl->n == MM_FRAMES_BATCH) {
		arch_as_flush(fl->root, fl->start, (fl->end - fl->start) >> PAGE_SHIFT);
		frames_flushed(fl);
	}
	fl->pending[fl->n++] = pa;
}

void mm_frames_free(struct mm_frames *fl)
{
	if (fl->n)
		panic("mm: frames freed before their TLB flush");
	while (fl->head) {
		paddr_t pa = fl->head;

		fl->head = *(paddr_t *)phys_to_virt(pa);
		pmm_free_page(pa);
	}
}

void mm_drop_pages_locked(struct mm *mm, uintptr_t start, uintptr_t end, struct mm_frames *fl)
{
	size_t n;

	spin_assert_held(&mm->lock);
	fl->root = mm->root;
	fl->start = start;
	fl->end = end;
	n = arch_as_unmap_range(mm->root, start, end, mm_frames_drop, fl);
	mm->pages -= n;
	/* Pages, or empty page-table pages (which reach @fl), went: no CPU
	 * may keep an entry or a cached table pointer for the range. */
	if (n || fl->n)
		arch_as_flush(mm->root, start, (end - start) >> PAGE_SHIFT);
	frames_flushed(fl);
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
	atomic_set(&mm->refs, 1);
	list_init(&mm->vmas);
	return mm;
}

void mm_vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	kfree(v);
}

void mm_destroy(struct mm *mm)
{
	struct list_head *pos, *tmp;

	arch_as_destroy(mm->root, pmm_page_put);
	list_for_each_safe(pos, tmp, &mm->vmas)
	{
		list_del(pos);
		mm_vma_free(list_entry(pos, struct vma, link));
	}
	kfree(mm);
}

/* Region copies for mm_dup, made outside the lock. */
static size_t count_vmas_locked(struct mm *mm) REQUIRES(&mm->lock)
{
	struct list_head *pos;
	size_t n = 0;

	list_for_each (pos, &mm->vmas)
		n++;
	return n;
}

/* Move @n fresh regions onto @spare, or fewer when memory runs out. */
static size_t alloc_spares(struct list_head *spare, size_t have, size_t n)
{
	for (; have < n; have++) {
		struct vma *v = kzalloc(sizeof(*v));

		if (!v)
			break;
		list_insert_between(&v->link, spare->prev, spare);
	}
	return have;
}

/* Copy the regions and the pages of @src into @dst; 0 or -ENOMEM. */
static int dup_locked(struct mm *dst, struct mm *src, struct list_head *spare) REQUIRES(&src->lock)
{
	struct vma *v;

	spin_assert_held(&src->lock);
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->arg_start = src->arg_start; // the stack is copied: its strings too
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
	list_for_each_entry (v, &src->vmas, link) {
		struct vma *n = list_entry(spare->next, struct vma, link);
		long copied;

		if (v->fork & VMA_DONTFORK)
			continue;
		list_del(&n->link);
		*n = *v;
		if (n->file)
			file_get(n->file);
		list_insert_between(&n->link, dst->vmas.prev, &dst->vmas);
		if (v->fork & VMA_WIPEONFORK)
			continue; /* the child's is demand-zero */
		copied = arch_as_copy(dst->root, src->root, v->start, v->end, !v->shared,
				      pmm_page_get);
		if (copied < 0)
			return -ENOMEM;
		dst->pages += (size_t)copied;
	}
	return 0;
}

static void free_spares(struct list_head *spare)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, spare)
	{
		list_del(pos);
		kfree(list_entry(pos, struct vma, link));
	}
}

struct mm *mm_dup(struct mm *src)
{
	struct mm *dst = mm_create();
	struct list_head spare;
	size_t have = 0, need;
	unsigned long flags;
	int err;

	if (!dst)
		return NULL;
	list_init(&spare);
	for (;;) {
		flags = mm_lock(src);
		need = count_vmas_locked(src);
		if (have >= need)
			break;
		mm_unlock(src, flags);
		have = alloc_spares(&spare, have, need);
		if (have < need) {
			err = -ENOMEM;
			goto out;
		}
	}
	err = dup_locked(dst, src, &spare);
	/* Every page of src became read-only: no CPU may keep a writable
	 * entry for one (a whole flush: the pages are everywhere). */
	arch_as_flush(src->root, 0, SIZE_MAX >> PAGE_SHIFT);
	mm_unlock(src, flags);
out:
	free_spares(&spare);
	if (!err)
		return dst;
	mm_destroy(dst);
	return NULL;
}

int mm_populate(struct mm *mm, uintptr_t va, unsigned int prot, paddr_t *pa)
{
	unsigned long flags = mm_lock(mm);
	unsigned int old;
	int err = 0;

	if (arch_as_translate(mm->root, va, pa, &old)) {
		/* A page two segments share: give it both protections. */
		unsigned int want = mm_map_flags(prot);

		if (pmm_page_refs(*pa) != 1) { /* a file's frame: never written */
			mm_unlock(mm, flags);
			return -EBUSY;
		}
		if (old & ARCH_MAP_NONE)
			old = want;
		else if (want & ARCH_MAP_NONE)
			want = old;
		err = arch_as_replace(mm->root, va, *pa, old | want);
		arch_as_flush_local(mm->root, va, 1);
	} else {
		*pa = pmm_alloc_zeroed_page();
		err = *pa ? arch_as_map(mm->root, va, *pa, mm_map_flags(prot)) : -ENOMEM;
		if (!err)
			mm->pages++;
		else if (*pa)
			pmm_free_page(*pa);
	}
	mm_unlock(mm, flags);
	return err;
}

/* May @v be accessed this way at all? */
static bool is_allowed(const struct vma *v, bool write, bool exec)
{
	if (!(v->prot & (VMA_READ | VMA_WRITE | VMA_EXEC)))
		return false;
	return !(write && !(v->prot & VMA_WRITE)) && !(exec && !(v->prot & VMA_EXEC));
}

/*
 * A write fault on the present, read-only page @va of the writable region
 * @v, whose frame is @old: the page is shared copy-on-write. When this
 * mapping holds the frame's only reference it is just made writable;
 * otherwise it gets @fresh (a spare frame, then consumed: *fresh = 0)
 * holding a copy, and the old frame loses a reference.
 */
static enum mm_fault_result cow_locked(struct mm *mm, const struct vma *v, uintptr_t va,
				       paddr_t old, paddr_t *fresh) REQUIRES(&mm->lock)
{
	unsigned int flags = mm_map_flags(v->prot);

	spin_assert_held(&mm->lock);
	if (v->shared || pmm_page_refs(old) == 1) { /* shared: never copied */
		if (arch_as_replace(mm->root, va, old, flags))
			return MM_FAULT_SEGV;
		arch_as_flush_local(mm->root, va, 1); /* others refault harmlessly */
		return MM_FAULT_OK;
	}
	if (!*fresh)
		return MM_FAULT_NOMEM;
	memcpy(phys_to_virt(*fresh), phys_to_virt(old), PAGE_SIZE);
	if (arch_as_replace(mm->root, va, *fresh, flags))
		return MM_FAULT_SEGV;
	*fresh = 0;
	/* No CPU may read the old frame through this mm any more before the
	 * reference goes (another sharer may free it right after). */
	arch_as_flush(mm->root, va, 1);
	pmm_page_put(old);
	return MM_FAULT_OK;
}

/* A fault on a page that is mapped: copy-on-write, or already resolved
 * by another CPU (a stale TLB entry). */
static enum mm_fault_result present_locked(struct mm *mm, const struct vma *v, uintptr_t va,
					   bool write, bool exec, paddr_t *fresh)
	REQUIRES(&mm->lock)
{
	unsigned int have;
	paddr_t pa;

	if (!arch_as_translate(mm->root, va, &pa, &have) || (have & ARCH_MAP_NONE))
		return MM_FAULT_SEGV;
	if (exec && !(have & ARCH_MAP_EXEC))
		return MM_FAULT_SEGV;
	if (write && !(have & ARCH_MAP_WRITE))
		return cow_locked(mm, v, va, pa, fresh);
	return MM_FAULT_OK;
}

/*
 * The file page of region @v at @va, read into @fresh with mm->lock
 * dropped (the read sleeps). Returns MM_FAULT_OK with the bytes in
 * @fresh (zeros past the end of the file), or MM_FAULT_BUS when the page
 * lies wholly past the end of the file.
 */
static enum mm_fault_result read_file_page(struct file *f, int64_t off, paddr_t fresh)
{
	ssize_t n = vfs_pread(f, phys_to_virt(fresh), PAGE_SIZE, off);

	if (n < 0)
		return MM_FAULT_BUS; /* Linux: an I/O error on a page read is SIGBUS */
	if (n == 0)
		return MM_FAULT_BUS;
	return MM_FAULT_OK;
}

/* Map @fresh at @va if the page is still missing and region @v is still
 * the one that faulted (the lock was dropped for a file read). */
static enum mm_fault_result map_fresh_locked(struct mm *mm, const struct vma *v, uintptr_t va,
					     paddr_t *fresh) REQUIRES(&mm->lock)
{
	if (arch_as_translate(mm->root, va, NULL, NULL))
		return MM_FAULT_OK; /* another CPU mapped it meanwhile */
	if (!*fresh)
		return MM_FAULT_NOMEM;
	if (arch_as_map(mm->root, va, *fresh, mm_map_flags(v->prot)))
		return MM_FAULT_NOMEM;
	*fresh = 0;
	mm->pages++;
	return MM_FAULT_OK;
}

/* Map the file's own frame @frame (a reference the caller took, consumed)
 * read-only at @va if the page is still missing: a write copies it (the
 * copy-on-write of cow_locked, since the file holds a reference too). */
static enum mm_fault_result map_file_frame_locked(struct mm *mm, const struct vma *v, uintptr_t va,
						  paddr_t frame) REQUIRES(&mm->lock)
{
	if (arch_as_translate(mm->root, va, NULL, NULL)) {
		pmm_page_put(frame); /* another CPU mapped it meanwhile */
		return MM_FAULT_OK;
	}
	if (arch_as_map(mm->root, va, frame, mm_map_flags(v->prot) & ~ARCH_MAP_WRITE)) {
		pmm_page_put(frame);
		return MM_FAULT_NOMEM;
	}
	mm->pages++;
	return MM_FAULT_OK;
}

/* A read fault on a file page maps its neighbours too when the file can
 * share them, as Linux's fault-around (fault_around_bytes, 64 KiB): the
 * pages of the aligned window of this many pages, inside the region. */
#define MM_FAULT_AROUND 16

struct file_window {
	uintptr_t lo;	 /* first page */
	unsigned int n;	 /* pages, at most MM_FAULT_AROUND */
	unsigned int at; /* index of the faulting page */
	uint32_t want;	 /* pages missing when the lock was dropped */
	uint64_t frames[MM_FAULT_AROUND];
};

/* The window around @va in @v, and which of its pages are missing. */
static void window_locked(struct mm *mm, const struct vma *v, uintptr_t va, struct file_window *w)
	REQUIRES(&mm->lock)
{
	uintptr_t base = ALIGN_DOWN(va, MM_FAULT_AROUND * PAGE_SIZE);
	uintptr_t hi = MIN(v->end, base + MM_FAULT_AROUND * PAGE_SIZE);

	w->lo = MAX(v->start, base);
	w->n = (unsigned int)((hi - w->lo) >> PAGE_SHIFT);
	w->at = (unsigned int)((va - w->lo) >> PAGE_SHIFT);
	w->want = 1u << w->at;
	for (unsigned int i = 0; i < w->n; i++)
		if (i != w->at && !arch_as_translate(mm->root, w->lo + i * PAGE_SIZE, NULL, NULL))
			w->want |= 1u << i;
}

/* Drop the frames of @w not yet consumed. */
static void window_put(struct file_window *w)
{
	for (unsigned int i = 0; i < w->n; i++)
		if (w->frames[i])
			pmm_page_put(w->frames[i]);
}

/* Map the frames of @w into @v (which still covers it); the faulting
 * page's result. */
static enum mm_fault_result window_map_locked(struct mm *mm, const struct vma *v,
					      struct file_window *w) REQUIRES(&mm->lock)
{
	enum mm_fault_result r = MM_FAULT_OK;

	for (unsigned int i = 0; i < w->n; i++) {
		enum mm_fault_result ri;

		if (!w->frames[i])
			continue;
		ri = map_file_frame_locked(mm, v, w->lo + i * PAGE_SIZE, w->frames[i]);
		w->frames[i] = 0;
		if (i == w->at)
			r = ri;
	}
	return r;
}

/*
 * The missing page of file region @v: drop the lock, take the file's own
 * frames (a read or exec fault, or any fault of a MAP_SHARED region, on a
 * page the filesystem can share: vfs_get_pages, for the fault-around
 * window) or else read a copy into @fresh, relock and check nothing
 * changed. Called and returns with mm->lock held.
 */
static enum mm_fault_result file_fault_locked(struct mm *mm, uintptr_t va, bool write,
					      unsigned long *flags, bool can_sleep, paddr_t *fresh)
	REQUIRES(&mm->lock)
{
	struct vma *v = mm_find_vma_locked(mm, va);
	struct file *f = v->file;
	int64_t off = v->off + (int64_t)(va - v->start), lo_off;
	bool share = !write || v->shared;
	enum mm_fault_result r = MM_FAULT_OK;
	struct file_window w = { 0 };

	mm->file_faults = true;
	if (!can_sleep)
		return MM_FAULT_SEGV; /* interrupts were off: see mm.h */
	window_locked(mm, v, va, &w);
	lo_off = v->off + (int64_t)(w.lo - v->start);
	file_get(f);
	mm_unlock(mm, *flags);
	if (!share || vfs_get_pages(f, (uint64_t)lo_off >> PAGE_SHIFT, w.n, w.want, w.frames) ||
	    !w.frames[w.at]) {
		window_put(&w); /* this page is copied: no window */
		w.n = 0;
		if (!*fresh)
			*fresh = pmm_alloc_zeroed_page();
		r = *fresh ? read_file_page(f, off, *fresh) : MM_FAULT_NOMEM;
	}
	file_put(f);
	*flags = mm_lock(mm);
	if (r != MM_FAULT_OK)
		return r;
	v = mm_find_vma_locked(mm, va);
	if (!v || v->file != f || v->off + (int64_t)(va - v->start) != off ||
	    (w.n && (w.lo < v->start || w.lo + w.n * PAGE_SIZE > v->end))) {
		window_put(&w);
		return MM_FAULT_OK; /* unmapped or replaced: retry and see */
	}
	if (w.n)
		return window_map_locked(mm, v, &w);
	return map_fresh_locked(mm, v, va, fresh);
}

/* Does a fault on @va of @v need a spare zeroed frame under the lock? A
 * missing file page does not: file_fault_locked drops the lock anyway
 * and often maps the file's own frame. */
static bool needs_fresh_locked(struct mm *mm, const struct vma *v, uintptr_t va, bool write)
	REQUIRES(&mm->lock)
{
	if (arch_as_translate(mm->root, va, NULL, NULL))
		return write;
	return !v->file;
}

enum mm_fault_result mm_handle_fault(struct mm *mm, uintptr_t addr, bool write, bool exec)
{
	uintptr_t va = addr & ~(PAGE_SIZE - 1);
	bool can_sleep = arch_irqs_enabled(), tried = !READ_ONCE(mm->file_faults);
	/* The frame is zeroed before the lock is taken, which is then held
	 * briefly (zeroing is most of a fault's cost), unless this fault is
	 * likely to be a missing file page again (they come in runs: a new
	 * program's text), which needs none. */
	paddr_t fresh = tried ? pmm_alloc_zeroed_page() : 0;
	unsigned long flags;
	enum mm_fault_result r;
	struct vma *v;

	for (;;) {
		flags = mm_lock(mm);
		v = mm_find_vma_locked(mm, addr);
		if (!v || !is_allowed(v, write, exec) || tried ||
		    !needs_fresh_locked(mm, v, va, write))
			break;
		/* The guess was wrong: zero one outside the lock, look again. */
		mm_unlock(mm, flags);
		fresh = pmm_alloc_zeroed_page();
		tried = true;
	}
	mm->file_faults = false;
	if (!v || !is_allowed(v, write, exec))
		r = MM_FAULT_SEGV;
	else if (arch_as_translate(mm->root, va, NULL, NULL))
		r = present_locked(mm, v, va, write, exec, &fresh);
	else if (v->file)
		r = file_fault_locked(mm, va, write, &flags, can_sleep, &fresh);
	else
		r = map_fresh_locked(mm, v, va, &fresh);
	mm_unlock(mm, flags);
	if (fresh)
		pmm_free_page(fresh);
	return r;
}

bool mm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec)
{
	return mm_handle_fault(mm, addr, write, exec) == MM_FAULT_OK;
}

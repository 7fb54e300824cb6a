/*
 * User address spaces (the arch_as_* calls of arch/arch.h): creating and
 * destroying a top-level table that shares the kernel half, single-page
 * map/unmap/translate/replace, range walks (fork's copy-on-write copy,
 * protect, unmap) and the record of which root each CPU has loaded for
 * the user TLB shootdown (ipi.c). The walker and the entry encoding are
 * paging.c's (paging.h).
 * Locking: the caller serialises edits of one address space (struct mm's
 * lock); loaded_root entries are atomics written by their own CPU.
 * Reference: Intel SDM Vol. 3 §4.5, §4.10.4 (CR3 writes flush non-global
 * entries).
 */
#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "mm/pmm.h"
#include "sched/percpu.h"

#define FLUSH_ALL_ABOVE 32 /* pages: beyond this a local flush reloads CR3 */

/* Atomic; entry i is written by CPU i only (arch_as_activate): */
static paddr_t loaded_root[MAX_CPUS];

paddr_t arch_as_create(void)
{
	paddr_t root = pmm_alloc_zeroed_page();
	uint64_t *top, *ktop = phys_to_virt(paging_kernel_root());

	if (!root)
		return 0;
	top = phys_to_virt(root);
	for (unsigned int i = KERNEL_PML4_FIRST; i < 512; i++)
		top[i] = ktop[i];
	return root;
}

/* Free the table at @pa (level @level) and below; leaves go to @free_frame. */
static void free_level(paddr_t pa, int level, void (*free_frame)(paddr_t pa))
{
	uint64_t *t = phys_to_virt(pa);

	for (unsigned int i = 0; i < 512; i++) {
		if (!(t[i] & (level == 1 ? PTE_P | PTE_NONE : PTE_P)))
			continue;
		if (level == 1)
			free_frame(t[i] & PTE_ADDR);
		else
			free_level(t[i] & PTE_ADDR, level - 1, free_frame);
	}
	pmm_free_page(pa);
}

void arch_as_destroy(paddr_t root, void (*free_frame)(paddr_t pa))
{
	uint64_t *top = phys_to_virt(root);

	if (root == paging_kernel_root() || !root)
		return;
	for (unsigned int i = 0; i < KERNEL_PML4_FIRST; i++)
		if (top[i] & PTE_P)
			free_level(top[i] & PTE_ADDR, 3, free_frame);
	pmm_free_page(root);
}

int arch_as_map(paddr_t root, uintptr_t va, paddr_t pa, unsigned int flags)
{
	int level;
	uint64_t *e;

	if (va >= USER_END)
		return -EINVAL;
	e = paging_walk(root, va, true, &level);
	if (!e)
		return -ENOMEM;
	if (level != 1 || (*e & (PTE_P | PTE_NONE)))
		return -EEXIST;
	*e = (pa & PTE_ADDR) | paging_leaf_bits(flags | ARCH_MAP_USER, va);
	return 0;
}

int arch_as_unmap(paddr_t root, uintptr_t va, paddr_t *pa)
{
	int level;
	uint64_t *e;

	if (va >= USER_END)
		return -EINVAL;
	e = paging_walk(root, va, false, &level);
	if (!e || level != 1 || !(*e & (PTE_P | PTE_NONE)))
		return -ENOENT;
	if (pa)
		*pa = *e & PTE_ADDR;
	*e = 0;
	if (read_cr3() == root)
		invlpg(va);
	return 0;
}

bool arch_as_translate(paddr_t root, uintptr_t va, paddr_t *pa, unsigned int *flags)
{
	int level;
	uint64_t *e;

	if (va >= USER_END)
		return false;
	e = paging_walk(root, va, false, &level);
	if (!e || level != 1 || !(*e & (PTE_P | PTE_NONE)))
		return false;
	if (pa)
		*pa = *e & PTE_ADDR;
	if (flags)
		*flags = paging_flags_of(*e);
	return true;
}

void arch_as_activate(paddr_t root)
{
	paddr_t want = root ? root : paging_kernel_root();

	if (read_cr3() == want)
		return;
	/* Publish first: a shootdown that edits @want's tables and then
	 * finds another root here is ordered before this CPU's first walk
	 * of them (a Dekker pair with the barrier in arch_as_flush). */
	atomic_store_release(&loaded_root[this_cpu_id()], want);
	smp_mb();
	write_cr3(want);
}

paddr_t paging_loaded_root(unsigned int cpu)
{
	return cpu < MAX_CPUS ? atomic_load_acquire(&loaded_root[cpu]) : 0;
}

/* ---- Range walks over a user half --------------------------------------- */

/* Called for each user leaf that holds a frame in a walk; may change *e.
 * Returns 0 to go on or a negative errno to stop the walk. */
typedef int (*leaf_fn)(uint64_t *e, uintptr_t va, void *arg);

/* Visit the leaves of [start, end) in table @t of @level, which maps the
 * virtual range beginning at @base. Missing tables are skipped whole. */
static int walk_range(uint64_t *t, int level, uintptr_t base, uintptr_t start, uintptr_t end,
		      leaf_fn fn, void *arg)
{
	uint64_t size = LEVEL_SIZE(level);

	for (unsigned int i = paging_index(start, level); i < 512; i++) {
		uintptr_t lo = base + i * size;
		int err;

		if (lo >= end)
			break;
		if (level == 1) {
			if (!(t[i] & (PTE_P | PTE_NONE)))
				continue;
			err = fn(&t[i], lo, arg);
		} else {
			if (!(t[i] & PTE_P) || (t[i] & PTE_PS))
				continue;
			err = walk_range(paging_table_at(t[i]), level - 1, lo, MAX(start, lo),
					 MIN(end, lo + size), fn, arg);
		}
		if (err)
			return err;
	}
	return 0;
}

static int walk_user(paddr_t root, uintptr_t start, uintptr_t end, leaf_fn fn, void *arg)
{
	if (start >= end || end > USER_END)
		return start < end ? -EINVAL : 0;
	return walk_range(phys_to_virt(root), 4, 0, start, end, fn, arg);
}

struct copy_walk {
	paddr_t dst;
	bool cow;
	void (*get)(paddr_t pa);
};

static int copy_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	struct copy_walk *w = arg;
	int level;
	uint64_t *d = paging_walk(w->dst, va, true, &level);

	if (!d)
		return -ENOMEM;
	if (level != 1 || (*d & (PTE_P | PTE_NONE)))
		return -EEXIST;
	if (w->cow)
		*e &= ~PTE_W;
	*d = *e & ~(PTE_A | PTE_D);
	w->get(*e & PTE_ADDR);
	return 0;
}

int arch_as_copy(paddr_t dst, paddr_t src, uintptr_t start, uintptr_t end, bool cow,
		 void (*get)(paddr_t pa))
{
	struct copy_walk w = { dst, cow, get };

	return walk_user(src, start, end, copy_leaf, &w);
}

struct protect_walk {
	unsigned int flags;
	bool (*may_write)(paddr_t pa);
	size_t changed;
};

static int protect_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	struct protect_walk *w = arg;
	unsigned int flags = w->flags | ARCH_MAP_USER;
	uint64_t n;

	if ((flags & ARCH_MAP_WRITE) && w->may_write && !w->may_write(*e & PTE_ADDR))
		flags &= ~ARCH_MAP_WRITE;
	n = (*e & (PTE_ADDR | PTE_A | PTE_D)) | paging_leaf_bits(flags, va);
	if (n != *e) {
		*e = n;
		w->changed++;
	}
	return 0;
}

size_t arch_as_protect(paddr_t root, uintptr_t start, uintptr_t end, unsigned int flags,
		       bool (*may_write)(paddr_t pa))
{
	struct protect_walk w = { flags, may_write, 0 };

	(void)walk_user(root, start, end, protect_leaf, &w);
	return w.changed;
}

struct unmap_walk {
	void (*drop)(paddr_t pa, void *arg);
	void *arg;
	size_t n;
};

static int unmap_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	struct unmap_walk *w = arg;
	paddr_t pa = *e & PTE_ADDR;

	*e = 0;
	w->n++;
	w->drop(pa, w->arg);
	return 0;
}

static bool is_empty(const uint64_t *t)
{
	for (unsigned int i = 0; i < 512; i++)
		if (t[i])
			return false;
	return true;
}

/* Unlink the tables below @t (of @level >= 2) in [start, end) that have
 * no entry left, handing each to @drop like a frame. */
static void prune_range(uint64_t *t, int level, uintptr_t base, uintptr_t start, uintptr_t end,
			void (*drop)(paddr_t pa, void *arg), void *arg)
{
	uint64_t size = LEVEL_SIZE(level);

	for (unsigned int i = paging_index(start, level); i < 512; i++) {
		uintptr_t lo = base + i * size;
		uint64_t *child;

		if (lo >= end)
			break;
		if (!(t[i] & PTE_P) || (t[i] & PTE_PS))
			continue;
		child = paging_table_at(t[i]);
		if (level > 2)
			prune_range(child, level - 1, lo, MAX(start, lo), MIN(end, lo + size), drop,
				    arg);
		if (is_empty(child)) {
			paddr_t pa = t[i] & PTE_ADDR;

			t[i] = 0;
			drop(pa, arg);
		}
	}
}

size_t arch_as_unmap_range(paddr_t root, uintptr_t start, uintptr_t end,
			   void (*drop)(paddr_t pa, void *arg), void *arg)
{
	struct unmap_walk w = { drop, arg, 0 };

	if (walk_user(root, start, end, unmap_leaf, &w))
		return w.n;
	prune_range(phys_to_virt(root), 4, 0, start, end, drop, arg);
	return w.n;
}

int arch_as_replace(paddr_t root, uintptr_t va, paddr_t pa, unsigned int flags)
{
	int level;
	uint64_t *e;

	if (va >= USER_END)
		return -EINVAL;
	e = paging_walk(root, va, false, &level);
	if (!e || level != 1 || !(*e & (PTE_P | PTE_NONE)))
		return -ENOENT;
	*e = (pa & PTE_ADDR) | paging_leaf_bits(flags | ARCH_MAP_USER, va);
	return 0;
}

/* Move the entry of @from (if any) to @to; 0 or -ENOMEM (a table). */
static int move_one(paddr_t root, uintptr_t from, uintptr_t to)
{
	int level;
	uint64_t *e = paging_walk(root, from, false, &level), *d;

	if (!e || level != 1 || !(*e & (PTE_P | PTE_NONE)))
		return 0;
	d = paging_walk(root, to, true, &level);
	if (!d)
		return -ENOMEM;
	if (level != 1 || (*d & (PTE_P | PTE_NONE)))
		return -EEXIST;
	*d = *e;
	*e = 0;
	return 0;
}

int arch_as_move(paddr_t root, uintptr_t from, uintptr_t to, size_t pages)
{
	if (from >= USER_END || to >= USER_END || pages > (USER_END - MAX(from, to)) >> PAGE_SHIFT)
		return -EINVAL;
	for (size_t i = 0; i < pages; i++) {
		int err = move_one(root, from + i * PAGE_SIZE, to + i * PAGE_SIZE);

		if (!err)
			continue;
		/* Put back what moved: the old tables are still there. */
		while (i--)
			(void)move_one(root, to + i * PAGE_SIZE, from + i * PAGE_SIZE);
		return err;
	}
	return 0;
}

void arch_as_flush_local(paddr_t root, uintptr_t va, size_t pages)
{
	if (read_cr3() != root)
		return;
	if (pages > FLUSH_ALL_ABOVE) {
		write_cr3(root); /* user entries are never global */
		return;
	}
	for (size_t i = 0; i < pages; i++)
		invlpg(va + i * PAGE_SIZE);
}

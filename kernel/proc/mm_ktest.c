/*
 * In-kernel tests of process address spaces on real page tables: a
 * forked and destroyed address space gives back every frame and
 * page-table page, copy-on-write keeps parent and child apart and the
 * reference counts return to 1, munmap frees what it unmaps, and
 * munmap, mprotect and fork flush the TLB of another CPU that has the
 * address space loaded.
 * The tests call mm_handle_fault() directly (a kernel task has no
 * process for the fault path to find) and look at frames through the
 * direct map.
 */
#include "arch/arch.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/usercopy.h"
#include "proc/mm.h"
#include "sched/percpu.h"
#include "sched/task.h"
#include "time/ktime.h"

#define BASE 0x20000000ul
#define RW (VMA_READ | VMA_WRITE)

static uint64_t free_pages(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_pages;
}

static paddr_t frame_at(struct mm *mm, uintptr_t va)
{
	paddr_t pa = 0;

	return arch_as_translate(mm->root, va, &pa, NULL) ? pa : 0;
}

static bool is_writable(struct mm *mm, uintptr_t va)
{
	unsigned int f = 0;

	return arch_as_translate(mm->root, va, NULL, &f) && (f & ARCH_MAP_WRITE);
}

/* An address space with @n touched pages at BASE (page i holds i) and an
 * untouched one after them, spread over two page tables. */
static struct mm *make_mm(unsigned int n)
{
	struct mm *mm = mm_create();

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_add_vma(mm, BASE, BASE + (n + 1) * PAGE_SIZE, RW), 0);
	KASSERT_EQ(mm_add_vma(mm, BASE + (4ul << 20), BASE + (4ul << 20) + PAGE_SIZE, VMA_READ), 0);
	for (unsigned int i = 0; i < n; i++) {
		KASSERT_EQ(mm_handle_fault(mm, BASE + i * PAGE_SIZE, true, false), MM_FAULT_OK);
		*(uint32_t *)phys_to_virt(frame_at(mm, BASE + i * PAGE_SIZE)) = i;
	}
	KASSERT_EQ(mm_handle_fault(mm, BASE + (4ul << 20), false, false), MM_FAULT_OK);
	return mm;
}

static void fork_and_destroy(unsigned int n)
{
	struct mm *parent = make_mm(n), *child = mm_dup(parent);

	KASSERT(child != NULL);
	KASSERT_EQ(child->pages, parent->pages);
	KASSERT_EQ(mm_handle_fault(child, BASE + PAGE_SIZE, true, false), MM_FAULT_OK);
	mm_destroy(child);
	mm_destroy(parent);
}

KTEST(mm_fork_and_destroy_returns_every_page)
{
	uint64_t before;

	fork_and_destroy(8); /* warm up the heap's slabs */
	before = free_pages();
	fork_and_destroy(40);
	KASSERT_EQ(free_pages(), before);
	mm_destroy(make_mm(3));
	KASSERT_EQ(free_pages(), before);
}

KTEST(mm_cow_write_in_child_leaves_parent_alone)
{
	struct mm *parent = make_mm(4), *child = mm_dup(parent);
	uintptr_t va = BASE + 2 * PAGE_SIZE;
	paddr_t shared = frame_at(parent, va), mine;

	KASSERT(child != NULL);
	KASSERT_EQ(frame_at(child, va), shared);
	KASSERT_EQ(pmm_page_refs(shared), 2);
	KASSERT(!is_writable(parent, va) && !is_writable(child, va));
	/* A read fault on a shared page changes nothing. */
	KASSERT_EQ(mm_handle_fault(child, va, false, false), MM_FAULT_OK);
	KASSERT_EQ(frame_at(child, va), shared);
	/* The child's write gets its own copy. */
	KASSERT_EQ(mm_handle_fault(child, va, true, false), MM_FAULT_OK);
	mine = frame_at(child, va);
	KASSERT(mine != shared && is_writable(child, va));
	KASSERT_EQ(*(uint32_t *)phys_to_virt(mine), 2);
	*(uint32_t *)phys_to_virt(mine) = 77;
	KASSERT_EQ(*(uint32_t *)phys_to_virt(shared), 2);
	KASSERT_EQ(pmm_page_refs(shared), 1);
	KASSERT_EQ(pmm_page_refs(mine), 1);
	/* The parent, now alone with its frame, just gets write back. */
	KASSERT(!is_writable(parent, va));
	KASSERT_EQ(mm_handle_fault(parent, va, true, false), MM_FAULT_OK);
	KASSERT_EQ(frame_at(parent, va), shared);
	KASSERT(is_writable(parent, va));
	/* A read-only region stays shared and refuses writes. */
	KASSERT_EQ(frame_at(child, BASE + (4ul << 20)), frame_at(parent, BASE + (4ul << 20)));
	KASSERT_EQ(mm_handle_fault(child, BASE + (4ul << 20), true, false), MM_FAULT_SEGV);
	/* Unmapping in the child drops its references only. */
	KASSERT_EQ(pmm_page_refs(frame_at(parent, BASE)), 2);
	KASSERT_EQ(mm_unmap(child, BASE, PAGE_SIZE), 0);
	KASSERT_EQ(pmm_page_refs(frame_at(parent, BASE)), 1);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(parent, BASE)), 0);
	mm_destroy(parent);
	/* The child outlives the parent with its pages intact. */
	KASSERT_EQ(pmm_page_refs(frame_at(child, BASE + 3 * PAGE_SIZE)), 1);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(child, BASE + 3 * PAGE_SIZE)), 3);
	mm_destroy(child);
}

/* Map, touch and unmap a page where no page table exists yet (a fresh
 * top-level slot: three table pages and a frame). */
static void touch_far_page(struct mm *mm, uintptr_t far)
{
	KASSERT_EQ(mm_map(mm, far, PAGE_SIZE, RW, MM_MAP_FIXED, NULL, 0), (long)far);
	KASSERT_EQ(mm_handle_fault(mm, far, true, false), MM_FAULT_OK);
	KASSERT_EQ(mm_unmap(mm, far, PAGE_SIZE), 0);
}

KTEST(mm_munmap_frees_page_tables_left_empty)
{
	struct mm *mm = make_mm(1);
	uint64_t before;

	touch_far_page(mm, 0x400000000000ul); /* warms the heap's slabs */
	before = free_pages();
	touch_far_page(mm, 0x500000000000ul); /* elsewhere: new tables again */
	KASSERT_EQ(free_pages(), before);
	/* The tables of pages still mapped stay. */
	KASSERT_EQ(mm_handle_fault(mm, BASE + PAGE_SIZE, true, false), MM_FAULT_OK);
	KASSERT_EQ(mm_unmap(mm, BASE + PAGE_SIZE, PAGE_SIZE), 0);
	KASSERT(frame_at(mm, BASE) != 0);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, BASE)), 0);
	mm_destroy(mm);
}

/* The CPU itself sees the read-only mapping: a kernel write through the
 * child's tables to a shared page faults (and, with no process to
 * resolve it, is caught: -EFAULT), a read works. */
KTEST(mm_cow_pages_are_read_only_in_hardware)
{
	struct arch_context *ctx = &task_current()->ctx;
	struct mm *parent = make_mm(2), *child = mm_dup(parent);
	uint32_t x = 0;

	KASSERT(child != NULL);
	arch_context_set_user(ctx, child->root, NULL);
	KASSERT_EQ(copy_from_user(&x, uptr(BASE + PAGE_SIZE), sizeof(x)), 0);
	KASSERT_EQ(x, 1);
	KASSERT_EQ(copy_to_user(uptr(BASE + PAGE_SIZE), &x, sizeof(x)), -EFAULT);
	KASSERT_EQ(mm_handle_fault(child, BASE + PAGE_SIZE, true, false), MM_FAULT_OK);
	x = 9;
	KASSERT_EQ(copy_to_user(uptr(BASE + PAGE_SIZE), &x, sizeof(x)), 0);
	arch_context_set_user(ctx, 0, NULL);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(parent, BASE + PAGE_SIZE)), 1);
	mm_destroy(child);
	mm_destroy(parent);
}

KTEST(mm_fault_refuses_what_the_region_forbids)
{
	struct mm *mm = make_mm(1);

	KASSERT_EQ(mm_handle_fault(mm, BASE - PAGE_SIZE, false, false), MM_FAULT_SEGV);
	KASSERT_EQ(mm_handle_fault(mm, BASE, false, true), MM_FAULT_SEGV);
	KASSERT_EQ(mm_handle_fault(mm, BASE + (4ul << 20), true, false), MM_FAULT_SEGV);
	mm_destroy(mm);
}

/* ---- TLB shootdown to a CPU that has the address space loaded ---------- */

#define PROBE_WAIT_NS (10 * NSEC_PER_SEC)

/* A task on another CPU that loads @mm, touches @va (warming its TLB),
 * waits with the tables still loaded and touches it again. */
struct probe {
	struct mm *mm;
	uintptr_t va;
	bool write;
	int state; /* 0 starting, 1 warmed, 2 go */
	int first, second;
	uint64_t deadline;
};

static int touch(struct probe *p)
{
	uint32_t x = 42;

	return p->write ? copy_to_user(uptr(p->va), &x, sizeof(x))
			: copy_from_user(&x, uptr(p->va), sizeof(x));
}

static int probe_main(void *arg)
{
	struct probe *p = arg;
	struct arch_context *ctx = &task_current()->ctx;

	arch_context_set_user(ctx, p->mm->root, NULL);
	p->first = touch(p);
	atomic_store_release(&p->state, 1);
	/* Spin, not sleep: switching away would reload CR3 and flush. */
	while (atomic_load_acquire(&p->state) != 2 && ktime_ns() < p->deadline)
		arch_cpu_relax();
	p->second = touch(p);
	arch_context_set_user(ctx, 0, NULL);
	return 0;
}

enum { EDIT_UNMAP, EDIT_PROTECT, EDIT_FORK };

/* Warm another CPU's TLB for a writable page, make the @edit, and check
 * the other CPU's next access faults (a stale entry would let it pass). */
static void check_remote_flush(int edit)
{
	unsigned int n = percpu_online_count(), cpu = (this_cpu_id() + 1) % n;
	struct probe p = { .va = BASE, .write = edit != EDIT_UNMAP };
	struct mm *child = NULL;
	uint64_t sent;
	struct task *t;

	if (n < 2)
		return; /* nothing to shoot down on one CPU */
	p.mm = make_mm(1);
	p.deadline = ktime_ns() + PROBE_WAIT_NS;
	t = task_create_on(cpu, probe_main, &p, "tlbprobe");
	KASSERT(t != NULL);
	while (atomic_load_acquire(&p.state) != 1 && ktime_ns() < p.deadline)
		task_sleep_ns(NSEC_PER_MSEC);
	KASSERT_EQ(atomic_load_acquire(&p.state), 1);
	sent = arch_tlb_shootdown_count();
	if (edit == EDIT_UNMAP)
		KASSERT_EQ(mm_unmap(p.mm, BASE, PAGE_SIZE), 0);
	else if (edit == EDIT_PROTECT)
		KASSERT_EQ(mm_protect(p.mm, BASE, PAGE_SIZE, VMA_READ), 0);
	else
		KASSERT((child = mm_dup(p.mm)) != NULL);
	KASSERT(arch_tlb_shootdown_count() > sent);
	atomic_store_release(&p.state, 2);
	KASSERT_EQ(task_join(t, NULL), 0);
	KASSERT_EQ(p.first, 0);
	KASSERT_EQ(p.second, -EFAULT);
	if (child)
		mm_destroy(child);
	mm_destroy(p.mm);
}

KTEST(mm_tlb_munmap_flushes_a_cpu_that_has_the_mm_loaded)
{
	check_remote_flush(EDIT_UNMAP);
}

KTEST(mm_tlb_mprotect_flushes_a_cpu_that_has_the_mm_loaded)
{
	check_remote_flush(EDIT_PROTECT);
}

KTEST(mm_tlb_fork_write_protects_on_every_cpu)
{
	check_remote_flush(EDIT_FORK);
}

/* ---- Several CPUs on one address space ---------------------------------- */

#define STRESS_PAGES 32
#define STRESS_ROUNDS 100

struct stress {
	struct mm *mm;
	int stop;    /* Atomic */
	uint64_t ok; /* Atomic: accesses that worked */
};

/* Like a thread of the process: fault pages in and write them through
 * the page tables while the main CPU edits the address space. */
static int stress_main(void *arg)
{
	struct stress *s = arg;
	struct arch_context *ctx = &task_current()->ctx;
	uint32_t seed = this_cpu_id() * 7919u + 1;

	arch_context_set_user(ctx, s->mm->root, NULL);
	while (!atomic_load_acquire(&s->stop)) {
		uintptr_t va = BASE + (seed % STRESS_PAGES) * PAGE_SIZE;
		uint32_t x = seed;

		seed = seed * 1103515245u + 12345u;
		if (mm_handle_fault(s->mm, va, true, false) == MM_FAULT_OK &&
		    copy_to_user(uptr(va), &x, sizeof(x)) == 0)
			atomic_fetch_add(&s->ok, 1);
	}
	arch_context_set_user(ctx, 0, NULL);
	return 0;
}

static void stress_round(struct mm *mm)
{
	struct mm *child;

	KASSERT_EQ(mm_advise(mm, BASE, STRESS_PAGES * PAGE_SIZE, 4 /* DONTNEED */), 0);
	KASSERT_EQ(mm_protect(mm, BASE, STRESS_PAGES * PAGE_SIZE, VMA_READ), 0);
	KASSERT_EQ(mm_protect(mm, BASE, STRESS_PAGES * PAGE_SIZE, RW), 0);
	child = mm_dup(mm);
	KASSERT(child != NULL);
	mm_destroy(child);
	KASSERT_EQ(mm_unmap(mm, BASE + PAGE_SIZE, PAGE_SIZE), 0);
	KASSERT_EQ(mm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW, MM_MAP_FIXED, NULL, 0),
		   (long)(BASE + PAGE_SIZE));
}

/* Workers on up to three other CPUs while this one edits the mm. */
static void stress_run(void)
{
	unsigned int n = MIN(percpu_online_count(), 4u);
	struct task *t[4] = { 0 };
	struct stress s = { 0 };

	s.mm = make_mm(STRESS_PAGES);
	for (unsigned int i = 1; i < n; i++) {
		t[i] = task_create_on((this_cpu_id() + i) % percpu_online_count(), stress_main, &s,
				      "mmstress");
		KASSERT(t[i] != NULL);
	}
	for (int r = 0; r < STRESS_ROUNDS; r++)
		stress_round(s.mm);
	/* On a loaded host the other CPUs may not have run yet: keep editing
	 * until one of their faults succeeded (a generous deadline). */
	for (uint64_t end = ktime_ns() + 20 * NSEC_PER_SEC;
	     n >= 2 && !atomic_load_acquire(&s.ok) && ktime_ns() < end;)
		stress_round(s.mm);
	atomic_store_release(&s.stop, 1);
	for (unsigned int i = 1; i < n; i++)
		KASSERT_EQ(task_join(t[i], NULL), 0);
	KASSERT(n < 2 || atomic_load_acquire(&s.ok) > 0);
	mm_destroy(s.mm);
}

/* No deadlock between faults, shootdowns and edits on several CPUs, and
 * every frame and table comes back. */
KTEST(mm_cpus_sharing_an_mm_under_edits_leak_nothing)
{
	uint64_t before;

	stress_run(); /* warms the heap's slabs and the task stack cache */
	before = free_pages();
	stress_run();
	KASSERT_EQ(free_pages(), before);
}

/*
 * Address-space benchmarks (`bench mm_as`), on real page tables from a
 * kernel task (mm_handle_fault called directly: the trap entry and exit a
 * user fault adds are not counted): a first-touch anonymous fault, an
 * mmap + touch every page + munmap of 64 MiB, and fork's copy of a 64 MiB
 * touched region with its destruction. Under QEMU the first touch of
 * guest RAM the host never backed costs the host ~15 us a page; a second
 * run measures the kernel (2.3 us a fault under TCG, 1.6 us of which is
 * allocating and zeroing the frame).
 */
#include "bench/bench.h"
#include "proc/mm.h"
#include "time/ktime.h"

#define BIG (64ul << 20)
#define RW (VMA_READ | VMA_WRITE)

/* Map BIG bytes and touch every page; the address or 0. */
static uintptr_t map_and_touch(struct mm *mm)
{
	long at = mm_map_anon(mm, 0, BIG, RW);

	if (at < 0)
		return 0;
	for (uintptr_t va = (uintptr_t)at; va < (uintptr_t)at + BIG; va += PAGE_SIZE)
		if (mm_handle_fault(mm, va, true, false) != MM_FAULT_OK)
			return 0;
	return (uintptr_t)at;
}

BENCH(mm_as)
{
	struct mm *mm = mm_create(), *child;
	uint64_t t0, t1, t2;
	uintptr_t at;

	if (!mm)
		return;
	t0 = ktime_ns();
	at = map_and_touch(mm);
	t1 = ktime_ns();
	if (!at || mm_unmap(mm, at, BIG))
		goto out;
	t2 = ktime_ns();
	bench_metric("mm_anon_first_touch_fault", (t1 - t0) / (BIG / PAGE_SIZE), "ns");
	bench_metric("mm_64m_map_touch_unmap", (t2 - t0) / 1000, "us");
	at = map_and_touch(mm);
	if (!at)
		goto out;
	t0 = ktime_ns();
	child = mm_dup(mm);
	t1 = ktime_ns();
	if (!child)
		goto out;
	mm_destroy(child);
	bench_metric("mm_fork_copy_64m", (t1 - t0) / 1000, "us");
	bench_metric("mm_fork_destroy_64m", (ktime_ns() - t1) / 1000, "us");
out:
	mm_destroy(mm);
}

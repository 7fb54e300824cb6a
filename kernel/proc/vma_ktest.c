/*
 * In-kernel tests of the mapping calls of proc/vma.c on real page tables:
 * mprotect splits regions and changes mapped pages (copy-on-write pages
 * stay read-only), PROT_NONE keeps the data, madvise(MADV_DONTNEED)
 * gives zeros again, MAP_FIXED replaces and MAP_FIXED_NOREPLACE refuses,
 * and private file mappings read the file on first touch, keep writes
 * private and give SIGBUS past the end of the file.
 */
#include "arch/arch.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "proc/mm.h"

#define BASE 0x30000000ul
#define RW (VMA_READ | VMA_WRITE)
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_HWPOISON 100
#define KT_FILE "/tmp/vma_ktest"
#define FILE_BYTES 5000 /* one page and a bit */

static paddr_t frame_at(struct mm *mm, uintptr_t va)
{
	paddr_t pa = 0;

	return arch_as_translate(mm->root, va, &pa, NULL) ? pa : 0;
}

static unsigned int flags_at(struct mm *mm, uintptr_t va)
{
	unsigned int f = 0;

	return arch_as_translate(mm->root, va, NULL, &f) ? f : 0;
}

static size_t count_vmas(struct mm *mm)
{
	struct vma *v;
	size_t n = 0;

	list_for_each_entry (v, &mm->vmas, link)
		n++;
	return n;
}

/* @n pages at BASE, each touched and holding its index. */
static struct mm *make_mm(unsigned int n)
{
	struct mm *mm = mm_create();

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_map(mm, BASE, n * PAGE_SIZE, RW, MM_MAP_FIXED, NULL, 0), (long)BASE);
	for (unsigned int i = 0; i < n; i++) {
		KASSERT_EQ(mm_handle_fault(mm, BASE + i * PAGE_SIZE, true, false), MM_FAULT_OK);
		*(uint32_t *)phys_to_virt(frame_at(mm, BASE + i * PAGE_SIZE)) = i + 1;
	}
	return mm;
}

KTEST(mm_mprotect_splits_and_changes_mapped_pages)
{
	struct mm *mm = make_mm(4);

	KASSERT_EQ(mm_protect(mm, BASE + PAGE_SIZE, 2 * PAGE_SIZE, VMA_READ), 0);
	KASSERT_EQ(count_vmas(mm), 3);
	KASSERT(flags_at(mm, BASE) & ARCH_MAP_WRITE);
	KASSERT(!(flags_at(mm, BASE + PAGE_SIZE) & ARCH_MAP_WRITE));
	KASSERT(!(flags_at(mm, BASE + 2 * PAGE_SIZE) & ARCH_MAP_WRITE));
	KASSERT(flags_at(mm, BASE + 3 * PAGE_SIZE) & ARCH_MAP_WRITE);
	KASSERT_EQ(mm_handle_fault(mm, BASE + PAGE_SIZE, true, false), MM_FAULT_SEGV);
	/* A hole, a misaligned start, a wrap: refused, nothing changed. */
	KASSERT_EQ(mm_protect(mm, BASE + 3 * PAGE_SIZE, 2 * PAGE_SIZE, VMA_READ), -ENOMEM);
	KASSERT(flags_at(mm, BASE + 3 * PAGE_SIZE) & ARCH_MAP_WRITE);
	KASSERT_EQ(mm_protect(mm, BASE + 1, PAGE_SIZE, VMA_READ), -EINVAL);
	KASSERT_EQ(mm_protect(mm, BASE, ~0ul - BASE, VMA_READ), -ENOMEM);
	KASSERT_EQ(mm_protect(mm, BASE, ~0ul, VMA_READ), -ENOMEM); /* rounds up to 0 */
	KASSERT_EQ(mm_protect(mm, BASE, 0, VMA_READ), 0);
	/* PROT_NONE keeps the frame but allows nothing; back to RW. */
	KASSERT_EQ(mm_protect(mm, BASE, 4 * PAGE_SIZE, 0), 0);
	KASSERT(flags_at(mm, BASE) & ARCH_MAP_NONE);
	KASSERT_EQ(mm_handle_fault(mm, BASE, false, false), MM_FAULT_SEGV);
	KASSERT_EQ(mm_protect(mm, BASE, 4 * PAGE_SIZE, RW | VMA_EXEC), 0);
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int f = flags_at(mm, BASE + i * PAGE_SIZE);

		KASSERT((f & ARCH_MAP_WRITE) && (f & ARCH_MAP_EXEC) && !(f & ARCH_MAP_NONE));
		KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, BASE + i * PAGE_SIZE)), i + 1);
	}
	mm_destroy(mm);
}

KTEST(mm_mprotect_keeps_shared_pages_copy_on_write)
{
	struct mm *mm = make_mm(1), *child = mm_dup(mm);
	paddr_t pa = frame_at(mm, BASE);

	KASSERT(child != NULL);
	KASSERT_EQ(mm_protect(mm, BASE, PAGE_SIZE, RW), 0);
	KASSERT(!(flags_at(mm, BASE) & ARCH_MAP_WRITE)); /* still shared */
	mm_destroy(child);
	KASSERT_EQ(pmm_page_refs(pa), 1);
	KASSERT_EQ(mm_protect(mm, BASE, PAGE_SIZE, RW), 0);
	KASSERT(flags_at(mm, BASE) & ARCH_MAP_WRITE); /* alone now: writable */
	mm_destroy(mm);
}

KTEST(mm_madvise_dontneed_gives_zeros_again)
{
	struct mm *mm = make_mm(3);
	size_t pages = mm->pages;

	KASSERT_EQ(mm_advise(mm, BASE + PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED), 0);
	KASSERT_EQ(mm->pages, pages - 1);
	KASSERT_EQ(frame_at(mm, BASE + PAGE_SIZE), 0);
	KASSERT_EQ(mm_handle_fault(mm, BASE + PAGE_SIZE, false, false), MM_FAULT_OK);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, BASE + PAGE_SIZE)), 0);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, BASE + 2 * PAGE_SIZE)), 3);
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, MADV_FREE), 0);
	KASSERT_EQ(frame_at(mm, BASE), 0);
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, 3 /* WILLNEED */), 0);
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, 5), -EINVAL);
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, 9 /* REMOVE */), -EINVAL);
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, 1000), -EINVAL);
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, MADV_HWPOISON), -EPERM);
	KASSERT_EQ(mm_advise(mm, BASE + 12, PAGE_SIZE, MADV_DONTNEED), -EINVAL);
	KASSERT_EQ(mm_advise(mm, BASE, 0, MADV_DONTNEED), 0);
	/* A hole: the mapped part is still done, then -ENOMEM. */
	KASSERT_EQ(mm_advise(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED), -ENOMEM);
	KASSERT_EQ(frame_at(mm, BASE + 2 * PAGE_SIZE), 0);
	mm_destroy(mm);
}

KTEST(mm_map_fixed_replaces_and_noreplace_refuses)
{
	struct mm *mm = make_mm(3);
	uint64_t before = mm->pages;
	long at;

	KASSERT_EQ(mm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, VMA_READ, MM_MAP_NOREPLACE, NULL, 0),
		   -EEXIST);
	KASSERT_EQ(mm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, VMA_READ, MM_MAP_FIXED, NULL, 0),
		   (long)(BASE + PAGE_SIZE));
	KASSERT_EQ(mm->pages, before - 1);
	KASSERT_EQ(count_vmas(mm), 3);
	KASSERT_EQ(mm_handle_fault(mm, BASE + PAGE_SIZE, false, false), MM_FAULT_OK);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, BASE + PAGE_SIZE)), 0);
	KASSERT_EQ(mm_handle_fault(mm, BASE + PAGE_SIZE, true, false), MM_FAULT_SEGV);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, BASE + 2 * PAGE_SIZE)), 3);
	KASSERT_EQ(mm_map(mm, BASE + 8 * PAGE_SIZE, PAGE_SIZE, RW, MM_MAP_NOREPLACE, NULL, 0),
		   (long)(BASE + 8 * PAGE_SIZE));
	KASSERT_EQ(mm_map(mm, USER_END - PAGE_SIZE, 2 * PAGE_SIZE, RW, MM_MAP_FIXED, NULL, 0),
		   -ENOMEM);
	/* A hint that is taken leaves the rest alone; a taken one is moved. */
	at = mm_map(mm, BASE, PAGE_SIZE, RW, 0, NULL, 0);
	KASSERT(at > 0 && (uintptr_t)at != BASE);
	KASSERT_EQ(mm_map(mm, BASE + 20 * PAGE_SIZE + 5, PAGE_SIZE, RW, 0, NULL, 0),
		   (long)(BASE + 21 * PAGE_SIZE));
	mm_destroy(mm);
}

static struct file *make_file(void)
{
	static uint8_t buf[FILE_BYTES];
	struct file *f;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	KASSERT_EQ(vfs_open(NULL, KT_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644, &f), 0);
	KASSERT_EQ(vfs_pwrite(f, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	return f;
}

static uint8_t byte_at(struct mm *mm, uintptr_t va)
{
	return ((uint8_t *)phys_to_virt(frame_at(mm, va & ~(PAGE_SIZE - 1))))[va & (PAGE_SIZE - 1)];
}

KTEST(mm_private_file_mapping_reads_on_touch_and_keeps_writes)
{
	struct file *f = make_file();
	struct mm *mm = mm_create(), *child;
	uint8_t b = 0;

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_map(mm, BASE, 3 * PAGE_SIZE, RW, MM_MAP_FIXED, f, 0), (long)BASE);
	KASSERT_EQ(mm->pages, 0);
	KASSERT_EQ(mm_handle_fault(mm, BASE + 10, false, false), MM_FAULT_OK);
	KASSERT_EQ(byte_at(mm, BASE + 10), (uint8_t)(10 * 7 + 1));
	KASSERT_EQ(mm_handle_fault(mm, BASE + PAGE_SIZE, false, false), MM_FAULT_OK);
	KASSERT_EQ(byte_at(mm, BASE + FILE_BYTES - 1), (uint8_t)((FILE_BYTES - 1) * 7 + 1));
	KASSERT_EQ(byte_at(mm, BASE + FILE_BYTES), 0); /* past the end: zeros */
	/* Wholly past the end of the file: SIGBUS, as on Linux. */
	KASSERT_EQ(mm_handle_fault(mm, BASE + 2 * PAGE_SIZE, false, false), MM_FAULT_BUS);
	/* Writes stay in the process; the file keeps its bytes. */
	KASSERT_EQ(mm_handle_fault(mm, BASE + 10, true, false), MM_FAULT_OK);
	((uint8_t *)phys_to_virt(frame_at(mm, BASE)))[10] = 0xee;
	KASSERT_EQ(vfs_pread(f, &b, 1, 10), 1);
	KASSERT_EQ(b, (uint8_t)(10 * 7 + 1));
	/* DONTNEED brings the file's page back. */
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, MADV_DONTNEED), 0);
	KASSERT_EQ(mm_handle_fault(mm, BASE + 10, false, false), MM_FAULT_OK);
	KASSERT_EQ(byte_at(mm, BASE + 10), (uint8_t)(10 * 7 + 1));
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, MADV_FREE), -EINVAL);
	/* An offset mapping, split by munmap and copied by fork. */
	KASSERT_EQ(mm_map(mm, BASE + 8 * PAGE_SIZE, 2 * PAGE_SIZE, VMA_READ, MM_MAP_FIXED, f,
			  PAGE_SIZE),
		   (long)(BASE + 8 * PAGE_SIZE));
	KASSERT_EQ(mm_unmap(mm, BASE + PAGE_SIZE, PAGE_SIZE), 0);
	child = mm_dup(mm);
	KASSERT(child != NULL);
	KASSERT_EQ(mm_handle_fault(child, BASE + 8 * PAGE_SIZE + 3, false, false), MM_FAULT_OK);
	KASSERT_EQ(byte_at(child, BASE + 8 * PAGE_SIZE + 3), (uint8_t)((PAGE_SIZE + 3) * 7 + 1));
	KASSERT_EQ(mm_handle_fault(child, BASE + 9 * PAGE_SIZE, false, false), MM_FAULT_BUS);
	KASSERT_EQ(mm_handle_fault(child, BASE + 2 * PAGE_SIZE, false, false), MM_FAULT_BUS);
	mm_destroy(child);
	mm_destroy(mm);
	file_put(f);
	KASSERT_EQ(vfs_unlink(NULL, KT_FILE), 0);
}

KTEST(mm_shared_file_mapping_is_read_only)
{
	struct file *f = make_file();
	struct mm *mm = mm_create();

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_map(mm, BASE, PAGE_SIZE, VMA_READ, MM_MAP_FIXED | MM_MAP_SHARED, f, 0),
		   (long)BASE);
	KASSERT_EQ(mm_handle_fault(mm, BASE + 1, false, false), MM_FAULT_OK);
	KASSERT_EQ(byte_at(mm, BASE + 1), 8);
	KASSERT_EQ(mm_protect(mm, BASE, PAGE_SIZE, RW), -EACCES);
	KASSERT_EQ(mm_protect(mm, BASE, PAGE_SIZE, VMA_READ | VMA_EXEC), 0);
	mm_destroy(mm);
	file_put(f);
	KASSERT_EQ(vfs_unlink(NULL, KT_FILE), 0);
}

static uint64_t free_pages(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	return st.free_pages;
}

static void share_by_fork(void)
{
	struct mm *mm = mm_create(), *child;
	paddr_t pa;

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_map(mm, BASE, 2 * PAGE_SIZE, RW, MM_MAP_FIXED | MM_MAP_SHARED, NULL, 0),
		   (long)BASE);
	KASSERT_EQ(mm->pages, 2); /* populated at once */
	pa = frame_at(mm, BASE + PAGE_SIZE);
	KASSERT(pa != 0 && *(uint64_t *)phys_to_virt(pa) == 0);
	child = mm_dup(mm);
	KASSERT(child != NULL);
	KASSERT_EQ(frame_at(child, BASE + PAGE_SIZE), pa);
	KASSERT((flags_at(mm, BASE) & ARCH_MAP_WRITE) && (flags_at(child, BASE) & ARCH_MAP_WRITE));
	KASSERT_EQ(mm_handle_fault(child, BASE + PAGE_SIZE, true, false), MM_FAULT_OK);
	KASSERT_EQ(frame_at(child, BASE + PAGE_SIZE), pa); /* never copied */
	KASSERT_EQ(mm_advise(child, BASE, PAGE_SIZE, MADV_DONTNEED), 0);
	KASSERT(frame_at(child, BASE) != 0); /* the memory itself: kept */
	KASSERT_EQ(mm_advise(child, BASE, PAGE_SIZE, MADV_FREE), -EINVAL);
	KASSERT_EQ(mm_protect(child, BASE, PAGE_SIZE, VMA_READ), 0);
	KASSERT_EQ(mm_protect(child, BASE, PAGE_SIZE, RW), 0);
	KASSERT(flags_at(child, BASE) & ARCH_MAP_WRITE);
	mm_destroy(mm);
	KASSERT_EQ(pmm_page_refs(pa), 1);
	mm_destroy(child);
}

KTEST(mm_shared_anonymous_memory_is_shared_by_fork)
{
	struct mm *mm;
	uint64_t before;

	share_by_fork(); /* warms the heap's slabs */
	before = free_pages();
	share_by_fork();
	KASSERT_EQ(free_pages(), before);
	/* More than half of the free memory at once: refused, nothing kept. */
	mm = mm_create();
	KASSERT(mm != NULL);
	KASSERT_EQ(mm_map(mm, BASE, (before / 2 + 1) * PAGE_SIZE, RW, MM_MAP_SHARED, NULL, 0),
		   -ENOMEM);
	mm_destroy(mm);
	KASSERT_EQ(free_pages(), before);
}

KTEST(mm_mremap_moves_entries_and_keeps_copy_on_write)
{
	struct mm *mm = make_mm(2), *child = mm_dup(mm);
	paddr_t pa = frame_at(mm, BASE + PAGE_SIZE);
	long to;

	KASSERT(child != NULL);
	/* Something right after the region: growing must move it. */
	KASSERT_EQ(mm_map(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, RW, MM_MAP_FIXED, NULL, 0),
		   (long)(BASE + 2 * PAGE_SIZE));
	KASSERT_EQ(mm_remap(mm, BASE, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0), -ENOMEM);
	to = mm_remap(mm, BASE, 2 * PAGE_SIZE, 4 * PAGE_SIZE, MM_REMAP_MAYMOVE, 0);
	KASSERT(to > 0 && (uintptr_t)to != BASE);
	KASSERT_EQ(frame_at(mm, BASE), 0);
	KASSERT_EQ(frame_at(mm, (uintptr_t)to + PAGE_SIZE), pa);
	KASSERT_EQ(pmm_page_refs(pa), 2);
	KASSERT(!(flags_at(mm, (uintptr_t)to + PAGE_SIZE) & ARCH_MAP_WRITE));
	KASSERT_EQ(mm_handle_fault(mm, (uintptr_t)to + PAGE_SIZE, true, false), MM_FAULT_OK);
	KASSERT(frame_at(mm, (uintptr_t)to + PAGE_SIZE) != pa);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, (uintptr_t)to + PAGE_SIZE)), 2);
	KASSERT_EQ(pmm_page_refs(pa), 1);
	/* The grown tail is demand-zero; the old range is gone. */
	KASSERT_EQ(mm_handle_fault(mm, (uintptr_t)to + 3 * PAGE_SIZE, false, false), MM_FAULT_OK);
	KASSERT_EQ(mm_handle_fault(mm, BASE, false, false), MM_FAULT_SEGV);
	/* Shrinking in place, and a range that is not one region. */
	KASSERT_EQ(mm_remap(mm, (uintptr_t)to, 4 * PAGE_SIZE, PAGE_SIZE, 0, 0), to);
	KASSERT_EQ(frame_at(mm, (uintptr_t)to + PAGE_SIZE), 0);
	KASSERT_EQ(mm_remap(mm, (uintptr_t)to, 2 * PAGE_SIZE, PAGE_SIZE, 0, 0), -EFAULT);
	/* MREMAP_FIXED replaces what is at the target. */
	KASSERT_EQ(mm_remap(mm, (uintptr_t)to, PAGE_SIZE, PAGE_SIZE,
			    MM_REMAP_MAYMOVE | MM_REMAP_FIXED, BASE + 2 * PAGE_SIZE),
		   (long)(BASE + 2 * PAGE_SIZE));
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(mm, BASE + 2 * PAGE_SIZE)), 1);
	KASSERT_EQ(count_vmas(mm), 1);
	mm_destroy(child);
	mm_destroy(mm);
}

KTEST(mm_madvise_dontfork_and_wipeonfork_shape_the_child)
{
	struct mm *mm = make_mm(4), *child;

	KASSERT_EQ(mm_advise(mm, BASE + PAGE_SIZE, PAGE_SIZE, 10 /* DONTFORK */), 0);
	KASSERT_EQ(mm_advise(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, 18 /* WIPEONFORK */), 0);
	KASSERT_EQ(count_vmas(mm), 4); /* split at each end */
	child = mm_dup(mm);
	KASSERT(child != NULL);
	KASSERT_EQ(child->pages, 2);
	KASSERT_EQ(mm_handle_fault(child, BASE + PAGE_SIZE, false, false), MM_FAULT_SEGV);
	KASSERT_EQ(mm_handle_fault(child, BASE + 2 * PAGE_SIZE, false, false), MM_FAULT_OK);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(child, BASE + 2 * PAGE_SIZE)), 0);
	KASSERT_EQ(*(uint32_t *)phys_to_virt(frame_at(child, BASE + 3 * PAGE_SIZE)), 4);
	/* The parent's own pages of both stay private and writable. */
	KASSERT(flags_at(mm, BASE + PAGE_SIZE) & ARCH_MAP_WRITE);
	KASSERT(flags_at(mm, BASE + 2 * PAGE_SIZE) & ARCH_MAP_WRITE);
	KASSERT(!(flags_at(mm, BASE) & ARCH_MAP_WRITE)); /* shared: COW */
	mm_destroy(child);
	/* Undone, the next child gets everything again. */
	KASSERT_EQ(mm_advise(mm, BASE, 4 * PAGE_SIZE, 11 /* DOFORK */), 0);
	KASSERT_EQ(mm_advise(mm, BASE, 4 * PAGE_SIZE, 19 /* KEEPONFORK */), 0);
	child = mm_dup(mm);
	KASSERT(child != NULL);
	KASSERT_EQ(child->pages, 4);
	mm_destroy(child);
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, 18), 0);
	KASSERT_EQ(mm_advise(mm, BASE, 8 * PAGE_SIZE, 10), -ENOMEM); /* a hole after */
	mm_destroy(mm);
}

KTEST(mm_madvise_wipeonfork_refuses_file_and_shared_memory)
{
	struct file *f = make_file();
	struct mm *mm = mm_create();

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_map(mm, BASE, PAGE_SIZE, VMA_READ, MM_MAP_FIXED, f, 0), (long)BASE);
	KASSERT_EQ(
		mm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW, MM_MAP_FIXED | MM_MAP_SHARED, NULL, 0),
		(long)(BASE + PAGE_SIZE));
	KASSERT_EQ(mm_advise(mm, BASE, PAGE_SIZE, 18), -EINVAL);
	KASSERT_EQ(mm_advise(mm, BASE + PAGE_SIZE, PAGE_SIZE, 18), -EINVAL);
	KASSERT_EQ(mm_advise(mm, BASE, 2 * PAGE_SIZE, 10), 0); /* DONTFORK is fine */
	mm_destroy(mm);
	file_put(f);
	KASSERT_EQ(vfs_unlink(NULL, KT_FILE), 0);
}

#define KT_SHARED "/tmp/vma_ktest_shared"
#define SHARED_PAGES 3

/* A tmpfs file of SHARED_PAGES whole pages, page i filled with 'a' + i. */
static struct file *make_page_file(void)
{
	static uint8_t page[PAGE_SIZE];
	struct file *f;

	KASSERT_EQ(vfs_open(NULL, KT_SHARED, O_RDWR | O_CREAT | O_TRUNC, 0644, &f), 0);
	for (unsigned int i = 0; i < SHARED_PAGES; i++) {
		memset(page, 'a' + (int)i, sizeof(page));
		KASSERT_EQ(vfs_pwrite(f, page, sizeof(page), (int64_t)(i * PAGE_SIZE)),
			   (ssize_t)PAGE_SIZE);
	}
	return f;
}

/* The file's own frame for page @pgoff (no reference kept). */
static paddr_t file_frame(struct file *f, uint64_t pgoff)
{
	uint64_t pa = 0;

	KASSERT_EQ(vfs_get_page(f, pgoff, &pa), 0);
	pmm_page_put(pa);
	return pa;
}

KTEST(mm_file_page_is_one_frame_in_two_processes_until_a_write)
{
	struct file *f = make_page_file();
	struct mm *a = mm_create(), *b = mm_create();
	paddr_t pa = file_frame(f, 1);
	uint8_t c = 0, z = 'z';

	KASSERT(a != NULL && b != NULL);
	KASSERT_EQ(mm_map(a, BASE, SHARED_PAGES * PAGE_SIZE, RW, MM_MAP_FIXED, f, 0), (long)BASE);
	KASSERT_EQ(mm_map(b, BASE, SHARED_PAGES * PAGE_SIZE, RW | VMA_EXEC, MM_MAP_FIXED, f, 0),
		   (long)BASE);
	KASSERT_EQ(mm_handle_fault(a, BASE + PAGE_SIZE + 5, false, false), MM_FAULT_OK);
	KASSERT_EQ(mm_handle_fault(b, BASE + PAGE_SIZE, false, true), MM_FAULT_OK);
	/* The file's frame itself, in both, read-only though the region is
	 * writable; the file holds a reference too. */
	KASSERT_EQ(frame_at(a, BASE + PAGE_SIZE), pa);
	KASSERT_EQ(frame_at(b, BASE + PAGE_SIZE), pa);
	KASSERT_EQ(pmm_page_refs(pa), 3);
	KASSERT(!(flags_at(a, BASE + PAGE_SIZE) & ARCH_MAP_WRITE));
	KASSERT_EQ(byte_at(b, BASE + PAGE_SIZE + 7), 'b');
	/* Fault-around: one fault mapped the neighbours too. */
	KASSERT_EQ(a->pages, SHARED_PAGES);
	KASSERT_EQ(frame_at(a, BASE), file_frame(f, 0));
	KASSERT_EQ(frame_at(a, BASE + 2 * PAGE_SIZE), file_frame(f, 2));
	/* Before a copy, a write to the file shows (as on Linux). */
	KASSERT_EQ(vfs_pwrite(f, &z, 1, PAGE_SIZE + 7), 1);
	KASSERT_EQ(byte_at(a, BASE + PAGE_SIZE + 7), 'z');
	/* A write in one copies: the other and the file keep the bytes. */
	KASSERT_EQ(mm_handle_fault(a, BASE + PAGE_SIZE + 9, true, false), MM_FAULT_OK);
	KASSERT(frame_at(a, BASE + PAGE_SIZE) != pa);
	KASSERT(flags_at(a, BASE + PAGE_SIZE) & ARCH_MAP_WRITE);
	KASSERT_EQ(byte_at(a, BASE + PAGE_SIZE + 7), 'z');
	((uint8_t *)phys_to_virt(frame_at(a, BASE + PAGE_SIZE)))[9] = 'Q';
	KASSERT_EQ(byte_at(b, BASE + PAGE_SIZE + 9), 'b');
	KASSERT_EQ(vfs_pread(f, &c, 1, PAGE_SIZE + 9), 1);
	KASSERT_EQ(c, 'b');
	KASSERT_EQ(pmm_page_refs(pa), 2);
	/* ...and a later write to the file does not reach the copy. */
	KASSERT_EQ(vfs_pwrite(f, &z, 1, PAGE_SIZE + 11), 1);
	KASSERT_EQ(byte_at(a, BASE + PAGE_SIZE + 11), 'b');
	KASSERT_EQ(byte_at(b, BASE + PAGE_SIZE + 11), 'z');
	/* A write fault on an untouched page copies at once. */
	KASSERT_EQ(mm_handle_fault(b, BASE, true, false), MM_FAULT_OK);
	KASSERT(frame_at(b, BASE) != file_frame(f, 0));
	KASSERT_EQ(byte_at(b, BASE), 'a');
	/* fork shares the file's frame a third time. */
	{
		struct mm *c2 = mm_dup(b);

		KASSERT(c2 != NULL);
		KASSERT_EQ(frame_at(c2, BASE + PAGE_SIZE), pa);
		KASSERT_EQ(pmm_page_refs(pa), 3);
		mm_destroy(c2);
	}
	mm_destroy(a);
	mm_destroy(b);
	KASSERT_EQ(pmm_page_refs(pa), 1);
	file_put(f);
	KASSERT_EQ(vfs_unlink(NULL, KT_SHARED), 0);
}

/* Map the file's pages, truncate or delete the file, read them still;
 * unmapping then frees the frames. */
static void outlive(bool unlink_it)
{
	struct file *f = make_page_file();
	struct mm *mm = mm_create();
	paddr_t pa[SHARED_PAGES];

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_map(mm, BASE, SHARED_PAGES * PAGE_SIZE, VMA_READ, MM_MAP_FIXED, f, 0),
		   (long)BASE);
	for (unsigned int i = 0; i < SHARED_PAGES; i++) {
		pa[i] = file_frame(f, i);
		KASSERT_EQ(mm_handle_fault(mm, BASE + i * PAGE_SIZE, false, false), MM_FAULT_OK);
		KASSERT_EQ(frame_at(mm, BASE + i * PAGE_SIZE), pa[i]);
	}
	if (unlink_it) {
		file_put(f);
		KASSERT_EQ(vfs_unlink(NULL, KT_SHARED), 0);
	} else {
		KASSERT_EQ(vfs_ftruncate(f, 0), 0);
	}
	for (unsigned int i = 0; i < SHARED_PAGES; i++) {
		/* Truncated: the mapping's alone; unlinked: the region's file
		 * reference keeps the inode and its pages until munmap. */
		KASSERT_EQ(pmm_page_refs(pa[i]), unlink_it ? 2u : 1u);
		KASSERT_EQ(byte_at(mm, BASE + i * PAGE_SIZE + 100), 'a' + i);
	}
	KASSERT_EQ(mm_unmap(mm, BASE, SHARED_PAGES * PAGE_SIZE), 0); /* frees them */
	mm_destroy(mm);
	if (!unlink_it) {
		file_put(f);
		KASSERT_EQ(vfs_unlink(NULL, KT_SHARED), 0);
	}
}

KTEST(mm_file_pages_stay_while_mapped_after_truncate_or_unlink)
{
	uint64_t before;

	outlive(false); /* warm up the heap's slabs */
	outlive(true);
	before = free_pages();
	outlive(false);
	KASSERT_EQ(free_pages(), before);
	outlive(true);
	KASSERT_EQ(free_pages(), before);
}

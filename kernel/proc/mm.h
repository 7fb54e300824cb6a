/*
 * A process's address space: the page table (arch_as_*) and the sorted
 * list of its memory regions (VMAs). Regions are anonymous memory that is
 * zero-filled on first touch, or file mappings faulted in on first touch:
 * the file's own frame, read-only (vfs_get_page: tmpfs), else a copy read
 * with vfs_pread; the ELF loader maps its segments so too. The heap (brk) and the
 * stack are regions too, the stack a fixed size with an unmapped guard
 * gap below it that mmap never hands out. fork copies an address space
 * copy-on-write (mm_dup): frames are shared, counted by pmm's per-frame
 * reference counts, and mapped read-only until a write fault copies them.
 * Locking: mm->lock (a spinlock held with interrupts off, LOCK_RANK_MM -
 * 1: it takes pmm's lock inside; its waiters serve TLB shootdowns, so its
 * holder flushes other CPUs' TLBs before it lets go) guards the VMA list,
 * brk, pages and the page table's user half. It is taken holding no other
 * spinlock and never held across a user copy or anything that sleeps.
 * Invariant: a private page is mapped writable only when its frame's
 * count is 1 (a file's frame has the file's reference too: never).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/atomic.h"
#include "include/compiler.h"
#include "include/list.h"
#include "sync/spinlock.h"

/* The top of every process's stack (Linux's with randomisation off), its
 * size and the gap below it where nothing is mapped. */
#define MM_STACK_TOP 0x00007ffffffff000ul
#define MM_STACK_SIZE (8ul << 20)
#define MM_STACK_GAP (1ul << 20)
/* Nothing is mapped below this (Linux's default vm.mmap_min_addr). */
#define MM_MIN_ADDR 0x10000ul
/* Where static-PIE executables are loaded (Linux's ELF_ET_DYN_BASE). */
#define MM_PIE_BASE 0x0000555555554000ul

/* VMA protections (the PROT_* values of mmap). */
enum {
	VMA_READ = 1,
	VMA_WRITE = 2,
	VMA_EXEC = 4,
};

struct file;

struct vma {
	struct list_head link; /* in mm->vmas, by address */
	uintptr_t start, end;  /* page aligned, start < end */
	unsigned int prot;     /* VMA_* */
	struct file *file;     /* a referenced file, or NULL: anonymous */
	int64_t off;	       /* file offset of start (page aligned) */
	bool shared;	       /* MAP_SHARED: of a file read-only; anonymous: shared by fork */
	unsigned int fork;     /* VMA_DONTFORK, VMA_WIPEONFORK (madvise) */
};

/* What fork does with a region (struct vma's fork). */
enum {
	VMA_DONTFORK = 1,   /* the child does not get it */
	VMA_WIPEONFORK = 2, /* the child gets it empty (zero-filled) */
};

/* mm_map() flags. */
enum {
	MM_MAP_FIXED = 1,     /* at @addr exactly, replacing what is there */
	MM_MAP_NOREPLACE = 2, /* at @addr exactly, or -EEXIST */
	MM_MAP_SHARED = 4,    /* MAP_SHARED (of a file: read-only) */
};

/* What a user page fault came to (mm_handle_fault). */
enum mm_fault_result {
	MM_FAULT_OK = 0, /* a page is mapped: retry the access */
	MM_FAULT_SEGV,	 /* no region, or one that forbids the access: SIGSEGV */
	MM_FAULT_BUS,	 /* a file mapping's page past the end of its file: SIGBUS */
	MM_FAULT_NOMEM,	 /* out of memory (Linux: the OOM killer) */
};

struct mm {
	struct spinlock lock;
	/* Atomic: the owner's reference and readers' (mm_get). */
	atomic_t refs;
	/* Immutable after mm_create(): */
	paddr_t root;
	/* Immutable once exec has built it (0 before): where the initial
	 * stack holds argv's and envp's strings, as Linux's arg_start..
	 * env_end (/proc/PID/environ, stat's fields 48-51). */
	uintptr_t arg_start, arg_end, env_start, env_end;
	/* Protected by lock: */
	struct list_head vmas;
	uintptr_t brk_start, brk; /* the heap is [brk_start, page_up(brk)) */
	size_t pages;		  /* frames mapped */
	/* Was the last fault a missing file page? A hint read without the
	 * lock: such faults need no zeroed frame up front (mm_handle_fault). */
	bool file_faults;
};

/* A new, empty address space, or NULL when memory runs out. May sleep. */
struct mm *mm_create(void);

/* Drop every page (a frame is freed with its last reference), free every
 * page-table page and region of @mm, which must not be loaded on any
 * CPU. For an address space nobody else can reach (never published in a
 * process, or mm_put's last reference). May sleep. */
void mm_destroy(struct mm *mm);

/*
 * References for readers of another process's address space (procfs,
 * proc/mm_info.c). A process's mm is published in p->mm under
 * proc_lock; a reader takes mm_get() there (atomic only), drops
 * proc_lock, reads, and mm_put()s. The process drops its own reference
 * with mm_put() at exec (the old one) and exit; the last reference
 * destroys the mm (which is on no CPU by then). mm_put may sleep.
 */
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);

/* Copy up to @n bytes of user memory at @va of @mm into @buf, page by
 * page through the direct map (the reader's own address space is not
 * touched); stops at the first page that is not mapped (nothing is
 * faulted in). Returns the bytes copied. Takes mm->lock. */
size_t mm_read(struct mm *mm, uintptr_t va, void *buf, size_t n);

/* A region as /proc/PID/maps shows it: a copy, @file referenced. */
struct mm_region {
	uintptr_t start, end;
	unsigned int prot; /* VMA_* */
	bool shared;
	int64_t off;
	struct file *file; /* NULL: anonymous */
};

/* Copy up to @max regions of @mm, by address, into @out (their files
 * referenced: mm_regions_put them). Returns how many regions @mm has,
 * which may be more than @max (only @max were copied then). Takes
 * mm->lock. */
size_t mm_regions(struct mm *mm, struct mm_region *out, size_t max);
void mm_regions_put(struct mm_region *r, size_t n);

/* Bytes covered by @mm's regions (Linux's total_vm, stat's vsize).
 * Takes mm->lock. */
uint64_t mm_total_size(struct mm *mm);

/*
 * fork's copy of @src: every region copied (file references taken; not
 * the VMA_DONTFORK ones, and the VMA_WIPEONFORK ones without their
 * pages), every mapped page shared with the copy and (except in
 * MAP_SHARED regions) mapped read-only in both, its frame's count raised; a write fault in either later copies
 * the page (or just makes it writable again when its count is back to
 * 1). brk and the page count are copied too. Returns the new address
 * space, or NULL when memory runs out (nothing leaks then; @src keeps
 * working, some of its pages read-only until their next write fault).
 * Takes src->lock (and flushes the TLBs of every CPU that has @src
 * loaded, since its pages became read-only). May sleep.
 */
struct mm *mm_dup(struct mm *src);

/* Add the region [@start, @end) (page aligned). Returns 0, -EINVAL or
 * -EEXIST (it overlaps one), -ENOMEM. May sleep. */
int mm_add_vma(struct mm *mm, uintptr_t start, uintptr_t end, unsigned int prot) __must_check;

/* The frame at @va, allocated zeroed and mapped with @prot if there is
 * none yet, else re-protected with the union of both (-EBUSY if that one
 * is shared: a file's frame is never written through this). For the ELF
 * loader and the stack set-up, which write through the direct map.
 * Returns 0 and the frame in *@pa, or -ENOMEM. */
int mm_populate(struct mm *mm, uintptr_t va, unsigned int prot, paddr_t *pa) __must_check;

/*
 * Resolve a user page fault at @addr (a @write or @exec access, else a
 * read): map a zero-filled page (anonymous region) or the file's page
 * (file region), copy a shared page on a write (copy-on-write), or find
 * that another CPU already did. Returns MM_FAULT_OK when the access may
 * be retried, else why not. Interrupts may be off (the kernel-mode fixup
 * path of a user copy); a file region's first touch sleeps for the read,
 * so it needs interrupts on (with them off it gives MM_FAULT_SEGV).
 * Takes mm->lock.
 */
enum mm_fault_result mm_handle_fault(struct mm *mm, uintptr_t addr, bool write, bool exec);

/* mm_handle_fault() == MM_FAULT_OK. */
bool mm_fault(struct mm *mm, uintptr_t addr, bool write, bool exec);

/*
 * mmap: a new region of @len bytes (rounded up to pages) with @prot (VMA_*),
 * anonymous when @file is NULL, else a copy-on-write view of @file from
 * @off (page aligned; the region takes its own reference) whose pages are
 * faulted in on first touch (the file's frames mapped read-only where the
 * filesystem shares them, else copies). Without MM_MAP_FIXED/NOREPLACE it goes at the hint
 * @addr (rounded up to a page) if that range is free, else at the highest
 * free range below the stack gap. MM_MAP_FIXED puts it at @addr (page
 * aligned) replacing whatever was mapped there (munmap first);
 * MM_MAP_NOREPLACE does too but fails with -EEXIST if anything is. The
 * MM_MAP_SHARED without a file is shared anonymous memory: every page is
 * allocated at once and fork shares the frames writable (no copy). The
 * syscall checks flags, file access and MM_MIN_ADDR. Returns the address,
 * -ENOMEM (no room, or a fixed range past USER_END) or -EINVAL (@len 0).
 * May sleep; takes mm->lock.
 */
long mm_map(struct mm *mm, uintptr_t addr, size_t len, unsigned int prot, unsigned int flags,
	    struct file *file, int64_t off);

/* mm_remap() flags (MREMAP_MAYMOVE, MREMAP_FIXED). */
enum {
	MM_REMAP_MAYMOVE = 1,
	MM_REMAP_FIXED = 2, /* with MAYMOVE: move to @to, replacing what is there */
};

/*
 * mremap: resize [@old, @old + @old_len) (lengths rounded up to pages;
 * one region must hold it) to @new_len: shrinking drops the tail, growing
 * extends the region in place if the pages after it are free, else with
 * MM_REMAP_MAYMOVE moves it to the highest free range (MM_REMAP_FIXED: to
 * @to, which the syscall checked does not overlap the old range) by
 * moving the page-table entries, frames untouched. Shared anonymous
 * memory may shrink or move but not grow. Returns the (new) address,
 * -EFAULT (not inside one region), -ENOMEM. May sleep; takes mm->lock.
 */
long mm_remap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len, unsigned int flags,
	      uintptr_t to);

/* mm_map(mm, hint, len, prot, 0, NULL, 0): anonymous private memory. */
long mm_map_anon(struct mm *mm, uintptr_t hint, size_t len, unsigned int prot);

/*
 * mprotect: give every page of [@start, @start + @len) protection @prot,
 * splitting regions at the ends; pages already mapped get the new rights
 * at once (a page shared copy-on-write stays read-only until its write
 * fault) and every CPU's TLB is flushed. Returns 0, -EINVAL (@start not
 * page aligned), -ENOMEM (part of the range is not mapped, or it wraps;
 * nothing changed then) or -EACCES (PROT_WRITE on a MAP_SHARED file
 * region). May sleep; takes mm->lock.
 */
int mm_protect(struct mm *mm, uintptr_t start, size_t len, unsigned int prot) __must_check;

/*
 * madvise: MADV_DONTNEED (and MADV_FREE on anonymous memory) drop the
 * pages of the range, so the next touch sees zeros (anonymous) or the
 * file again (a private file mapping); MADV_DONTFORK/DOFORK and
 * MADV_WIPEONFORK/KEEPONFORK set the regions' fork flags (splitting them);
 * every other advice Linux knows is accepted and ignored. Returns 0,
 * -EINVAL (bad advice, @start not aligned, a wrapping range, MADV_REMOVE,
 * MADV_FREE on a file region, MADV_WIPEONFORK on a file or shared one),
 * -EPERM (MADV_HWPOISON, MADV_SOFT_OFFLINE) or -ENOMEM (part of the range
 * is unmapped: the mapped parts were still done, as on Linux). May sleep;
 * takes mm->lock.
 */
int mm_advise(struct mm *mm, uintptr_t start, size_t len, int advice) __must_check;

/* munmap: drop [@start, @start + @len) from every region (splitting them)
 * and free its pages. Returns 0 or -EINVAL/-ENOMEM (a split). */
int mm_unmap(struct mm *mm, uintptr_t start, size_t len) __must_check;

/* brk: move the heap's end to @want if it stays above brk_start and clear
 * of other regions; returns the (new or old) break. */
uintptr_t mm_brk(struct mm *mm, uintptr_t want);

/*
 * The vmalloc area (VMALLOC_BASE, 512 GiB): virtually contiguous kernel
 * allocations backed by scattered frames, MMIO mappings (ioremap) and
 * kernel stacks. Every area has an unmapped guard page below it (and the
 * next area's guard, or nothing, above it), so running off either end
 * faults instead of corrupting a neighbour.
 * All functions may be called with interrupts disabled; none sleeps.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"

#define VMALLOC_AREA_END (VMALLOC_BASE + (512ull << 30))

/* @size bytes (rounded up to pages) of zeroed, writable, non-executable
 * memory. Returns NULL when memory or address space runs out, or for 0. */
void *vmalloc(size_t size) __must_check;

/* Free a vmalloc() allocation; NULL is ignored; any other pointer is a bad
 * free reported through mm_report(). */
void vfree(void *p);

/* Map the device memory [@pa, @pa + @size) uncached (PCD|PWT, PAT UC).
 * Returns the virtual address of @pa, or NULL (no memory, @size 0). */
void *ioremap(paddr_t pa, size_t size) __must_check;

/* Undo ioremap(); @p may be any address inside the mapping. */
void iounmap(void *p);

/* A kernel stack: [bottom, top) mapped, the page below bottom a guard. */
struct kstack {
	uintptr_t bottom, top;
};

/* Allocate a stack of @size bytes (rounded up to pages) for @name (the
 * task's name, printed when it overflows). Returns 0, -ENOMEM, or -EINVAL
 * for a zero size. */
int kstack_alloc(struct kstack *ks, size_t size, const char *name) __must_check;
void kstack_free(struct kstack *ks);

/* Give the stack @ks a new owner's name (a stack reused for another task). */
void kstack_rename(struct kstack *ks, const char *name);

/* If @addr is in a guard page, describe it into @buf ("kernel stack
 * overflow in 'name'" for a stack) and return true. Lock-free. */
bool vmalloc_describe_guard(uintptr_t addr, char *buf, size_t len);

struct vmalloc_stats {
	uint64_t areas;
	uint64_t alloc_pages;	/* vmalloc() memory */
	uint64_t stack_pages;	/* kernel stacks */
	uint64_t ioremap_pages; /* device mappings (no RAM behind them) */
};
void vmalloc_get_stats(struct vmalloc_stats *st);

/*
 * The kernel's virtual memory: switching to the kernel's own page tables
 * (direct map of all physical memory, W^X kernel image, vmalloc area), the
 * locked page-level edit calls the rest of mm uses, and the page-fault
 * handler that explains kernel faults (guard pages, W^X, NULL...).
 * Layout: doc/mm.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"

/* Build the kernel page tables from the boot memory map and switch to them;
 * install the page-fault handler; turn the page below the boot stack into a
 * guard page. Boot CPU, once, after pmm_init(). */
void vmm_init(void);

/* Map, unmap, re-protect one 4 KiB kernel page (ARCH_MAP_* flags). Return
 * 0 or the negative errno of the arch_* call (arch/arch.h). IRQ-safe; the
 * TLB of this CPU is flushed (others: with SMP). */
int vmm_map_page(uintptr_t va, paddr_t pa, unsigned int flags) __must_check;
/* Unmap up to @pages consecutive pages from @va, storing each frame in
 * @pas, stopping at the first page that is not mapped; every CPU's TLB is
 * flushed for them before it returns. Returns how many were unmapped.
 * No spinlock may be held (TLB shootdown); interrupts may be off. */
size_t vmm_unmap_range(uintptr_t va, size_t pages, paddr_t *pas) __must_check;

int vmm_unmap_page(uintptr_t va, paddr_t *pa) __must_check;
int vmm_protect_page(uintptr_t va, unsigned int flags) __must_check;

/* Physical address and flags of @va; false if unmapped. */
bool vmm_translate(uintptr_t va, paddr_t *pa, unsigned int *flags);

/* The page-fault handler vmm_init() installs: prints the explanation of a
 * kernel fault (and of a double fault caused by a stack overflow) before
 * trap.c reports it; returns false (nothing is resolved lazily yet). */
bool vmm_handle_page_fault(const struct arch_page_fault *pf);

/*
 * Explain a kernel fault at @addr with stack pointer @rsp into @buf: which
 * region the address is in and the likely cause ("kernel stack overflow in
 * 'name'", "write to read-only kernel text", "NULL pointer dereference"...).
 * Returns true when the cause is a kernel stack overflow. Lock-free, for
 * use in fault context.
 */
bool vmm_describe_fault(uintptr_t addr, uintptr_t rsp, bool write, char *buf, size_t len);

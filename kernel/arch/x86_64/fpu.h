/*
 * Per-thread FPU/SSE/AVX state (fpu.c): CPU set-up and save areas.
 * Arch-internal; generic code reaches it through arch/arch.h's context
 * calls.
 */
#pragma once

#include <stddef.h>

/* Enable x87/SSE (CR0, CR4.OSFXSR/OSXMMEXCPT) and XSAVE with XCR0 = x87 |
 * SSE | AVX where present on the calling CPU. Interrupts disabled. */
void fpu_init_cpu(void);

/* fpu_init_cpu() plus choosing xsave or fxsave and the area size. Boot
 * CPU, once, before any user thread exists. */
void fpu_init_boot(void);

/* A save area holding the initial state of a new program, or NULL when
 * memory runs out. May sleep. */
void *fpu_alloc(void);

/* Free an area from fpu_alloc() (NULL is ignored). */
void fpu_free(void *area);

/* Save the calling CPU's FPU registers into @area / load them from it.
 * Interrupts disabled (the context switch). */
void fpu_save(void *area);
void fpu_restore(const void *area);

/* Bytes of a save area (the xsave size for XCR0, or 512 for fxsave). */
size_t fpu_area_size(void);

/* Make @area (a copy of user memory, fpu_area_size() bytes, 64-aligned)
 * safe to restore: MXCSR's reserved bits cleared, the XSAVE header's
 * features limited to XCR0 with the compacted and reserved words zero. */
void fpu_sanitize(void *area);

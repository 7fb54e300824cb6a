/*
 * Per-CPU GDT and TSS (Intel SDM Vol. 3 §3.4.5, §7.7). The layout of
 * selectors is in layout.h: kernel code/data, user data/code (in the order
 * SYSRET needs), then the 16-byte TSS descriptor.
 */
#pragma once

#include <stdint.h>

#include "include/compiler.h"

/* Interrupt stack table slots used by idt.c (1-based, as in the IDT). */
enum {
	IST_DOUBLE_FAULT = 1,
	IST_NMI = 2,
	IST_MACHINE_CHECK = 3,
	IST_COUNT = 3,
};

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

_Static_assert(sizeof(struct tss) == 104, "TSS layout (SDM Figure 7-11)");

/* One CPU's descriptor tables. Owner CPU only after gdt_load_cpu(). */
struct gdt_cpu {
	uint64_t gdt[7];
	struct tss tss;
} __aligned(16);

/*
 * Fill @t, point its IST slots at the tops of @ist_tops[0..IST_COUNT-1]
 * (16-byte aligned), and load it on the calling CPU (lgdt, segment reload,
 * ltr). Called with interrupts disabled.
 */
void gdt_load_cpu(struct gdt_cpu *t, const uintptr_t ist_tops[IST_COUNT]);

/* Set the stack the CPU switches to on an interrupt from user mode. */
void gdt_set_kernel_stack(struct gdt_cpu *t, uintptr_t rsp0);

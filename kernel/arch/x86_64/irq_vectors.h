/*
 * The x86_64 interrupt vector map (doc/interrupts.md has the table and the
 * reasons). The priority class of a vector is vector / 16; the local APIC
 * delivers higher classes first, so system vectors sit at the top.
 */
#pragma once

enum {
	/* 0x00-0x1f: CPU exceptions (trap.c). */
	/* 0x20-0x2f: the masked 8259s' remapped lines (pic.h): spurious only. */
	IRQ_VEC_DYNAMIC_FIRST = 0x30, /* device IRQs and MSIs, irq_alloc_vector() */
	IRQ_VEC_DYNAMIC_LAST = 0xef,
	IRQ_VEC_SYSTEM_FIRST = 0xf0,  /* fixed vectors owned by the kernel */
	IRQ_VEC_TIMER = 0xf0,	      /* local APIC timer: the tick */
	IRQ_VEC_RESCHEDULE = 0xf1,    /* reserved: scheduler IPI */
	IRQ_VEC_CALL_FUNCTION = 0xf2, /* reserved: cross-CPU call IPI */
	IRQ_VEC_TLB_SHOOTDOWN = 0xf3, /* reserved: mm IPI */
	IRQ_VEC_APIC_ERROR = 0xfe,    /* local APIC error (LVT error) */
	IRQ_VEC_SPURIOUS = 0xff,      /* local APIC spurious: no EOI */
};

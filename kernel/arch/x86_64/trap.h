/*
 * The saved machine state on interrupt or exception entry, and the C side of
 * entry.S. Exceptions (vectors 0-31) are handled here; vectors 32-255 go to
 * the interrupt dispatcher registered with trap_set_irq_handler().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Pushed by entry.S (r15 lowest) and the CPU (rip and up). */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Exception vectors (Intel SDM Vol. 3 Table 6-1). */
enum {
	VEC_DIVIDE = 0,
	VEC_DEBUG = 1,
	VEC_NMI = 2,
	VEC_BREAKPOINT = 3,
	VEC_INVALID_OPCODE = 6,
	VEC_DOUBLE_FAULT = 8,
	VEC_GP = 13,
	VEC_PAGE_FAULT = 14,
	VEC_MACHINE_CHECK = 18,
	VEC_FIRST_IRQ = 32,
};

/* Page-fault error code bits (SDM Vol. 3 §4.7). */
enum {
	PF_PRESENT = 1u << 0,
	PF_WRITE = 1u << 1,
	PF_USER = 1u << 2,
	PF_RESERVED = 1u << 3,
	PF_INSTR = 1u << 4,
};

/* Called by entry.S with interrupts disabled. */
bool trap_dispatch(struct trap_frame *f);

/* Name of exception vector @v ("Page Fault"), or NULL for v >= 32. */
const char *trap_vector_name(unsigned int v);

/* Install the handler for vectors 32-255 (the interrupt dispatcher). */
void trap_set_irq_handler(void (*fn)(struct trap_frame *f));

/*
 * Optional hook consulted for a kernel page fault before it is reported as
 * fatal: it returns true when it handled the fault (for example a lazy
 * mapping) or prints a more specific diagnosis (a guard-page hit) and
 * returns false. Installed by mm.
 */
void trap_set_page_fault_hook(bool (*fn)(struct trap_frame *f, uint64_t addr));

/* Print the registers of @f. */
void trap_print_frame(const struct trap_frame *f);

/*
 * Interrupt and exception entry stubs (Intel SDM Vol. 3 §6.12-6.14).
 *
 * Every vector 0-255 has a tiny stub: it pushes a zero error code when the
 * CPU pushes none, pushes the vector number and jumps to trap_common, which
 * saves the general registers as a struct trap_frame (trap.h, offsets
 * checked there), swaps GS when coming from user mode, calls
 * trap_dispatch(frame) with a 16-byte aligned stack and undoes it all with
 * iretq. trap_stubs[] holds each stub's address for idt.c.
 */
#include "arch/x86_64/layout.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			(v) == 21 || (v) == 29 || (v) == 30)

/* Each stub fits in 16 bytes, so stub v is at trap_stub_base + 16 * v. */
	.text
	.balign 16
trap_stub_base:
	.set vec, 0
	.rept 256
	.balign 16
	.if HAS_ERRCODE(vec) == 0
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	testb $3, 18*8(%rsp)		/* frame->cs: from user mode? */
	jz 1f
	swapgs
1:	cld
	movq %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	testb $3, 18*8(%rsp)
	jz 2f
	swapgs
2:	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp			/* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.quad trap_stub_base + 16 * vec
	.set vec, vec + 1
	.endr

/*
 * Interrupt and exception entry stubs (Intel SDM Vol. 3 §6.12-6.14).
 *
 * Every vector 0-255 has a tiny stub: it pushes a zero error code when the
 * CPU pushes none, pushes the vector number and jumps to trap_common, which
 * saves the general registers as a struct trap_frame (trap.h, offsets
 * checked there), swaps GS when coming from user mode, calls
 * trap_dispatch(frame) with a 16-byte aligned stack and undoes it all with
 * iretq. trap_stubs[] holds each stub's address for idt.c.
 *
 * The paranoid vectors (#DB, NMI, #MC) can arrive anywhere, also between
 * the syscall instruction and the entry's swapgs, where CS already says
 * kernel but GS is still the user's: they decide from the GS base itself
 * (a kernel GS base is a higher-half address, its bit 63 set), as Linux's
 * paranoid_entry does, and swap back only if they swapped.
 *
 * syscall_entry is the target of LSTAR (syscall.c): it switches to the
 * running task's kernel stack (percpu kernel_sp), builds the same struct
 * trap_frame an interrupt from user mode would (vector SYSCALL_VECTOR),
 * and calls syscall_from_user(frame) with interrupts on. It returns with
 * sysretq when that says the frame allows it (canonical user rip, user
 * segments, no TF/RF), otherwise through trap_return's iretq. Intel SDM
 * Vol. 2B SYSCALL/SYSRET, Vol. 3 §5.8.8.
 */
#include "arch/x86_64/layout.h"

#define MSR_GS_BASE 0xc0000101
#define SYSCALL_VECTOR 256

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

.macro POP_REGS				/* PUSH_REGS undone */
	popq %r15
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
.endm

.macro PUSH_REGS
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
.endm

trap_common:
	PUSH_REGS
	movq 15*8(%rsp), %rax		/* frame->vector */
	cmpq $1, %rax			/* #DB */
	je paranoid
	cmpq $2, %rax			/* NMI */
	je paranoid
	cmpq $18, %rax			/* #MC */
	je paranoid
	testb $3, 18*8(%rsp)		/* frame->cs: from user mode? */
	jz 1f
	swapgs
1:	cld
	movq %rsp, %rdi
	call trap_dispatch
	testb %al, %al
	jnz resume_in_nmi
	.globl trap_return
trap_return:
	testb $3, 18*8(%rsp)
	jz pop_regs
	swapgs
pop_regs:
	POP_REGS
	addq $16, %rsp			/* vector and error code */
	iretq

paranoid:
	movl $MSR_GS_BASE, %ecx
	rdmsr
	xorl %ebx, %ebx			/* rbx (callee-saved): did we swap? */
	testl %edx, %edx
	js 3f				/* bit 63 set: the kernel's GS already */
	swapgs
	movl $1, %ebx
3:	cld
	movq %rsp, %rdi
	call trap_dispatch
	testl %ebx, %ebx
	jz 4f
	swapgs
4:	testb %al, %al
	jz pop_regs
	/* fall through: a #DB or #MC returning into an NMI handler */

/*
 * Return to kernel code inside an NMI handler without iretq, so NMIs stay
 * blocked (trap.c, trap_dispatch). The interrupted RFLAGS and RIP are
 * written just below the interrupted RSP (the kernel has no red zone), the
 * stack is switched there, then popfq; ret. Those two slots may overlap
 * the frame's own SS and RSP slots when the CPU pushed the frame on the
 * same stack, so RSP is read first and the new stack pointer is kept in
 * the error-code slot, far below them.
 */
resume_in_nmi:
	movq 20*8(%rsp), %rax		/* frame->rsp */
	subq $16, %rax
	movq 17*8(%rsp), %rcx		/* frame->rip */
	movq %rcx, 8(%rax)
	movq 19*8(%rsp), %rcx		/* frame->rflags */
	movq %rcx, (%rax)
	movq %rax, 16*8(%rsp)		/* frame->error_code: the new rsp */
	POP_REGS
	addq $8, %rsp			/* vector */
	movq (%rsp), %rsp
	popfq
	ret

/* arch_return_to_frame(frame=%rdi): leave through trap_return with the
 * trap_frame at %rdi (its top is the task's kernel stack top). Interrupts
 * disabled. */
	.globl arch_return_to_frame
arch_return_to_frame:
	movq %rdi, %rsp
	jmp trap_return

	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:PERCPU_USER_SP
	movq %gs:PERCPU_KERNEL_SP, %rsp
	pushq $GDT_USER_DATA		/* ss */
	pushq %gs:PERCPU_USER_SP	/* rsp */
	pushq %r11			/* rflags (syscall saved them in r11) */
	pushq $GDT_USER_CODE		/* cs */
	pushq %rcx			/* rip (syscall saved it in rcx) */
	pushq $0			/* error code */
	pushq $SYSCALL_VECTOR
	PUSH_REGS
	sti
	cld
	movq %rsp, %rdi
	call syscall_from_user
	cli
	testl %eax, %eax
	jz trap_return			/* iretq: the frame is not sysret-safe */
	POP_REGS
	addq $16, %rsp			/* vector and error code */
	popq %rcx			/* rip, for sysret */
	addq $8, %rsp			/* cs */
	popq %r11			/* rflags, for sysret */
	popq %rsp			/* the user stack; GS is still ours */
	swapgs
	sysretq

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.quad trap_stub_base + 16 * vec
	.set vec, vec + 1
	.endr

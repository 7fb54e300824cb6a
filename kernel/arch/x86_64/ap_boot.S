/*
 * The application-processor trampoline (SDM Vol. 3 §8.4.4, §9.8.5).
 *
 * smp.c copies [ap_tramp_start, ap_tramp_end) to a page below 1 MiB and
 * fills the parameter block at its end; a STARTUP IPI then starts the AP
 * in real mode at CS:IP = page:0. This code, in one step, turns on PAE,
 * loads the trampoline's page tables (the kernel's upper half plus an
 * identity map of the first 2 MiB, so this page stays reachable), sets
 * EFER.LME and NXE, loads its own three-entry GDT and sets CR0.PE|PG:
 * real mode straight into long mode. It then loads the stack pointer and
 * calls the 64-bit C entry in the higher half, which never returns.
 * Registers: all clobbered; no stack until the parameter block's is
 * loaded. Offsets of the parameter block are checked in smp.c.
 */
#define TRAMP(x) ((x) - ap_tramp_start)

	.section .rodata
	.code16
	.globl ap_tramp_start
ap_tramp_start:
	cli
	cld
	movw %cs, %ax			/* CS = page, IP = 0 */
	movw %ax, %ds
	movl TRAMP(ap_param_cr4), %eax
	movl %eax, %cr4
	movl TRAMP(ap_param_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	orl TRAMP(ap_param_efer), %eax	/* LME, NXE */
	wrmsr
	/* The GDT pointer's base is a linear address: patched by smp.c. */
	lgdtl TRAMP(ap_gdtr)
	movl TRAMP(ap_param_cr0), %eax
	movl %eax, %cr0			/* PE and PG together: long mode */
	/* Far jump to the 64-bit code below through a patched pointer. */
	ljmpl *TRAMP(ap_far_ptr)

	.code64
	.globl ap_tramp_64
ap_tramp_64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	/* rip is the identity-mapped trampoline: find the block from it. */
	leaq ap_tramp_start(%rip), %rbx
	movq TRAMP(ap_param_stack)(%rbx), %rsp
	movq TRAMP(ap_param_entry)(%rbx), %rax
	xorl %ebp, %ebp
	callq *%rax			/* never returns */
1:	hlt
	jmp 1b

	.balign 8
	.globl ap_gdt
ap_gdt:
	.quad 0
	.quad 0x00209a0000000000	/* 0x08: 64-bit code, present, DPL 0 */
	.quad 0x0000920000000000	/* 0x10: data, present, writable */
	.globl ap_gdtr
ap_gdtr:
	.word 3 * 8 - 1
	.long 0				/* patched: page + TRAMP(ap_gdt) */
	.balign 8
	.globl ap_far_ptr
ap_far_ptr:
	.long 0				/* patched: page + TRAMP(ap_tramp_64) */
	.word 0x08

	/* Parameter block (struct ap_params in smp.c). */
	.balign 8
	.globl ap_params_start
ap_params_start:
ap_param_cr0:	.quad 0
ap_param_cr3:	.quad 0
ap_param_cr4:	.quad 0
ap_param_efer:	.quad 0
ap_param_stack:	.quad 0
ap_param_entry:	.quad 0
	.globl ap_tramp_end
ap_tramp_end:

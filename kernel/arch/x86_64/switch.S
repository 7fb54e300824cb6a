/*
 * arch_switch_stacks(from=%rdi, to=%rsi): the register half of the context
 * switch (switch.c does the rest: FPU, page tables, TSS, FS base).
 *
 * Contract: called with interrupts disabled, from C (so rax, rcx, rdx,
 * rsi, rdi, r8-r11 are already caller-saved). Pushes the callee-saved
 * registers rbp, rbx, r12-r15 on the current stack, stores rsp into
 * from->rsp (struct arch_context, offset CTX_RSP checked in switch.c),
 * loads to->rsp, pops the same registers from the new stack and returns
 * into whatever called arch_switch_stacks on it - or, for a new task, into
 * the entry address arch_context_init() placed there.
 */
#define CTX_RSP 0

	.text
	.globl arch_switch_stacks
arch_switch_stacks:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, CTX_RSP(%rdi)
	movq CTX_RSP(%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * arch_call_on_stack(fn = rdi, arg = rsi, stack_top = rdx): call fn(arg)
 * with RSP = stack_top (16-byte aligned), then return on the caller's
 * stack. RBP keeps the frame chain, so backtraces from fn reach the caller.
 * Clobbers what the SysV ABI lets a call clobber; RBX is saved and used to
 * hold the caller's RSP.
 */
	.text
	.globl arch_call_on_stack
	.type arch_call_on_stack, @function
arch_call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	movq %rsp, %rbx
	movq %rdx, %rsp
	movq %rdi, %rax
	movq %rsi, %rdi
	call *%rax
	movq %rbx, %rsp
	popq %rbx
	popq %rbp
	ret
	.size arch_call_on_stack, . - arch_call_on_stack

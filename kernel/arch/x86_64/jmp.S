/*
 * arch_setjmp / arch_longjmp: save and resume a kernel execution context.
 * Used by the fault-catching path (arch_fault_catch_begin) so a test, and
 * later usercopy, can survive an expected exception.
 *
 * arch_setjmp(jb=%rdi): store rbx, rbp, r12-r15, the caller's rsp and the
 * return address into *jb (struct arch_jmpbuf, offsets checked in trap.c);
 * return 0.
 * arch_longjmp(jb=%rdi, val=%esi): reload them and return from that
 * arch_setjmp call with %eax = val. Interrupt state is not touched.
 */
	.text
	.globl arch_setjmp
arch_setjmp:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rax		/* rsp after our return */
	movq %rax, 48(%rdi)
	movq (%rsp), %rax		/* return address */
	movq %rax, 56(%rdi)
	xorl %eax, %eax
	ret

	.globl arch_longjmp
arch_longjmp:
	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	movl %esi, %eax
	jmpq *56(%rdi)

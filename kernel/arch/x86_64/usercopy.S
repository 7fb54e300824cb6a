/*
 * The only instructions that touch user memory (mm/usercopy.c calls them
 * after checking the range is in the user half). Each access that may
 * fault has an __ex_table entry: trap.c resumes a fault there at the
 * fixup (syscall.c), which returns what is left. With SMAP on, stac/clac
 * open and close the window (Intel SDM Vol. 3 §4.6.1).
 *
 * size_t arch_copy_user(void *dst=%rdi, const void *src=%rsi, size_t n=%rdx)
 *	returns the bytes NOT copied (0 on success).
 * long arch_strncpy_user(char *dst=%rdi, const char *src=%rsi, size_t n=%rdx)
 *	copies up to n bytes, stopping after a NUL; returns the length
 *	before the NUL, n if there was none, -1 on a fault.
 * long arch_cmpxchg_user32(uint32_t *uaddr=%rdi, uint32_t old=%esi, uint32_t new=%edx)
 *	lock cmpxchg: returns the value found (0..2^32-1; the word became
 *	@new when it equals @old), -1 on a fault.
 */
	.macro UACCESS_OPEN
	testb $1, usercopy_smap(%rip)
	jz 98f
	stac
98:
	.endm
	.macro UACCESS_CLOSE
	testb $1, usercopy_smap(%rip)
	jz 99f
	clac
99:
	.endm

	.text
	.globl arch_copy_user
arch_copy_user:
	UACCESS_OPEN
	movq %rdx, %rcx
1:	rep movsb
	UACCESS_CLOSE
	movq %rcx, %rax			/* 0 */
	ret
2:	UACCESS_CLOSE				/* fault: rcx bytes were left */
	movq %rcx, %rax
	ret

	.globl arch_strncpy_user
arch_strncpy_user:
	UACCESS_OPEN
	xorl %eax, %eax
4:	cmpq %rdx, %rax
	je 6f
3:	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	jz 6f
	incq %rax
	jmp 4b
6:	UACCESS_CLOSE
	ret
5:	UACCESS_CLOSE
	movq $-1, %rax
	ret

	.globl arch_cmpxchg_user32
arch_cmpxchg_user32:
	UACCESS_OPEN
	movl %esi, %eax
7:	lock cmpxchgl %edx, (%rdi)
	UACCESS_CLOSE
	ret				/* eax zero-extended: the old value */
8:	UACCESS_CLOSE
	movq $-1, %rax
	ret

	.section __ex_table, "a"
	.balign 8
	.quad 1b, 2b
	.quad 3b, 5b
	.quad 7b, 8b

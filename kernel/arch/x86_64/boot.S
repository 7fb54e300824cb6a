/*
 * Multiboot2 header and the 32-bit entry point.
 *
 * Contract (Multiboot2 spec §3.3, "I386 machine state"): GRUB jumps to _start
 * in 32-bit protected mode with paging off, EAX = the bootloader magic,
 * EBX = physical address of the boot information, no valid stack.
 * We check the magic and long-mode support (a message on COM1 and a halt if
 * either is wrong), build page tables that map the first 4 GiB three times
 * (identity, direct map at DIRECT_MAP_BASE, kernel image at KERNEL_VMA),
 * enable PAE, long mode, NX and paging, and jump to kmain(magic, info_phys)
 * in the higher half on the boot stack with RBP = 0 (end of backtraces).
 * The TSC at entry is saved in boot_entry_tsc for the boot-time metric.
 */
#include "arch/x86_64/layout.h"

#define PHYS(sym) ((sym) - KERNEL_VMA)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define COM1 0x3f8

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	/* Framebuffer tag (type 5), optional: we cope with text mode too. */
	.balign 8
	.short 5, 1
	.long 20
	.long 1024, 768, 32
	/* End tag. */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $PHYS(boot_stack_top), %esp
	movl %eax, %edi			/* keep magic and info across cpuid */
	movl %ebx, %esi
	rdtsc
	movl %eax, PHYS(boot_entry_tsc)
	movl %edx, PHYS(boot_entry_tsc) + 4

	cmpl $MB2_BOOTLOADER_MAGIC, %edi
	jne bad_magic

	/* Long mode needs CPUID leaf 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	movl %edx, %ebp			/* bit 20: NX available */

	/* Four page directories of 2 MiB pages cover physical 0..4 GiB. */
	movl $PHYS(boot_pd), %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax			/* high bits of (ecx << 21) */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	/* Low PDPT: entries 0..3 -> the four directories. */
	movl $PHYS(boot_pdpt_low), %ebx
	movl $PHYS(boot_pd) + (PTE_P | PTE_W), %eax
	xorl %ecx, %ecx
2:	movl %eax, (%ebx, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 2b

	/* High PDPT: entries 510, 511 -> physical 0..2 GiB at KERNEL_VMA. */
	movl $PHYS(boot_pdpt_high), %ebx
	movl $PHYS(boot_pd) + (PTE_P | PTE_W), %eax
	movl %eax, 510 * 8(%ebx)
	addl $4096, %eax
	movl %eax, 511 * 8(%ebx)

	/* PML4: identity (0), direct map (256), kernel image (511). */
	movl $PHYS(boot_pml4), %ebx
	movl $PHYS(boot_pdpt_low) + (PTE_P | PTE_W), %eax
	movl %eax, (%ebx)
	movl %eax, 256 * 8(%ebx)
	movl $PHYS(boot_pdpt_high) + (PTE_P | PTE_W), %eax
	movl %eax, 511 * 8(%ebx)
	movl %ebx, %cr3

	movl %cr4, %eax
	orl $(1 << 5), %eax		/* CR4.PAE */
	movl %eax, %cr4

	movl $0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	orl $(1 << 8), %eax		/* LME */
	btl $20, %ebp
	jnc 3f
	orl $(1 << 11), %eax		/* NXE */
3:	wrmsr

	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax	/* PG, WP, PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $GDT_KERNEL_CODE, $long_mode_low

bad_magic:
	movl $msg_bad_magic, %ebx
	jmp early_die
no_long_mode:
	movl $msg_no_lm, %ebx
	/* fall through */

/* Write the NUL-terminated string at EBX to COM1, then halt for good. */
early_die:
	movw $COM1 + 5, %dx		/* line status register */
4:	inb %dx, %al
	testb $0x20, %al		/* transmit holding register empty */
	jz 4b
	movb (%ebx), %al
	testb %al, %al
	jz 5f
	movw $COM1, %dx
	outb %al, %dx
	incl %ebx
	jmp early_die
5:	cli
	hlt
	jmp 5b

	.code64
long_mode_low:
	movw $GDT_KERNEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $long_mode_high, %rax
	jmp *%rax

	.section .boot.data, "a"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt
msg_bad_magic:
	.asciz "corvid: not started by a Multiboot2 loader (bad magic in EAX); halting.\r\n"
msg_no_lm:
	.asciz "corvid: this CPU has no 64-bit long mode; halting.\r\n"

	.text
long_mode_high:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* edi = magic, esi = info physical address: kmain's two arguments. */
	call kmain
6:	cli
	hlt
	jmp 6b

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
	.balign 8
	.globl boot_entry_tsc
boot_entry_tsc:	.skip 8

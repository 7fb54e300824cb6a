/*
 * The kernel's virtual address-space layout (DESIGN.md "address space").
 * Shared by C and assembly, so only plain constants live here.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user space
 *   0xffff800000000000 ..                     direct map of all physical memory
 *   0xffffc00000000000 .. 0xffffdfffffffffff  vmalloc, MMIO, kernel stacks
 *   0xffffffff80000000 ..                     kernel image (linked at +1 MiB)
 */
#pragma once

#define KERNEL_VMA 0xffffffff80000000
#define DIRECT_MAP_BASE 0xffff800000000000
#define VMALLOC_BASE 0xffffc00000000000
#define VMALLOC_END 0xffffe00000000000
#define USER_END 0x0000800000000000
/* First top-level (PML4) slot of the kernel half. */
#define KERNEL_PML4_FIRST 256

/* Physical address the kernel image is loaded at (GRUB honours p_paddr). */
#define KERNEL_PHYS_BASE 0x100000

/* Size of the boot CPU's stack, which it keeps until the scheduler runs. */
#define BOOT_STACK_SIZE (32 * 1024)

/* Multiboot2 (Multiboot2 spec §3.1.2 and §3.2). */
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOTLOADER_MAGIC 0x36d76289

/* Selectors of the GDT built in gdt.c (boot.S uses the first two too). */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA 0x1b
#define GDT_USER_CODE 0x23
#define GDT_TSS 0x28

/* struct percpu (sched/percpu.h) fields the syscall entry reaches through
 * %gs; offsets checked in switch.c. */
#define PERCPU_KERNEL_SP 16 /* top of the running task's kernel stack */
#define PERCPU_USER_SP 24   /* scratch: the user rsp during syscall entry */

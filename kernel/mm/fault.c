/*
 * Explaining kernel page faults: the address is placed in the layout of
 * doc/mm.md (NULL page, user half, direct map, vmalloc area with its guard
 * pages, kernel image sections) and the likely cause printed before trap.c
 * reports the fault with its registers and backtrace. A fault in the guard
 * page below a kernel stack, or a double fault whose stack pointer is in
 * one, is a "kernel stack overflow" naming the stack's owner.
 * Runs in fault context: takes no locks, allocates nothing.
 */
#include "mm/vmm.h"

#include "core/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/vmalloc.h"

#define LOG_PREFIX "mm: "
#define NULL_GUARD_SIZE (64 * 1024) /* faults this low are NULL + offset */

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static bool in(uintptr_t a, const void *lo, const void *hi)
{
	return a >= (uintptr_t)lo && a < (uintptr_t)hi;
}

static bool describe_guard(uintptr_t a, char *buf, size_t len)
{
	uintptr_t bottom = (uintptr_t)boot_stack_bottom;

	if (a >= bottom - PAGE_SIZE && a < bottom) {
		ksnprintf(buf, len,
			  "kernel stack overflow in 'boot' (guard page below the boot stack)");
		return true;
	}
	return vmalloc_describe_guard(a, buf, len);
}

static void describe_image(uintptr_t a, bool write, char *buf, size_t len)
{
	if (in(a, __text_start, __text_end))
		ksnprintf(buf, len, "%s kernel text",
			  write ? "write to read-only (W^X)" : "access to");
	else if (in(a, __rodata_start, __rodata_end))
		ksnprintf(buf, len, "%s kernel rodata", write ? "write to read-only" : "access to");
	else if (in(a, __data_start, __kernel_end))
		ksnprintf(buf, len, "kernel data or bss");
	else
		ksnprintf(buf, len, "unmapped part of the kernel image region");
}

bool vmm_describe_fault(uintptr_t addr, uintptr_t rsp, bool write, char *buf, size_t len)
{
	struct arch_paging_stats st;

	if (describe_guard(rsp, buf, len) || describe_guard(addr, buf, len))
		return strstr(buf, "stack overflow") != NULL;
	arch_paging_get_stats(&st);
	if (addr < NULL_GUARD_SIZE)
		ksnprintf(buf, len, "NULL pointer dereference (offset %#lx)", (unsigned long)addr);
	else if (addr < USER_END)
		ksnprintf(buf, len, "user address %#lx touched by the kernel", (unsigned long)addr);
	else if (addr < DIRECT_MAP_BASE)
		ksnprintf(buf, len, "non-canonical address");
	else if (addr < DIRECT_MAP_BASE + st.direct_map_end)
		ksnprintf(buf, len, "%s direct map at physical %#lx",
			  write ? "write to the" : "access to the",
			  (unsigned long)(addr - DIRECT_MAP_BASE));
	else if (addr < VMALLOC_BASE)
		ksnprintf(buf, len, "beyond the end of the direct map");
	else if (addr < VMALLOC_END)
		ksnprintf(buf, len, "unmapped vmalloc address (use after vfree or iounmap?)");
	else if (addr >= KERNEL_VMA)
		describe_image(addr, write, buf, len);
	else
		ksnprintf(buf, len, "unused kernel address");
	return false;
}

bool vmm_handle_page_fault(const struct arch_page_fault *pf)
{
	char why[160];
	bool overflow = vmm_describe_fault(pf->addr, pf->rsp, pf->write, why, sizeof(why));

	if (pf->double_fault) {
		/* CR2 may be stale: only an overflow explains a #DF here. */
		if (overflow)
			kprintf("\n%s: the CPU could not push the page-fault frame, so it raised a double fault\n",
				why);
		return false;
	}
	kprintf("\nkernel page fault at %#lx: %s\n", (unsigned long)pf->addr, why);
	return false;
}

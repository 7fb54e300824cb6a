/*
 * In-kernel tests of the user-copy routines: kernel-half and overflowing
 * ranges are refused without being touched, a fault on an unmapped user
 * address is recovered through the exception table (-EFAULT, the kernel
 * goes on), and copies to and from a page of a real address space work,
 * with SMAP on where the CPU has it.
 */
#include "arch/arch.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "proc/mm.h"
#include "sched/task.h"

#define USER_PAGE 0x10000000ul

KTEST(usercopy_refuses_kernel_and_wrapping_ranges)
{
	char buf[16];

	KASSERT_EQ(copy_from_user(buf, uptr((uintptr_t)buf), sizeof(buf)), -EFAULT);
	KASSERT_EQ(copy_to_user(uptr(0xffffffff80000000ul), buf, 1), -EFAULT);
	KASSERT_EQ(copy_to_user(uptr(USER_END - 4), buf, 8), -EFAULT);
	KASSERT_EQ(copy_from_user(buf, uptr(~0ul - 2), 8), -EFAULT);
	KASSERT_EQ(strncpy_from_user(buf, uptr(DIRECT_MAP_BASE), sizeof(buf)), -EFAULT);
	KASSERT_EQ(copy_from_user(buf, uptr(USER_END), 0), -EFAULT);
}

KTEST(usercopy_fault_is_caught_by_the_exception_table)
{
	char buf[16];

	/* Nothing is mapped in a kernel task's user half. */
	KASSERT_EQ(copy_from_user(buf, uptr(0x1000), 8), -EFAULT);
	KASSERT_EQ(copy_to_user(uptr(0x400000), buf, 8), -EFAULT);
	KASSERT_EQ(strncpy_from_user(buf, uptr(0x1000), sizeof(buf)), -EFAULT);
	KASSERT_EQ(copy_from_user(buf, uptr(0), 0), 0); /* zero bytes touch nothing */
}

KTEST(usercopy_reaches_a_mapped_user_page)
{
	struct arch_context *ctx = &task_current()->ctx;
	struct mm *mm = mm_create();
	char buf[32];
	paddr_t pa;

	KASSERT(mm != NULL);
	KASSERT_EQ(mm_add_vma(mm, USER_PAGE, USER_PAGE + 2 * PAGE_SIZE, VMA_READ | VMA_WRITE), 0);
	KASSERT_EQ(mm_populate(mm, USER_PAGE, VMA_READ | VMA_WRITE, &pa), 0);
	memcpy((char *)phys_to_virt(pa) + PAGE_SIZE - 6, "hello", 6);
	arch_context_set_user(ctx, mm->root, NULL);
	KASSERT_EQ(strncpy_from_user(buf, uptr(USER_PAGE + PAGE_SIZE - 6), sizeof(buf)), 5);
	KASSERT_EQ(strcmp(buf, "hello"), 0);
	KASSERT_EQ(strncpy_from_user(buf, uptr(USER_PAGE + PAGE_SIZE - 6), 3), -ENAMETOOLONG);
	/* The string runs into the unpopulated second page: a caught fault
	 * (no process, so no demand paging). */
	memcpy((char *)phys_to_virt(pa) + PAGE_SIZE - 2, "ab", 2);
	KASSERT_EQ(strncpy_from_user(buf, uptr(USER_PAGE + PAGE_SIZE - 2), sizeof(buf)), -EFAULT);
	KASSERT_EQ(copy_to_user(uptr(USER_PAGE + 8), "xyz", 4), 0);
	KASSERT_EQ(copy_from_user(buf, uptr(USER_PAGE + 8), 4), 0);
	KASSERT_EQ(strcmp(buf, "xyz"), 0);
	KASSERT_EQ(copy_to_user(uptr(USER_PAGE + PAGE_SIZE - 4), "12345678", 8), -EFAULT);
	arch_context_set_user(ctx, 0, NULL);
	mm_destroy(mm);
}

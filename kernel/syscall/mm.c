/*
 * Memory system calls: brk and anonymous private mmap/munmap, on the
 * calling process's struct mm (proc/mm.h). File mappings are not
 * supported yet (-ENODEV).
 * Locking: mm->lock, taken inside the proc/mm.c calls.
 */
#include "proc/mm.h"
#include "include/uapi/errno.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"

#define PROT_MASK 7
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

long sys_brk(unsigned long addr)
{
	return (long)mm_brk(proc_current()->mm, addr);
}

long sys_mmap(unsigned long addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	struct mm *mm = proc_current()->mm;
	int type = flags & (MAP_SHARED | MAP_PRIVATE);
	long err;

	if (len == 0 || (addr & (PAGE_SIZE - 1)) || (off & (int64_t)(PAGE_SIZE - 1)) ||
	    (type != MAP_SHARED && type != MAP_PRIVATE) || (prot & ~PROT_MASK))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV;
	if (len > USER_END)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (addr >= USER_END || len > USER_END - addr)
			return -ENOMEM;
		err = mm_unmap(mm, addr, len);
		if (err)
			return err;
		err = mm_add_vma(mm, addr, addr + ALIGN_UP(len, PAGE_SIZE), (unsigned int)prot);
		return err ? err : (long)addr;
	}
	return mm_map_anon(mm, addr, len, (unsigned int)prot);
}

long sys_munmap(unsigned long addr, size_t len)
{
	if (addr >= USER_END || len > USER_END - addr)
		return -EINVAL;
	return mm_unmap(proc_current()->mm, addr, len);
}

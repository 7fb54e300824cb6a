/*
 * Memory system calls on the calling process's struct mm (proc/mm.h):
 * brk, mmap (anonymous private or shared, or a private file mapping;
 * MAP_FIXED and MAP_FIXED_NOREPLACE; MAP_SHARED of a file read-only), munmap, mprotect,
 * madvise and mremap. The argument checks and their errno follow the Linux man
 * pages mmap(2), mprotect(2), madvise(2), mremap(2) and mm/mmap.c, mm/mremap.c.
 * Locking: mm->lock, taken inside the proc/mm.c and proc/vma.c calls.
 */
#include "proc/mm.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"

/* include/uapi/asm-generic/mman{,-common}.h and asm/mman.h (x86) */
#define PROT_MASK 7
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
/* Every flag Linux x86_64 knows for MAP_SHARED_VALIDATE (LEGACY_MAP_MASK
 * plus MAP_SYNC is refused as unsupported). */
#define MAP_KNOWN 0x1fffff

long sys_brk(unsigned long addr)
{
	return (long)mm_brk(proc_current()->mm, addr);
}

/* The checks on the file of a file mapping; 0 or the errno. */
static int check_file(const struct file *f, int type, int prot)
{
	unsigned int acc = f->flags & O_ACCMODE;

	if (!S_ISREG(f->inode->mode))
		return -ENODEV; /* Linux: no mmap operation (directories, pipes) */
	if (acc == O_WRONLY)
		return -EACCES;
	if (type != MAP_PRIVATE && (prot & 2))		  /* PROT_WRITE */
		return acc == O_RDWR ? -ENODEV : -EACCES; /* writable sharing: not supported */
	return 0;
}

/* mmap of a file: the region holds its own reference. */
static long map_file(struct mm *mm, unsigned long addr, size_t len, int prot, unsigned int mf,
		     int fd, int64_t off, int type)
{
	struct file *f = fd_get(proc_current()->fds, fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = check_file(f, type, prot);
	if (!ret && (uint64_t)off + ALIGN_UP(len, PAGE_SIZE) < (uint64_t)off)
		ret = -EOVERFLOW;
	if (!ret)
		ret = mm_map(mm, addr, len, (unsigned int)prot,
			     mf | (type != MAP_PRIVATE ? MM_MAP_SHARED : 0), f, off);
	file_put(f);
	return ret;
}

long sys_mmap(unsigned long addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	struct mm *mm = proc_current()->mm;
	int type = flags & MAP_TYPE;
	unsigned int mf = 0;

	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return -EOPNOTSUPP;
	if (len == 0 || (off & (int64_t)(PAGE_SIZE - 1)) || off < 0 ||
	    (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) ||
	    (prot & ~PROT_MASK))
		return -EINVAL;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (addr < MM_MIN_ADDR)
			return -EPERM; /* Linux's vm.mmap_min_addr */
		mf = (flags & MAP_FIXED_NOREPLACE) ? MM_MAP_NOREPLACE : MM_MAP_FIXED;
	}
	if (len > USER_END)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS))
		return map_file(mm, addr, len, prot, mf, fd, off, type);
	if (type != MAP_PRIVATE)
		mf |= MM_MAP_SHARED; /* populated at once, shared by fork */
	return mm_map(mm, addr, len, (unsigned int)prot, mf, NULL, 0);
}

long sys_munmap(unsigned long addr, size_t len)
{
	if (addr >= USER_END || len > USER_END - addr)
		return -EINVAL;
	return mm_unmap(proc_current()->mm, addr, len);
}

long sys_mprotect(unsigned long addr, size_t len, int prot)
{
	/* PROT_GROWSDOWN/GROWSUP (0x01000000/0x02000000): no growing
	 * regions here, so they are refused like other unknown bits. */
	if (prot & ~PROT_MASK)
		return -EINVAL;
	return mm_protect(proc_current()->mm, addr, len, (unsigned int)prot);
}

long sys_madvise(unsigned long addr, size_t len, int advice)
{
	return mm_advise(proc_current()->mm, addr, len, advice);
}

/* include/uapi/linux/mman.h */
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

long sys_mremap(unsigned long addr, size_t old_len, size_t new_len, int flags,
		unsigned long new_addr)
{
	size_t olen = ALIGN_UP(old_len, PAGE_SIZE), nlen = ALIGN_UP(new_len, PAGE_SIZE);
	unsigned int mf = 0;

	/* MREMAP_DONTUNMAP is refused as on Linux before 5.7; an old_len of
	 * 0 (a second mapping of shared memory) is not supported. */
	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || (addr & (PAGE_SIZE - 1)) || !nlen ||
	    !olen || ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	if (addr >= USER_END || olen > USER_END - addr)
		return -EFAULT;
	if (flags & MREMAP_MAYMOVE)
		mf |= MM_REMAP_MAYMOVE;
	if (flags & MREMAP_FIXED) {
		if ((new_addr & (PAGE_SIZE - 1)) || nlen > USER_END || new_addr > USER_END - nlen)
			return -EINVAL;
		if (new_addr < addr + olen && addr < new_addr + nlen)
			return -EINVAL; /* the ranges overlap */
		if (new_addr < MM_MIN_ADDR)
			return -EPERM;
		mf |= MM_REMAP_FIXED;
	}
	return mm_remap(proc_current()->mm, addr, olen, nlen, mf, new_addr);
}

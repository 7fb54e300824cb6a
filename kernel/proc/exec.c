/*
 * Loading a static ELF executable into a new address space (proc.h's
 * proc_load): lib/elf.c checks the file, each PT_LOAD is read into
 * freshly zeroed frames with exactly its permissions (the bss is the
 * zero rest), the heap starts after the highest segment, and the stack
 * region gets the initial stack lib/ustack.c lays out. The thread then
 * switches to the new page tables. Reference: Linux fs/binfmt_elf.c
 * load_elf_binary() and create_elf_tables().
 * Locking: runs on the new process's thread before it has user code;
 * mm->lock is taken inside the mm calls.
 */
#include "arch/arch.h"
#include "core/log.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "lib/ustack.h"
#include "mm/kmalloc.h"
#include "proc/mm.h"
#include "proc/proc.h"
#include "sched/task.h"
#include "time/ktime.h"

#define LOG_PREFIX "exec: "

#define HEADER_BYTES 4096 /* ELF header and program headers must fit */
#define STACK_IMAGE (PROC_ARG_MAX + 4 * PAGE_SIZE)
#define CLOCK_TICKS 100 /* AT_CLKTCK: USER_HZ */

static unsigned int prot_of(unsigned int pf)
{
	return ((pf & ELF_PF_R) ? VMA_READ : 0) | ((pf & ELF_PF_W) ? VMA_WRITE : 0) |
	       ((pf & ELF_PF_X) ? VMA_EXEC : 0);
}

/* Map one PT_LOAD at @bias and read its file bytes. */
static int load_segment(struct mm *mm, struct file *f, const struct elf_load *l, uint64_t bias)
{
	uint64_t va = l->vaddr + bias, start = ALIGN_DOWN(va, PAGE_SIZE);
	uint64_t end = ALIGN_UP(va + l->memsz, PAGE_SIZE), file_end = va + l->filesz;
	unsigned int prot = prot_of(l->flags);
	int err = mm_add_vma(mm, start, end, prot);

	if (err == -EEXIST) /* shares a page with the previous segment */
		err = mm_add_vma(mm, start + PAGE_SIZE, end, prot);
	if (err && err != -EINVAL)
		return err;
	for (uint64_t page = start; page < end; page += PAGE_SIZE) {
		uint64_t lo = MAX(page, va), hi = MIN(page + PAGE_SIZE, file_end);
		paddr_t pa;
		ssize_t n;

		err = mm_populate(mm, page, prot, &pa);
		if (err)
			return err;
		if (lo >= hi)
			continue;
		n = vfs_pread(f, (uint8_t *)phys_to_virt(pa) + (lo - page), hi - lo,
			      (int64_t)(l->offset + (lo - va)));
		if (n != (ssize_t)(hi - lo))
			return n < 0 ? (int)n : -ENOEXEC;
	}
	return 0;
}

/* The auxiliary vector (Linux's order, fs/binfmt_elf.c). */
static size_t fill_auxv(uint64_t *av, const struct elf_info *in, uint64_t bias)
{
	const uint64_t pairs[] = {
		AT_HWCAP,    0x178bfbff, /* a fixed baseline CPUID.1:EDX (Linux: the real one) */
		AT_PAGESZ,   PAGE_SIZE,
		AT_CLKTCK,   CLOCK_TICKS,
		AT_PHDR,     in->phdr ? in->phdr + bias : 0,
		AT_PHENT,    ELF_PHDR_SIZE,
		AT_PHNUM,    in->phnum,
		AT_BASE,     0,
		AT_FLAGS,    0,
		AT_ENTRY,    in->entry + bias,
		AT_UID,	     0,
		AT_EUID,     0,
		AT_GID,	     0,
		AT_EGID,     0,
		AT_SECURE,   0,
		AT_RANDOM,   0, /* addresses filled in by ustack_build */
		AT_EXECFN,   0,
		AT_PLATFORM, 0,
	};

	memcpy(av, pairs, sizeof(pairs));
	return ARRAY_SIZE(pairs) / 2;
}

static void fill_random(uint8_t out[16])
{
	for (int i = 0; i < 2; i++) {
		uint64_t v;
		if (!arch_random_u64(&v))
			v = arch_cycles() * 0x9e3779b97f4a7c15ull + (uint64_t)i;
		memcpy(out + 8 * i, &v, 8);
	}
}

/* Build the initial stack and copy it into the stack region's top pages. */
static int setup_stack(struct proc *p, struct mm *mm, const struct elf_info *in, uint64_t bias,
		       uint64_t *sp)
{
	uint64_t auxv[2 * 20];
	struct ustack_args a = {
		.strings = p->args,
		.strings_len = p->args_len,
		.argc = p->argc,
		.envc = p->envc,
		.execfn = p->path,
		.platform = "x86_64",
		.auxv = auxv,
	};
	uint8_t *img = kmalloc(STACK_IMAGE);
	/* Executable only when PT_GNU_STACK asks for it (lib/elf.h). */
	unsigned int sprot = VMA_READ | VMA_WRITE | (in->exec_stack ? VMA_EXEC : 0);
	int err;

	if (!img)
		return -ENOMEM;
	a.nauxv = fill_auxv(auxv, in, bias);
	fill_random(a.random);
	err = mm_add_vma(mm, MM_STACK_TOP - MM_STACK_SIZE, MM_STACK_TOP, sprot);
	if (!err)
		err = ustack_build(img, STACK_IMAGE, MM_STACK_TOP, &a, sp);
	for (uint64_t page = ALIGN_DOWN(*sp, PAGE_SIZE); !err && page < MM_STACK_TOP;
	     page += PAGE_SIZE) {
		paddr_t pa;
		err = mm_populate(mm, page, sprot, &pa);
		if (!err)
			memcpy(phys_to_virt(pa), img + (page - (MM_STACK_TOP - STACK_IMAGE)),
			       PAGE_SIZE);
	}
	kfree(img);
	return err;
}

/* Open and parse @path; the header buffer is freed by the caller. */
static int open_exec(const char *path, struct file **f, struct elf_info *in)
{
	struct linux_stat st;
	const char *why = NULL;
	uint8_t *hdr;
	ssize_t n;
	int err = vfs_open(NULL, path, O_RDONLY, 0, f);

	if (err)
		return err;
	err = vfs_fstat(*f, &st);
	if (!err && !S_ISREG(st.st_mode))
		err = -EACCES;
	hdr = err ? NULL : kmalloc(HEADER_BYTES);
	if (!err && !hdr)
		err = -ENOMEM;
	n = err ? 0 : vfs_pread(*f, hdr, HEADER_BYTES, 0);
	if (!err && n < 0)
		err = (int)n;
	if (!err && (err = elf_parse(hdr, (size_t)n, (uint64_t)st.st_size, USER_END, in, &why)))
		log_warn("%s: not executable: %s\n", path, why);
	kfree(hdr);
	if (err)
		file_put(*f);
	return err;
}

int proc_load(struct proc *p, uintptr_t *ip, uintptr_t *sp)
{
	struct elf_info *in = kmalloc(sizeof(*in));
	struct file *f = NULL;
	struct mm *mm = NULL;
	uint64_t bias;
	int err;

	if (!in)
		return -ENOMEM;
	err = open_exec(p->path, &f, in);
	if (err)
		goto out_free;
	bias = in->type == ELF_ET_DYN ? MM_PIE_BASE - in->lo : 0;
	mm = mm_create();
	if (!mm)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < in->nloads; i++)
		err = load_segment(mm, f, &in->loads[i], bias);
	if (!err)
		err = setup_stack(p, mm, in, bias, sp);
	if (!err && !(p->fpu = arch_fpu_alloc()))
		err = -ENOMEM;
	file_put(f);
	if (err) {
		if (mm)
			mm_destroy(mm);
		goto out_free;
	}
	mm->brk_start = mm->brk = in->hi + bias;
	p->mm = mm;
	*ip = in->entry + bias;
	arch_context_set_user(&task_current()->ctx, mm->root, p->fpu);
out_free:
	kfree(in);
	return err;
}

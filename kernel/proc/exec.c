/*
 * exec (proc_internal.h's exec_run, execve): open the file relative to
 * the process's cwd (a regular file with an execute bit, else -EACCES),
 * follow `#!` lines to their interpreter (at most 5 rewrites, then
 * -ELOOP, as Linux's exec_binprm), and load a static ELF into a NEW
 * address space: lib/elf.c checks the file, each PT_LOAD becomes a private
 * file mapping with exactly its permissions, faulted in lazily (tmpfs
 * files: their own frames, shared and copy-on-write; see load_segment),
 * the bss anonymous zero memory, the heap starts after the highest segment, and the stack region
 * gets the initial stack lib/ustack.c lays out. Only when all of that
 * worked does the process change: close-on-exec descriptors closed,
 * handlers reset, name set, the new mm and FPU state swapped in and the
 * old ones freed. Reference: Linux fs/exec.c, fs/binfmt_elf.c
 * load_elf_binary() and create_elf_tables(), fs/binfmt_script.c.
 * Locking: runs on the process's own thread; mm->lock is taken inside
 * the mm calls, proc_lock for the exec flag and the vfork release.
 */
#include "arch/arch.h"
#include "core/log.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/fs_cmds.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "lib/ustack.h"
#include "mm/kmalloc.h"
#include "proc/futex.h"
#include "proc/mm.h"
#include "proc/proc.h"
#include "proc/proc_internal.h"
#include "proc/thread.h"
#include "sched/task.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_PREFIX "exec: "
#define EXE_PATH_MAX 256 /* longer names leave /proc/PID/exe empty */

#define HEADER_BYTES 4096 /* ELF header and program headers must fit */
#define STACK_IMAGE (PROC_ARG_MAX + 4 * PAGE_SIZE)
#define CLOCK_TICKS 100 /* AT_CLKTCK: USER_HZ */
#define MAX_REWRITES 5	/* #! levels (Linux exec_binprm: depth > 5 is -ELOOP) */
#define SIG_IGN 1

static unsigned int prot_of(unsigned int pf)
{
	return ((pf & ELF_PF_R) ? VMA_READ : 0) | ((pf & ELF_PF_W) ? VMA_WRITE : 0) |
	       ((pf & ELF_PF_X) ? VMA_EXEC : 0);
}

/* Copy one PT_LOAD at @bias into freshly zeroed frames: for segments that
 * share a page with another, or whose file offset and address disagree
 * modulo the page size (no file mapping can show those). */
static int copy_segment(struct mm *mm, struct file *f, const struct elf_load *l, uint64_t bias)
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

/*
 * Map one PT_LOAD at @bias as Linux's elf_map does: a private file
 * mapping from the page holding p_offset, whose pages are faulted in on
 * first touch (from tmpfs: the file's own frames, read-only until a write
 * copies them), except the page where the bss starts, copied now with its
 * tail zeroed, and the bss beyond it, anonymous zero pages. Without a bss
 * the last page is the file's too, bytes past p_filesz included (as
 * Linux: only the bss is zeroed); a page reaching the end of the file is
 * a copy, zero past EOF.
 */
static int load_segment(struct mm *mm, struct file *f, const struct elf_load *l, uint64_t bias)
{
	uint64_t va = l->vaddr + bias, start = ALIGN_DOWN(va, PAGE_SIZE);
	uint64_t end = ALIGN_UP(va + l->memsz, PAGE_SIZE), file_end = va + l->filesz;
	uint64_t map_end = ALIGN_UP(file_end, PAGE_SIZE), tail = ALIGN_DOWN(file_end, PAGE_SIZE);
	int64_t off = (int64_t)ALIGN_DOWN(l->offset, PAGE_SIZE);
	unsigned int prot = prot_of(l->flags);
	paddr_t pa;
	ssize_t n;
	long at;
	int err;

	if (!l->filesz)
		return mm_add_vma(mm, start, end, prot);
	at = mm_map(mm, start, map_end - start, prot, MM_MAP_NOREPLACE, f, off);
	if (at < 0)
		return (int)at;
	if (file_end > tail && l->memsz > l->filesz) { /* the bss starts here: zero it */
		err = mm_populate(mm, tail, prot, &pa);
		if (err)
			return err;
		n = vfs_pread(f, phys_to_virt(pa), file_end - tail, off + (int64_t)(tail - start));
		if (n != (ssize_t)(file_end - tail))
			return n < 0 ? (int)n : -ENOEXEC;
	}
	return end > map_end ? mm_add_vma(mm, map_end, end, prot) : 0;
}

/* Can PT_LOAD @i be a file mapping? Not if its pages overlap another's
 * (the page holding both must be one private copy), or if its offset and
 * address are not congruent modulo the page size. */
static bool can_map_segment(const struct elf_info *in, size_t i)
{
	const struct elf_load *l = &in->loads[i];

	if ((l->vaddr - l->offset) % PAGE_SIZE)
		return false;
	for (size_t j = 0; j < in->nloads; j++) {
		const struct elf_load *o = &in->loads[j];

		if (j != i &&
		    ALIGN_DOWN(l->vaddr, PAGE_SIZE) < ALIGN_UP(o->vaddr + o->memsz, PAGE_SIZE) &&
		    ALIGN_DOWN(o->vaddr, PAGE_SIZE) < ALIGN_UP(l->vaddr + l->memsz, PAGE_SIZE))
			return false;
	}
	return true;
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

/* Where ustack_build put the argv and envp strings (lib/ustack.h: below
 * the top's zero word and AT_EXECFN, argv's then envp's in one block),
 * for /proc/PID/environ and stat. */
static void note_strings(const struct exec_args *a, struct mm *mm)
{
	size_t argv_len = 0;

	for (int i = 0; i < a->argc && argv_len < a->len; i++)
		argv_len += strlen(a->strings + argv_len) + 1;
	mm->arg_start = MM_STACK_TOP - sizeof(uint64_t) - (strlen(a->filename) + 1) - a->len;
	mm->arg_end = mm->arg_start + argv_len;
	mm->env_start = mm->arg_end;
	mm->env_end = mm->arg_start + a->len;
}

/* Build the initial stack and copy it into the stack region's top pages. */
static int setup_stack(const struct exec_args *a, struct mm *mm, const struct elf_info *in,
		       uint64_t bias, uint64_t *sp)
{
	uint64_t auxv[2 * 20];
	struct ustack_args u = {
		.strings = a->strings,
		.strings_len = a->len,
		.argc = a->argc,
		.envc = a->envc,
		.execfn = a->filename,
		.platform = "x86_64",
		.auxv = auxv,
	};
	uint8_t *img = kmalloc(STACK_IMAGE);
	/* Executable only when PT_GNU_STACK asks for it (lib/elf.h). */
	unsigned int sprot = VMA_READ | VMA_WRITE | (in->exec_stack ? VMA_EXEC : 0);
	int err;

	if (!img)
		return -ENOMEM;
	u.nauxv = fill_auxv(auxv, in, bias);
	fill_random(u.random);
	err = mm_add_vma(mm, MM_STACK_TOP - MM_STACK_SIZE, MM_STACK_TOP, sprot);
	if (!err)
		err = ustack_build(img, STACK_IMAGE, MM_STACK_TOP, &u, sp);
	if (!err)
		note_strings(a, mm);
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

/* Open @path for exec: a regular file with an execute bit. Reads its
 * first HEADER_BYTES into @hdr (*@n of them) and its size into *@size. */
static int open_exec(struct proc *p, const char *path, struct file **f, uint8_t *hdr, size_t *n,
		     uint64_t *size)
{
	struct linux_stat st;
	struct vfs_path cwd;
	ssize_t got;
	int err;

	/* Only a #! line can name "" (execve refuses it): Linux's kernel-side
	 * lookup of "" is the cwd, a directory, hence -EACCES below. */
	proc_cwd_get(&cwd);
	err = vfs_open(cwd.mnt ? &cwd : NULL, *path ? path : ".", O_RDONLY, 0, f);
	if (cwd.mnt)
		vfs_path_put(&cwd);
	if (err)
		return err;
	err = vfs_fstat(*f, &st);
	if (!err && (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)))
		err = -EACCES;
	got = err ? 0 : vfs_pread(*f, hdr, HEADER_BYTES, 0);
	if (!err && got < 0)
		err = (int)got;
	if (err) {
		file_put(*f);
		return err;
	}
	*n = (size_t)got;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* What a successful load hands to the commit. */
struct exec_image {
	struct mm *mm;
	void *fpu;
	uintptr_t ip, sp;
	char *exe; /* the file's absolute path (kmalloc'd), or NULL */
};

/* Build the new address space of ELF @f (parsed into @in). */
static int load_elf(const struct exec_args *a, struct file *f, const struct elf_info *in,
		    struct exec_image *img)
{
	uint64_t bias = in->type == ELF_ET_DYN ? MM_PIE_BASE - in->lo : 0;
	struct mm *mm = mm_create();
	int err = mm ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < in->nloads; i++)
		err = can_map_segment(in, i) ? load_segment(mm, f, &in->loads[i], bias)
					     : copy_segment(mm, f, &in->loads[i], bias);
	if (!err)
		err = setup_stack(a, mm, in, bias, &img->sp);
	if (!err && !(img->fpu = arch_fpu_alloc()))
		err = -ENOMEM;
	if (err) {
		if (mm)
			mm_destroy(mm);
		return err;
	}
	mm->brk_start = mm->brk = in->hi + bias;
	img->mm = mm;
	img->ip = in->entry + bias;
	return 0;
}

/* @f's absolute name for /proc/PID/exe (NULL when memory runs out). */
static char *path_of(struct file *f)
{
	char *name = kmalloc(EXE_PATH_MAX);

	if (name && fs_cmd_path_name(&f->path, name, EXE_PATH_MAX) < 0) {
		kfree(name);
		name = NULL;
	}
	return name;
}

/* Open, follow #! lines, parse and load: everything that can fail. */
static int prepare(struct proc *p, struct exec_args *a, struct exec_image *img)
{
	uint8_t *hdr = kmalloc(HEADER_BYTES);
	struct elf_info *in = kmalloc(sizeof(*in));
	int err = hdr && in ? 0 : -ENOMEM;

	for (int depth = 0; !err; depth++) {
		struct file *f;
		const char *why = NULL;
		uint64_t size;
		size_t n;

		err = open_exec(p, a->path, &f, hdr, &n, &size);
		if (err)
			break;
		if (n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
			file_put(f);
			err = depth >= MAX_REWRITES ? -ELOOP : exec_args_script(a, hdr, n);
			continue;
		}
		err = elf_parse(hdr, n, size, USER_END, in, &why);
		if (err)
			log_warn("%s: not executable: %s\n", a->path, why);
		else
			err = load_elf(a, f, in, img);
		if (!err)
			img->exe = path_of(f);
		file_put(f);
		break;
	}
	kfree(in);
	kfree(hdr);
	return err;
}

/* Signal handlers back to default (ignored ones stay ignored), as
 * Linux's flush_signal_handlers; the mask and pending set are kept, the
 * alternate stack is gone with the old memory. */
static void reset_handlers(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	for (int i = 0; i < PROC_NSIG; i++) {
		struct proc_sigaction *s = &p->sigactions[i];

		*s = (struct proc_sigaction){ .handler = s->handler == SIG_IGN ? SIG_IGN : 0 };
	}
	spin_unlock_irqrestore(&proc_lock, flags);
}

/* The point of no return: the process becomes @img. */
static void commit(struct proc *p, const struct exec_args *a, struct exec_image *img)
{
	const char *base = strrchr(a->filename, '/');
	struct thread *th = thread_current();
	struct mm *old_mm = p->mm;
	void *old_fpu = th->fpu;
	unsigned long flags;
	bool vforked;

	/* Linux's exec_mm_release: the robust list is walked in the old
	 * memory; clear_child_tid is dropped (no other thread is left). */
	th->clear_child_tid = uptr(0);
	futex_thread_release(th);
	fd_close_on_exec(p->fds);
	reset_handlers(p);
	th->altstack_sp = 0; /* gone with the old memory */
	th->altstack_size = 0;
	th->altstack_flags = 0;
	proc_set_cmdline(p, a->strings, a->argc, img->exe);
	flags = spin_lock_irqsave(&proc_lock);
	strlcpy(p->name, base ? base + 1 : a->filename, sizeof(p->name));
	p->did_exec = true;
	/* A vfork parent runs again. Nothing else waits for an exec: waking
	 * every proc_child_wq sleeper (wait4 callers, the shell, the reaper)
	 * for each one cost ~50 us under QEMU. */
	vforked = !p->vfork_done;
	p->vfork_done = true;
	if (vforked)
		proc_changed_locked();
	p->mm = img->mm; // under proc_lock: procinfo.c reads its page count
	spin_unlock_irqrestore(&proc_lock, flags);
	if (vforked)
		proc_wake();
	th->fpu = img->fpu;
	arch_context_set_user(&task_current()->ctx, img->mm->root, img->fpu);
	mm_put(old_mm); // procfs may still be reading it
	arch_fpu_free(old_fpu);
}

int exec_run(struct proc *p, struct exec_args *a)
{
	struct exec_image img = { 0 };
	int err = prepare(p, a, &img);

	if (!err && thread_make_sole()) { /* killed meanwhile: the old program dies */
		mm_destroy(img.mm);
		arch_fpu_free(img.fpu);
		err = -EINTR;
	}
	if (err) {
		exec_args_free(a);
		return err;
	}
	commit(p, a, &img);
	exec_args_free(a);
	arch_enter_user(&task_current()->ctx, img.ip, img.sp);
}

long proc_execve(uptr_t path, uptr_t argv, uptr_t envp)
{
	struct exec_args *a;
	int err = exec_args_from_user(path, argv, envp, &a);

	if (err)
		return err;
	return exec_run(proc_current(), a);
}

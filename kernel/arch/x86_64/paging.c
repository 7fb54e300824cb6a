/*
 * Kernel page tables: building the direct map, the kernel image mapping
 * with W^X and the vmalloc top level; 4 KiB map/unmap/protect/translate on
 * them; TLB flushes; the page-fault hook adapter; the walker and entry
 * encoding that paging_user.c (user address spaces) shares. Page-table
 * pages come from pmm and are reached through the direct map.
 * Locking: callers serialise edits (vmm's lock); the tables built by
 * arch_paging_init() are immutable in the kernel half's top level.
 * Reference: Intel SDM Vol. 3 §4.5 (4-level paging), §4.10.4 (TLB
 * invalidation), §11.12 (PAT).
 */
#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "core/log.h"
#include "core/panic.h"
#include "include/uapi/errno.h"
#include "mm/pmm.h"

#define LOG_PREFIX "paging: "

#define CPUID_EDX_PGE (1u << 13)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

/* Immutable after arch_paging_init(): */
static paddr_t kernel_pml4;
static uint64_t nx_bit;
static bool has_1g, has_pat, has_pge;
static uint64_t direct_map_end;
/* Protected by the caller's lock (vmm): */
static uint64_t table_pages;
static uint64_t direct_pages[3];

static bool (*pf_handler)(const struct arch_page_fault *pf);

uint64_t paging_leaf_bits(unsigned int flags, uintptr_t va)
{
	uint64_t e = PTE_P;

	if (flags & ARCH_MAP_NONE)
		return PTE_NONE;

	if (flags & ARCH_MAP_WRITE)
		e |= PTE_W;
	if (!(flags & ARCH_MAP_EXEC))
		e |= nx_bit;
	if (va < USER_END)
		e |= (flags & ARCH_MAP_USER) ? PTE_U : 0;
	else
		e |= has_pge ? PTE_G : 0;
	if (flags & ARCH_MAP_UNCACHED)
		e |= PTE_PCD | PTE_PWT;
	else if (flags & ARCH_MAP_WC)
		e |= PTE_PWT;
	return e;
}

unsigned int paging_flags_of(uint64_t e)
{
	unsigned int f = 0;

	if (!(e & PTE_P))
		return ARCH_MAP_NONE | ARCH_MAP_USER;

	if (e & PTE_W)
		f |= ARCH_MAP_WRITE;
	if (!(e & nx_bit) || !nx_bit)
		f |= ARCH_MAP_EXEC;
	if (e & PTE_U)
		f |= ARCH_MAP_USER;
	if ((e & (PTE_PCD | PTE_PWT)) == (PTE_PCD | PTE_PWT))
		f |= ARCH_MAP_UNCACHED;
	else if (e & PTE_PWT)
		f |= ARCH_MAP_WC;
	return f;
}

/* A zeroed page-table page; its physical address, or 0. */
static paddr_t new_table(void)
{
	paddr_t pa = pmm_alloc_zeroed_page();

	if (pa)
		table_pages++;
	return pa;
}

uint64_t *paging_walk(paddr_t root, uintptr_t va, bool create, int *level)
{
	uint64_t *t = phys_to_virt(root);

	for (int l = 4; l > 1; l--) {
		uint64_t *e = &t[paging_index(va, l)];

		*level = l;
		if (!(*e & PTE_P)) {
			/* table_pages counts the kernel's tables only (it is
			 * guarded by vmm's lock, user tables by their mm's). */
			paddr_t pa = !create		   ? 0
				     : root == kernel_pml4 ? new_table()
							   : pmm_alloc_zeroed_page();

			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W | (va < USER_END ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			return e;
		}
		t = paging_table_at(*e);
	}
	*level = 1;
	return &t[paging_index(va, 1)];
}

static uint64_t *walk(uintptr_t va, bool create, int *level)
{
	return paging_walk(kernel_pml4, va, create, level);
}

int arch_map_page(uintptr_t va, paddr_t pa, unsigned int flags)
{
	int level;
	uint64_t *e = walk(va, true, &level);

	if (!e)
		return -ENOMEM;
	if (level != 1 || (*e & PTE_P))
		return -EEXIST;
	*e = (pa & PTE_ADDR) | paging_leaf_bits(flags, va);
	return 0;
}

int arch_unmap_page(uintptr_t va, paddr_t *pa)
{
	int level;
	uint64_t *e = walk(va, false, &level);

	if (!e || !(*e & PTE_P))
		return -ENOENT;
	if (level != 1)
		return -EINVAL;
	if (pa)
		*pa = *e & PTE_ADDR;
	*e = 0;
	invlpg(va);
	return 0;
}

int arch_protect_page(uintptr_t va, unsigned int flags)
{
	int level;
	uint64_t *e = walk(va, false, &level);

	if (!e || !(*e & PTE_P))
		return -ENOENT;
	if (level != 1)
		return -EINVAL;
	*e = (*e & PTE_ADDR) | paging_leaf_bits(flags, va);
	invlpg(va);
	return 0;
}

bool arch_translate(uintptr_t va, paddr_t *pa, unsigned int *flags)
{
	int level;
	uint64_t *e, size;

	if (!kernel_pml4)
		return false;
	e = walk(va, false, &level);
	if (!e || !(*e & PTE_P))
		return false;
	size = LEVEL_SIZE(level);
	if (pa)
		*pa = (*e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
	if (flags)
		*flags = paging_flags_of(*e);
	return true;
}

void arch_tlb_flush_page(uintptr_t va)
{
	invlpg(va);
}

void arch_tlb_flush_all(void)
{
	uint64_t cr4 = read_cr4();

	if (cr4 & CR4_PGE) { /* toggling PGE drops global entries too */
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

void arch_paging_get_stats(struct arch_paging_stats *st)
{
	st->table_pages = table_pages;
	st->direct_map_end = direct_map_end;
	for (int i = 0; i < 3; i++)
		st->direct_pages[i] = direct_pages[i];
	st->nx = nx_bit != 0;
	st->huge_1g = has_1g;
}

/* ---- Building the kernel page tables ---------------------------------- */

/* Walks the direct-map description in address order. */
struct map_cursor {
	const struct arch_phys_range *r;
	size_t n, i;
};

/* Does one range cover [pa, pa + size)? Its flags go to *flags. */
static bool is_uniform(struct map_cursor *c, paddr_t pa, uint64_t size, unsigned int *flags)
{
	while (c->i < c->n && c->r[c->i].end <= pa)
		c->i++;
	if (c->i == c->n)
		panic("paging: direct-map description ends before %#lx", (unsigned long)pa);
	*flags = c->r[c->i].flags & (ARCH_MAP_WRITE | ARCH_MAP_UNCACHED | ARCH_MAP_WC);
	return c->r[c->i].start <= pa && c->r[c->i].end >= pa + size;
}

/* Fill table @t (at @level) for virtual @va = DIRECT_MAP_BASE + @pa
 * onwards, up to physical @end, with the largest uniform leaves. */
static void fill_direct(uint64_t *t, int level, uintptr_t va, paddr_t pa, paddr_t end,
			struct map_cursor *c)
{
	uint64_t size = LEVEL_SIZE(level);
	bool large_ok = level == 1 || level == 2 || (level == 3 && has_1g);

	for (unsigned int i = paging_index(va, level); i < 512 && pa < end;
	     i++, va += size, pa += size) {
		unsigned int flags;
		paddr_t child;

		if (large_ok && pa + size <= end && is_uniform(c, pa, size, &flags)) {
			t[i] = pa | paging_leaf_bits(flags, va) | (level > 1 ? PTE_PS : 0);
			direct_pages[level - 1]++;
			continue;
		}
		if (level == 1)
			panic("paging: direct map range at %#lx is not page aligned",
			      (unsigned long)pa);
		child = new_table();
		if (!child)
			panic("paging: out of memory for the direct map");
		t[i] = child | PTE_P | PTE_W;
		fill_direct(phys_to_virt(child), level - 1, va, pa, end, c);
	}
}

/* Map [start, end) of the kernel image with @flags, 4 KiB pages. */
static void map_image_part(const char *start, const char *end, unsigned int flags)
{
	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE)
		if (arch_map_page(va, kernel_virt_to_phys((void *)va), flags))
			panic("paging: cannot map the kernel image at %#lx", (unsigned long)va);
}

static void detect_features(void)
{
	uint32_t a, b, c, d;

	if (rdmsr(MSR_EFER) & EFER_NXE) /* boot.S enabled it if the CPU has it */
		nx_bit = PTE_NX;
	cpuid(1, 0, &a, &b, &c, &d);
	has_pat = d & CPUID1_EDX_PAT;
	has_pge = d & CPUID_EDX_PGE;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	has_1g = d & CPUID81_EDX_PDPE1GB;
}

uint64_t paging_kernel_root(void)
{
	return kernel_pml4;
}

void paging_init_cpu(void)
{
	if (has_pat)
		wrmsr(MSR_PAT, PAT_VALUE);
	if (nx_bit)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(kernel_pml4);
	if (has_pge)
		write_cr4(read_cr4() | CR4_PGE);
	arch_tlb_flush_all();
}

void arch_paging_init(const struct arch_phys_range *map, size_t n)
{
	struct map_cursor cursor = { map, n, 0 };
	int level;

	detect_features();
	kernel_pml4 = new_table();
	if (!kernel_pml4 || n == 0)
		panic("paging: no memory for the kernel page tables");
	direct_map_end = map[n - 1].end;
	fill_direct(phys_to_virt(kernel_pml4), 4, DIRECT_MAP_BASE, 0, direct_map_end, &cursor);
	map_image_part(__text_start, __text_end, ARCH_MAP_EXEC);
	map_image_part(__rodata_start, __rodata_end, 0);
	map_image_part(__data_start, __kernel_end, ARCH_MAP_WRITE);
	/* The vmalloc area's top-level entry exists from the start, so every
	 * future address space can share the kernel half by copying it. */
	if (!walk(VMALLOC_BASE, true, &level))
		panic("paging: out of memory for the vmalloc tables");
	/* Every kernel-half top-level entry exists from boot on and never
	 * changes, so each address space copies them once (arch_as_create)
	 * and later kernel mappings show up in all of them. */
	for (unsigned int i = KERNEL_PML4_FIRST; i < 512; i++) {
		uint64_t *top = phys_to_virt(kernel_pml4);
		paddr_t pa;

		if (top[i] & PTE_P)
			continue;
		pa = new_table();
		if (!pa)
			panic("paging: out of memory for the kernel top level");
		top[i] = pa | PTE_P | PTE_W;
	}
	paging_init_cpu();
	log_info(
		"direct map 0-%#lx: %lu x 1 GiB, %lu x 2 MiB, %lu x 4 KiB; %lu table pages; NX %s\n",
		(unsigned long)direct_map_end, (unsigned long)direct_pages[2],
		(unsigned long)direct_pages[1], (unsigned long)direct_pages[0],
		(unsigned long)table_pages, nx_bit ? "on" : "unsupported");
}

/* ---- Page faults ------------------------------------------------------- */

static bool page_fault_adapter(struct trap_frame *f, uint64_t addr)
{
	struct arch_page_fault pf = {
		.addr = addr,
		.rip = f->rip,
		.rsp = f->rsp,
		.double_fault = f->vector == VEC_DOUBLE_FAULT,
	};

	if (!pf.double_fault) {
		pf.present = f->error_code & PF_PRESENT;
		pf.write = f->error_code & PF_WRITE;
		pf.user = f->error_code & PF_USER;
		pf.instr = f->error_code & PF_INSTR;
		pf.reserved = f->error_code & PF_RESERVED;
	}
	return pf_handler && pf_handler(&pf);
}

void arch_set_page_fault_handler(bool (*fn)(const struct arch_page_fault *pf))
{
	pf_handler = fn;
	trap_set_page_fault_hook(page_fault_adapter);
}

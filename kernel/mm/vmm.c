/*
 * Kernel virtual memory glue: describes physical memory to the arch layer
 * (RAM write-back, the framebuffer write-combining, the kernel image's text
 * and rodata read-only even in the direct map, everything else uncached),
 * switches to the kernel page tables, serialises page-table edits and
 * explains kernel page faults.
 * Locking: vm_lock (an IRQ-safe spinlock, LOCK_RANK_MM + 2)
 * guards every kernel page-table edit. It nests inside the vmalloc lock
 * and takes pmm_lock for page-table pages.
 */
#include "mm/vmm.h"

#include "boot/bootinfo.h"
#include "boot/fbmode.h"
#include "core/log.h"
#include "core/panic.h"
#include "mm/memrange.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "vmm: "

#define MAX_RANGES (BOOT_MMAP_MAX + 3)
#define MAX_SEGMENTS (2 * MAX_RANGES + 1)
#define GIB (1ull << 30)

extern char __text_start[], __rodata_end[];

/* Init-time scratch. */
static struct memrange ranges[MAX_RANGES];
static struct memrange segments[MAX_SEGMENTS];
static struct arch_phys_range direct_map[MAX_SEGMENTS];

static struct spinlock vm_spin = SPINLOCK_INIT("vm", LOCK_RANK_MM + 2);

static inline unsigned long vm_lock(void)
{
	return spin_lock_irqsave(&vm_spin);
}

static inline void vm_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&vm_spin, flags);
}

static bool is_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_ACPI_RECLAIMABLE ||
	       type == BOOT_MEM_ACPI_NVS;
}

/* Memory types of the direct map, later ranges winning; sets *end. */
static size_t describe_memory(const struct boot_info *bi, uint64_t *end)
{
	const unsigned int ram = ARCH_MAP_WRITE;
	const char *why;
	size_t n = 0;

	*end = 4 * GIB; /* MMIO below 4 GiB stays reachable */
	for (size_t i = 0; i < bi->mmap_count && n < MAX_RANGES - 2; i++) {
		const struct boot_mem_region *r = &bi->mmap[i];

		if (!is_ram(r->type) || r->base + r->length < r->base)
			continue;
		ranges[n++] = (struct memrange){ ALIGN_DOWN(r->base, PAGE_SIZE),
						 ALIGN_UP(r->base + r->length, PAGE_SIZE), ram };
		*end = MAX(*end, ALIGN_UP(r->base + r->length, GIB));
	}
	/* The kernel's text and rodata stay read-only in the direct map too. */
	ranges[n++] = (struct memrange){ kernel_virt_to_phys(__text_start),
					 kernel_virt_to_phys(__rodata_end), 0 };
	/* Only a framebuffer the console would accept: a wild pitch or size
	 * would paint RAM write-combining. */
	if (bi->has_fb && bi->fb.type == BOOT_FB_RGB && !bootfb_check(&bi->fb, 1, 1, 4 * GIB, &why))
		ranges[n++] = (struct memrange){
			ALIGN_DOWN(bi->fb.addr, PAGE_SIZE),
			ALIGN_UP(bi->fb.addr + (uint64_t)bi->fb.pitch * bi->fb.height, PAGE_SIZE),
			ARCH_MAP_WRITE | ARCH_MAP_WC
		};
	return n;
}

void vmm_init(void)
{
	uint64_t end;
	size_t n = describe_memory(bootinfo(), &end);
	int nseg = memrange_paint(ranges, n, 0, end, ARCH_MAP_WRITE | ARCH_MAP_UNCACHED, segments,
				  MAX_SEGMENTS);

	if (nseg <= 0)
		panic("vmm: cannot describe physical memory");
	for (int i = 0; i < nseg; i++)
		direct_map[i] = (struct arch_phys_range){ segments[i].start, segments[i].end,
							  segments[i].type };
	arch_paging_init(direct_map, (size_t)nseg);
	/* boot.S's page directories lie just below the boot stack and are dead
	 * now: unmapping their last page gives the boot stack a guard page. */
	if (!IS_ALIGNED((uintptr_t)boot_stack_bottom, PAGE_SIZE) ||
	    vmm_unmap_page((uintptr_t)boot_stack_bottom - PAGE_SIZE, NULL))
		log_warn("no guard page below the boot stack\n");
	arch_set_page_fault_handler(vmm_handle_page_fault);
}

int vmm_map_page(uintptr_t va, paddr_t pa, unsigned int flags)
{
	unsigned long f = vm_lock();
	int err = arch_map_page(va, pa, flags);

	vm_unlock(f);
	return err;
}

int vmm_unmap_page(uintptr_t va, paddr_t *pa)
{
	unsigned long f = vm_lock();
	int err = arch_unmap_page(va, pa);

	vm_unlock(f);
	if (!err)
		arch_tlb_shootdown(va, 1);
	return err;
}

size_t vmm_unmap_range(uintptr_t va, size_t pages, paddr_t *pas)
{
	unsigned long f = vm_lock();
	size_t done = 0;

	for (; done < pages; done++)
		if (arch_unmap_page(va + done * PAGE_SIZE, &pas[done]))
			break;
	vm_unlock(f);
	arch_tlb_shootdown(va, done); /* other CPUs; after the lock (see arch.h) */
	return done;
}

int vmm_protect_page(uintptr_t va, unsigned int flags)
{
	unsigned long f = vm_lock();
	int err = arch_protect_page(va, flags);

	vm_unlock(f);
	if (!err)
		arch_tlb_shootdown(va, 1);
	return err;
}

bool vmm_translate(uintptr_t va, paddr_t *pa, unsigned int *flags)
{
	return arch_translate(va, pa, flags);
}

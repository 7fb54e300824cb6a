/*
 * `mem`: physical memory totals (free + used = total, in pages), free
 * blocks per buddy order, the kernel's own memory use broken down, the
 * heap's size classes and the vmalloc area. `mem overflow` deliberately
 * overflows a guarded kernel stack to show the report (it panics).
 */
#include "mm/mem_cmd.h"

#include "arch/arch.h"
#include "core/console.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vmalloc.h"
#include "shell/shell.h"

#define KIB(pages) ((unsigned long)((pages) * (PAGE_SIZE / 1024)))
#define OVERFLOW_STACK_SIZE (16 * 1024)

uint64_t mem_kernel_bytes(void)
{
	struct pmm_stats p;

	pmm_get_stats(&p);
	return p.image_bytes + p.map_bytes + (p.total_pages - p.free_pages) * PAGE_SIZE;
}

static void print_physical(const struct pmm_stats *p)
{
	kprintf("pages: total %lu free %lu used %lu (%lu MiB managed of %lu MiB usable)\n",
		(unsigned long)p->total_pages, (unsigned long)p->free_pages,
		(unsigned long)(p->total_pages - p->free_pages),
		(unsigned long)(p->total_pages >> (20 - PAGE_SHIFT)),
		(unsigned long)(p->usable_bytes >> 20));
	kprintf("free blocks:");
	for (unsigned int o = 0; o < BUDDY_NR_ORDERS; o++)
		kprintf(" o%u=%lu", o, (unsigned long)p->free_blocks[o]);
	kprintf("\n");
}

static void print_kernel(const struct pmm_stats *p, const struct kmalloc_stats *k,
			 const struct vmalloc_stats *v)
{
	struct arch_paging_stats a;
	uint64_t used = p->total_pages - p->free_pages;
	uint64_t known, other;

	arch_paging_get_stats(&a);
	known = a.table_pages + k->heap_pages + v->alloc_pages + v->stack_pages;
	other = used > known ? used - known : 0;
	kprintf("kernel: %lu KiB = image %lu + frame map %lu + page tables %lu + heap %lu + vmalloc %lu + stacks %lu + other %lu KiB\n",
		(unsigned long)(mem_kernel_bytes() >> 10), (unsigned long)(p->image_bytes >> 10),
		(unsigned long)(p->map_bytes >> 10), KIB(a.table_pages), KIB(k->heap_pages),
		KIB(v->alloc_pages), KIB(v->stack_pages), KIB(other));
	kprintf("boot data reserved: %lu KiB; direct map to %#lx (%lu x 1G, %lu x 2M, %lu x 4K)\n",
		(unsigned long)(p->boot_bytes >> 10), (unsigned long)a.direct_map_end,
		(unsigned long)a.direct_pages[2], (unsigned long)a.direct_pages[1],
		(unsigned long)a.direct_pages[0]);
}

static void print_heap(const struct kmalloc_stats *k, const struct vmalloc_stats *v)
{
	kprintf("heap: %lu KiB in slabs and large blocks; %lu large allocations (%lu KiB)\n",
		KIB(k->heap_pages), (unsigned long)k->large_allocs, KIB(k->large_pages));
	for (unsigned int c = 0; c < SLAB_NR_CLASSES; c++)
		if (k->cls[c].slabs)
			kprintf("  %4u B: %lu objects in use, %lu slabs of %u\n", k->cls[c].size,
				(unsigned long)k->cls[c].inuse, (unsigned long)k->cls[c].slabs,
				k->cls[c].per_slab);
	kprintf("vmalloc: %lu areas, %lu KiB allocated, %lu KiB stacks, %lu KiB ioremap\n",
		(unsigned long)v->areas, KIB(v->alloc_pages), KIB(v->stack_pages),
		KIB(v->ioremap_pages));
}

/* Far deeper than any stack: 256 bytes a frame. */
static void __noinline recurse(void *depth)
{
	volatile char pad[256];

	pad[0] = (char)(uintptr_t)depth;
	if ((uintptr_t)depth < (1u << 30))
		recurse((char *)depth + 1);
	pad[1] = pad[0]; /* not a tail call */
}

static int overflow(void)
{
	struct kstack ks;

	if (kstack_alloc(&ks, OVERFLOW_STACK_SIZE, "mem-overflow") < 0) {
		kprintf("mem: no memory for the stack\n");
		return 1;
	}
	kprintf("mem: recursing on stack %#lx-%#lx until it overflows\n", (unsigned long)ks.bottom,
		(unsigned long)ks.top);
	arch_call_on_stack(recurse, NULL, ks.top);
	kstack_free(&ks);
	return 1; /* not reached */
}

static int cmd_mem(int argc, char **argv)
{
	struct pmm_stats p;
	struct kmalloc_stats k;
	struct vmalloc_stats v;

	if (argc == 2 && strcmp(argv[1], "overflow") == 0)
		return overflow();
	if (argc != 1)
		return shell_usage(shell_find("mem"));
	pmm_get_stats(&p);
	kmalloc_get_stats(&k);
	vmalloc_get_stats(&v);
	print_physical(&p);
	print_kernel(&p, &k, &v);
	print_heap(&k, &v);
	return 0;
}

static const char *const mem_subcmds[] = { "overflow", NULL };

SHELL_COMMAND(mem, .name = "mem", .group = "mm", .summary = "memory statistics",
	      .usage = "mem             totals, free blocks per order, kernel use, heap\n"
		       "       mem overflow    overflow a guarded kernel stack on purpose (panics)",
	      .fn = cmd_mem, .subcmds = mem_subcmds);

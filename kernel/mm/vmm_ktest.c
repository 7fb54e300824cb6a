/*
 * In-kernel tests of the page tables and the vmalloc area: W^X on the
 * kernel image (writes to text and rodata fault, data does not execute,
 * the direct-map alias of text is read-only), no identity map, the direct
 * map reaches all RAM, map/protect/unmap/translate, ioremap is uncached,
 * vmalloc guard pages, and a kernel stack overflow on a guarded stack is
 * diagnosed as such (the CPU raises a double fault; it is caught here).
 */
#include "boot/bootinfo.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

#define PF_WRITE_BIT 2u /* page-fault error code: write access */
#define PF_INSTR_BIT 16u
#define VECTOR_PAGE_FAULT 14u
#define VECTOR_DOUBLE_FAULT 8u

extern char __text_start[], __rodata_start[];
static const uint32_t some_rodata = 0x600dd00d;
static uint8_t some_data[64] __aligned(16) = { 0xc3 }; /* "ret", never run */

static void write_byte(void *p)
{
	*(volatile uint8_t *)p = 0x90;
}

static void read_byte(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void call_address(void *p)
{
	((void (*)(void))p)();
}

static void expect_page_fault(void (*fn)(void *), void *arg, unsigned int err_bits)
{
	struct arch_fault_info info;

	KASSERT(ktest_expect_fault(fn, arg, &info));
	KASSERT_EQ(info.vector, VECTOR_PAGE_FAULT);
	KASSERT_EQ(info.addr, (uintptr_t)arg);
	KASSERT_EQ(info.error_code & err_bits, err_bits);
}

KTEST(mm_wx_kernel_text_and_rodata_are_read_only)
{
	unsigned int flags;

	expect_page_fault(write_byte, __text_start + 64, PF_WRITE_BIT);
	expect_page_fault(write_byte, (void *)&some_rodata, PF_WRITE_BIT);
	/* The direct-map alias of the text is read-only too. */
	expect_page_fault(write_byte, phys_to_virt(kernel_virt_to_phys(__text_start)),
			  PF_WRITE_BIT);
	KASSERT(vmm_translate((uintptr_t)__text_start, NULL, &flags));
	KASSERT((flags & ARCH_MAP_EXEC) && !(flags & ARCH_MAP_WRITE));
	KASSERT(vmm_translate((uintptr_t)&some_rodata, NULL, &flags));
	KASSERT(!(flags & (ARCH_MAP_EXEC | ARCH_MAP_WRITE)));
}

KTEST(mm_wx_data_is_not_executable)
{
	struct arch_paging_stats st;
	unsigned int flags;

	arch_paging_get_stats(&st);
	KASSERT(vmm_translate((uintptr_t)some_data, NULL, &flags));
	KASSERT((flags & ARCH_MAP_WRITE) && !(flags & ARCH_MAP_EXEC));
	if (st.nx)
		expect_page_fault(call_address, some_data, PF_INSTR_BIT);
}

KTEST(mm_no_identity_map_of_low_memory)
{
	/* Fetches from low memory, where the boot tables had an identity map. */
	expect_page_fault(read_byte, (void *)0x100000, 0);
	expect_page_fault(read_byte, (void *)0x8000, 0);
}

KTEST(mm_direct_map_covers_all_ram)
{
	const struct boot_info *bi = bootinfo();
	paddr_t pa;

	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mem_region *r = &bi->mmap[i];
		paddr_t last = ALIGN_DOWN(r->base + r->length - 1, PAGE_SIZE);

		if (r->type != BOOT_MEM_USABLE || r->length < PAGE_SIZE)
			continue;
		KASSERT(vmm_translate((uintptr_t)phys_to_virt(last), &pa, NULL));
		KASSERT_EQ(pa, last);
		read_byte(phys_to_virt(last));
	}
	KASSERT(vmm_translate((uintptr_t)phys_to_virt(0xfee00000), &pa, NULL)); /* MMIO hole */
}

KTEST(mm_map_protect_unmap_translate)
{
	uintptr_t va = VMALLOC_AREA_END - 16 * PAGE_SIZE; /* unused by vmalloc */
	paddr_t pa = pmm_alloc_zeroed_page(), got;
	unsigned int flags;

	KASSERT(pa);
	KASSERT(!vmm_translate(va, NULL, NULL));
	KASSERT_EQ(vmm_map_page(va, pa, ARCH_MAP_WRITE), 0);
	KASSERT_EQ(vmm_map_page(va, pa, ARCH_MAP_WRITE), -17); /* -EEXIST */
	KASSERT(vmm_translate(va + 123, &got, &flags));
	KASSERT_EQ(got, pa + 123);
	KASSERT_EQ(flags, ARCH_MAP_WRITE);
	*(volatile uint32_t *)va = 0xfeedface;
	KASSERT_EQ(*(uint32_t *)phys_to_virt(pa), 0xfeedface);
	KASSERT_EQ(vmm_protect_page(va, 0), 0);
	expect_page_fault(write_byte, (void *)va, PF_WRITE_BIT);
	KASSERT_EQ(vmm_unmap_page(va, &got), 0);
	KASSERT_EQ(got, pa);
	expect_page_fault(read_byte, (void *)va, 0);
	KASSERT_EQ(vmm_unmap_page(va, NULL), -2); /* -ENOENT */
	pmm_free_page(pa);
}

KTEST(mm_ioremap_is_uncached)
{
	uint8_t *p = ioremap(0xfed00000 + 4, 8); /* the HPET's page */
	unsigned int flags;
	paddr_t pa;

	KASSERT(p);
	KASSERT(vmm_translate((uintptr_t)p, &pa, &flags));
	KASSERT_EQ(pa, 0xfed00004);
	KASSERT(flags & ARCH_MAP_UNCACHED);
	KASSERT(!(flags & ARCH_MAP_EXEC));
	iounmap(p + 2);
	KASSERT(!vmm_translate((uintptr_t)p, NULL, NULL));
	KASSERT(ioremap(0x1000, 0) == NULL);
}

KTEST(mm_vmalloc_has_guard_pages)
{
	uint8_t *a = vmalloc(3 * PAGE_SIZE), *b = vmalloc(PAGE_SIZE);
	char why[160];

	KASSERT(a && b);
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		KASSERT_EQ(a[i], 0);
	expect_page_fault(write_byte, a + 3 * PAGE_SIZE, PF_WRITE_BIT); /* overrun */
	expect_page_fault(write_byte, a - 1, PF_WRITE_BIT);		/* underrun */
	KASSERT(!vmm_describe_fault((uintptr_t)(a - 1), 0, true, why, sizeof(why)));
	KASSERT(strstr(why, "guard page"));
	vfree(b);
	vfree(a);
	KASSERT(!vmm_translate((uintptr_t)a, NULL, NULL));
	KASSERT(vmalloc(0) == NULL);
}

/* Sizes that cannot fit, some of which wrap the area search's arithmetic
 * (guard + size, start + size): every one is refused, nothing stays
 * reserved or mapped, and a small allocation still works afterwards. */
KTEST(mm_vmalloc_refuses_sizes_that_cannot_fit)
{
	static const size_t huge[] = {
		SIZE_MAX,
		SIZE_MAX - (PAGE_SIZE - 1),
		SIZE_MAX - PAGE_SIZE + 1 - PAGE_SIZE,
		(size_t)0 - VMALLOC_BASE,
		(size_t)0 - VMALLOC_BASE - PAGE_SIZE,
		(size_t)0 - VMALLOC_AREA_END,
		VMALLOC_AREA_END - VMALLOC_BASE,
		VMALLOC_AREA_END - VMALLOC_BASE - PAGE_SIZE + 1,
	};
	struct vmalloc_stats v0, v1;
	struct pmm_stats p0, p1;
	struct kstack ks;
	void *p;

	vmalloc_get_stats(&v0);
	pmm_get_stats(&p0);
	for (size_t i = 0; i < ARRAY_SIZE(huge); i++) {
		KASSERT(vmalloc(huge[i]) == NULL);
		KASSERT_EQ(kstack_alloc(&ks, huge[i], "huge"), -ENOMEM);
		KASSERT(ioremap(PAGE_SIZE, huge[i] - PAGE_SIZE) == NULL);
	}
	vmalloc_get_stats(&v1);
	pmm_get_stats(&p1);
	KASSERT_EQ(v1.areas, v0.areas);
	KASSERT_EQ(v1.alloc_pages, v0.alloc_pages);
	KASSERT_EQ(v1.stack_pages, v0.stack_pages);
	KASSERT_EQ(v1.ioremap_pages, v0.ioremap_pages);
	KASSERT_EQ(p1.free_pages, p0.free_pages);
	p = vmalloc(PAGE_SIZE);
	KASSERT(p != NULL);
	vfree(p);
}

/* Deeper than any stack: 256 bytes a frame. */
static void __noinline recurse(void *depth)
{
	volatile char pad[256];

	pad[0] = (char)(uintptr_t)depth;
	if ((uintptr_t)depth < (1u << 30))
		recurse((char *)depth + 1);
	pad[1] = pad[0];
}

static void overflow_on(void *ks)
{
	arch_call_on_stack(recurse, NULL, ((struct kstack *)ks)->top);
}

KTEST(mm_kstack_overflow_is_reported)
{
	struct arch_fault_info info;
	struct kstack ks;
	char why[160];

	KASSERT_EQ(kstack_alloc(&ks, 4 * PAGE_SIZE, "mm_ktest_task"), 0);
	KASSERT(ktest_expect_fault(overflow_on, &ks, &info));
	/* Pushing the #PF frame on the full stack faults again: a #DF. */
	KASSERT(info.vector == VECTOR_DOUBLE_FAULT || info.vector == VECTOR_PAGE_FAULT);
	KASSERT(info.addr >= ks.bottom - PAGE_SIZE && info.addr < ks.bottom);
	KASSERT(vmm_describe_fault(info.addr, 0, true, why, sizeof(why)));
	KASSERT(strstr(why, "kernel stack overflow"));
	KASSERT(strstr(why, "mm_ktest_task"));
	kstack_free(&ks);
	/* The boot stack has a guard page too. */
	KASSERT(vmm_describe_fault((uintptr_t)boot_stack_bottom - 8, 0, true, why, sizeof(why)));
	KASSERT(!vmm_translate((uintptr_t)boot_stack_bottom - 8, NULL, NULL));
}

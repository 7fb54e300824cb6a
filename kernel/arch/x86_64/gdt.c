/*
 * GDT and TSS setup. The GDT is flat (64-bit code ignores base and limit);
 * its only real jobs are the code segments' L bit and DPL, and the TSS,
 * which holds the interrupt stack table and the ring-0 stack for
 * interrupts from user mode. Reference: Intel SDM Vol. 3 §3.4.5, §7.2.3.
 */
#include "arch/x86_64/gdt.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "lib/string.h"

/* Segment descriptor access bytes and flags (SDM Vol. 3 §3.4.5). */
#define SEG_CODE64 0x00af9a000000ffffull /* P, DPL0, code, L */
#define SEG_DATA 0x00cf92000000ffffull	 /* P, DPL0, data, writable */
#define SEG_DPL3 (3ull << 45)
#define TSS_TYPE_AVAILABLE 0x9ull

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

static void set_tss_descriptor(uint64_t *slot, const struct tss *tss)
{
	uint64_t base = (uintptr_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (TSS_TYPE_AVAILABLE << 40) |
		  (1ull << 47) | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void reload_segments(void)
{
	/* Far return to reload CS, then the data segments. */
	__asm__ __volatile__("pushq %0\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movw %w1, %%ds\n\t"
			     "movw %w1, %%es\n\t"
			     "movw %w1, %%ss\n\t"
			     :
			     : "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA)
			     : "rax", "memory");
}

void gdt_load_cpu(struct gdt_cpu *t, const uintptr_t ist_tops[IST_COUNT])
{
	struct gdt_ptr ptr;

	memset(t, 0, sizeof(*t));
	t->gdt[GDT_KERNEL_CODE / 8] = SEG_CODE64;
	t->gdt[GDT_KERNEL_DATA / 8] = SEG_DATA;
	t->gdt[GDT_USER_DATA / 8] = SEG_DATA | SEG_DPL3;
	t->gdt[GDT_USER_CODE / 8] = SEG_CODE64 | SEG_DPL3;
	set_tss_descriptor(&t->gdt[GDT_TSS / 8], &t->tss);

	for (int i = 0; i < IST_COUNT; i++)
		t->tss.ist[i] = ist_tops[i] & ~0xfull;
	t->tss.iomap_base = sizeof(struct tss); /* no I/O permission bitmap */

	ptr.limit = sizeof(t->gdt) - 1;
	ptr.base = (uintptr_t)t->gdt;
	lgdt(&ptr);
	reload_segments();
	ltr(GDT_TSS);
}

void gdt_set_kernel_stack(struct gdt_cpu *t, uintptr_t rsp0)
{
	t->tss.rsp[0] = rsp0;
}

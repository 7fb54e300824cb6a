/*
 * IDT construction: 256 interrupt gates (IF cleared on entry) pointing at
 * the stubs of entry.S. Double fault, NMI and machine check run on IST
 * stacks so a corrupt or overflowed kernel stack cannot take them down.
 * Reference: Intel SDM Vol. 3 §6.14.1 (64-bit IDT gate descriptors).
 */
#include "arch/x86_64/idt.h"

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/layout.h"
#include "include/compiler.h"

#define GATE_INTERRUPT 0xe
#define GATE_PRESENT 0x80
#define GATE_DPL3 0x60

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

extern const uint64_t trap_stubs[256];

/* Written once by idt_init() on the boot CPU, then read-only. */
static struct idt_gate idt[256] __aligned(16);

static void set_gate(unsigned int vec, unsigned int ist, unsigned int dpl3)
{
	uint64_t addr = trap_stubs[vec];
	struct idt_gate *g = &idt[vec];

	g->offset_lo = addr & 0xffff;
	g->selector = GDT_KERNEL_CODE;
	g->ist = ist;
	g->type_attr = GATE_PRESENT | GATE_INTERRUPT | (dpl3 ? GATE_DPL3 : 0);
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_hi = addr >> 32;
	g->reserved = 0;
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, 0, v == 3);
	set_gate(2, IST_NMI, 0);
	set_gate(8, IST_DOUBLE_FAULT, 0);
	set_gate(18, IST_MACHINE_CHECK, 0);
}

void idt_load(void)
{
	struct idt_ptr ptr = { .limit = sizeof(idt) - 1, .base = (uintptr_t)idt };

	lidt(&ptr);
}

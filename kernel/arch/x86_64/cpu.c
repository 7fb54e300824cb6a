/*
 * Boot-CPU setup and machine-level services behind arch/arch.h: descriptor
 * tables, halting, register dumps, QEMU's isa-debug-exit, power off and
 * reset. ACPI-based power control replaces the fixed QEMU ports once the
 * FADT is parsed (acpi/).
 */
#include "arch/arch.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "core/console.h"

#define ISA_DEBUG_EXIT_PORT 0xf4
#define IST_STACK_SIZE 8192

/* QEMU's fixed ACPI PM1a control ports: ICH9 (q35) and PIIX4 (pc). */
#define QEMU_Q35_PM1A_CNT 0x604
#define QEMU_PIIX_PM1A_CNT 0xb004
#define PM1_SLP_EN (1u << 13)
#define KBC_COMMAND 0x64
#define KBC_PULSE_RESET 0xfe
#define POWEROFF_WAIT_CYCLES 200000000ull /* about 0.1 s at 2 GHz */

extern uint64_t boot_entry_tsc;

/* Boot CPU's tables and exception stacks; owner: boot CPU. */
static struct gdt_cpu boot_gdt;
static uint8_t boot_ist_stacks[IST_COUNT][IST_STACK_SIZE] __aligned(16);

void arch_init_cpu(void)
{
	uintptr_t tops[IST_COUNT];

	for (int i = 0; i < IST_COUNT; i++)
		tops[i] = (uintptr_t)&boot_ist_stacks[i][IST_STACK_SIZE];
	gdt_load_cpu(&boot_gdt, tops);
	idt_init();
	idt_load();
}

uint64_t arch_boot_entry_cycles(void)
{
	return boot_entry_tsc;
}

void arch_halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void arch_dump_regs(void)
{
	kprintf("  RSP=%016lx RBP=%016lx RFLAGS=%08lx\n", read_rsp(), read_rbp(),
		read_rflags());
	kprintf("  CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n", read_cr0(),
		read_cr2(), read_cr3(), read_cr4());
	kprintf("  EFER=%016lx\n", rdmsr(MSR_EFER));
}

void arch_debug_exit(uint32_t code)
{
	outl(ISA_DEBUG_EXIT_PORT, code);
}

void arch_poweroff(void)
{
	/* QEMU's S5 sleep type is 0 on both machines (its DSDT's \_S5). */
	uint64_t start;

	outw(QEMU_Q35_PM1A_CNT, PM1_SLP_EN);
	outw(QEMU_PIIX_PM1A_CNT, PM1_SLP_EN);
	/* QEMU acts on the sleep request asynchronously (its main loop stops
	 * the vCPUs): give it time before the debug-exit fallback. */
	start = rdtsc();
	while (rdtsc() - start < POWEROFF_WAIT_CYCLES)
		cpu_pause();
	arch_debug_exit(0);
	kprintf("poweroff: no method worked; halting\n");
	arch_halt_forever();
}

void arch_reboot(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed null_idt = { 0, 0 };

	outb(KBC_COMMAND, KBC_PULSE_RESET);
	/* Triple fault: no IDT, then an exception. */
	lidt(&null_idt);
	int3();
	arch_halt_forever();
}

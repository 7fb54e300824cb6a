/*
 * Boot-CPU setup and machine-level services behind arch/arch.h: descriptor
 * tables, halting, register dumps, QEMU's isa-debug-exit, power off and
 * reset. Power control tries ACPI first (acpi/power.c: FADT PM1 control
 * with \_S5, the FADT reset register); this file holds the fallbacks:
 * QEMU's fixed PM1a ports, the 8042 reset line and a triple fault.
 */
#include "arch/arch.h"

#include "acpi/power.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/syscall.h"
#include "core/console.h"
#include "time/ktime.h"

#define ISA_DEBUG_EXIT_PORT 0xf4
#define IST_STACK_SIZE 8192

/* QEMU's fixed ACPI PM1a control ports: ICH9 (q35) and PIIX4 (pc). */
#define QEMU_Q35_PM1A_CNT 0x604
#define QEMU_PIIX_PM1A_CNT 0xb004
#define PM1_SLP_EN (1u << 13)
#define KBC_COMMAND 0x64
#define KBC_STATUS_INPUT_FULL 0x02
#define KBC_PULSE_RESET 0xfe
#define KBC_WAIT_LOOPS 100000

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
	smp_this_arch()->tss = &boot_gdt.tss;
	idt_init();
	idt_load();
	fpu_init_boot();    /* x87/SSE/AVX for user threads */
	syscall_init_cpu(); /* syscall MSRs, SMEP, SMAP */
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
	kprintf("  RSP=%016lx RBP=%016lx RFLAGS=%08lx\n", read_rsp(), read_rbp(), read_rflags());
	kprintf("  CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n", read_cr0(), read_cr2(),
		read_cr3(), read_cr4());
	kprintf("  EFER=%016lx\n", rdmsr(MSR_EFER));
}

void arch_debug_exit(uint32_t code)
{
	outl(ISA_DEBUG_EXIT_PORT, code);
}

void arch_poweroff(void)
{
	int err = acpi_poweroff();

	kprintf("poweroff: ACPI S5 failed (%d), trying QEMU's PM1a ports\n", err);
	/* Fallback, QEMU-specific: its S5 sleep type is 0 on both machines
	 * (its DSDT's \_S5), at the PM1a ports of ICH9 and PIIX4. QEMU acts on
	 * the request asynchronously, so give each method time. */
	outw(QEMU_Q35_PM1A_CNT, PM1_SLP_EN);
	mdelay(100);
	outw(QEMU_PIIX_PM1A_CNT, PM1_SLP_EN);
	mdelay(100);
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
	int err = acpi_reboot();

	kprintf("reboot: ACPI reset register failed (%d), trying the 8042\n", err);
	for (int i = 0; i < KBC_WAIT_LOOPS && (inb(KBC_COMMAND) & KBC_STATUS_INPUT_FULL); i++)
		cpu_pause();
	outb(KBC_COMMAND, KBC_PULSE_RESET);
	for (int i = 0; i < KBC_WAIT_LOOPS; i++)
		cpu_pause();
	/* Triple fault: no IDT, then an exception. */
	lidt(&null_idt);
	int3();
	arch_halt_forever();
}

/* CPUID.01H:ECX bit 30 (Intel SDM Vol. 2A, CPUID). */
#define CPUID_1_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES 10 // Intel's DRNG guide: ten tries before giving up

bool arch_random_u64(uint64_t *out)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_RDRAND))
		return false;
	for (int i = 0; i < RDRAND_RETRIES; i++)
		if (rdrand64(out))
			return true;
	return false;
}

/*
 * The architecture seam: the only arch header generic code includes.
 * Everything here is implemented under arch/x86_64/ (inline ones below).
 * Contexts: all functions are IRQ-safe unless the comment says otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/layout.h"
#include "include/compiler.h"

typedef uint64_t paddr_t;

/* ---- Interrupt flag ---------------------------------------------------- */

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9)) /* RFLAGS.IF */
		__asm__ __volatile__("sti" ::: "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline bool arch_irqs_enabled(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

/* ---- CPU --------------------------------------------------------------- */

/* Spin-wait hint for busy loops. */
static inline void arch_cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

/* Enable interrupts and sleep until the next one arrives (idle loops). */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

/* Raw cycle counter (TSC). Use time/ktime.h for time. */
static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Full memory barrier (orders loads and stores, also against devices). */
static inline void arch_mb(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}

/* Stop this CPU for good with interrupts off. */
void arch_halt_forever(void) __noreturn;

/* Set up this CPU's descriptor tables: GDT with TSS and IST stacks, and the
 * IDT with a handler for every exception and a stub for every other vector.
 * Called once on the boot CPU, before anything can fault. */
void arch_init_cpu(void);

/* Print the calling context's general registers and control registers. */
void arch_dump_regs(void);

/* TSC value at the 32-bit entry point (saved by boot.S). */
uint64_t arch_boot_entry_cycles(void);

/* The first usable kernel stack (boot.S), for reporting overflows. */
extern char boot_stack_bottom[], boot_stack_top[];

/* ---- Emulator and power ------------------------------------------------ */

/* Exit QEMU through isa-debug-exit: the QEMU process exits with status
 * (code << 1) | 1. Returns only when the device is absent. */
void arch_debug_exit(uint32_t code);

/* Power the machine off. Never returns; halts if every method failed. */
void arch_poweroff(void) __noreturn;

/* Reset the machine. Never returns; halts if every method failed. */
void arch_reboot(void) __noreturn;

/* ---- Addresses --------------------------------------------------------- */

/* Direct map: every physical address is one addition away. */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP_BASE);
}

static inline paddr_t virt_to_phys_direct(const void *va)
{
	return (paddr_t)((uintptr_t)va - DIRECT_MAP_BASE);
}

/* Physical address of a kernel-image symbol. */
static inline paddr_t kernel_virt_to_phys(const void *va)
{
	return (paddr_t)((uintptr_t)va - KERNEL_VMA);
}

/* Is @va a canonical higher-half (kernel) address? */
static inline bool arch_is_kernel_addr(uintptr_t va)
{
	return va >= DIRECT_MAP_BASE;
}

/* ---- Recoverable faults (for the test harness and later usercopy) ------ */

/* A saved execution context for arch_setjmp/arch_longjmp: callee-saved
 * registers, stack pointer and resume address (switch.S layout). */
struct arch_jmpbuf {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

/* Save the context; returns 0, or the value passed to arch_longjmp when the
 * context is resumed. */
int arch_setjmp(struct arch_jmpbuf *jb) __attribute__((returns_twice));

/* Resume @jb (whose frame must still be live) with arch_setjmp returning
 * @val (non-zero). */
void arch_longjmp(struct arch_jmpbuf *jb, int val) __noreturn;

/* Fault information recorded when an expected fault is caught. */
struct arch_fault_info {
	unsigned int vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t addr; /* CR2 for page faults */
};

/*
 * Arm this CPU to catch the next exception of any kind: instead of being
 * fatal it is recorded in @info and execution resumes at @jb. Disarmed by
 * arch_fault_catch_end() or by the catch itself. Not nestable.
 */
void arch_fault_catch_begin(struct arch_jmpbuf *jb, struct arch_fault_info *info);
void arch_fault_catch_end(void);

/* ---- Time -------------------------------------------------------------- */

/* Frequency of arch_cycles() in Hz: from CPUID when the CPU reports it,
 * otherwise measured against the PIT (about 10 ms). Boot CPU. */
uint64_t arch_calibrate_cycles(void);

/* Register the platform's clock sources (HPET, TSC) and its clock-event
 * device (local APIC timer) with time/. Boot CPU, after arch_init_irq();
 * called by time_init(). */
void arch_init_clocks(void);

/* ---- Port I/O (x86 I/O space; portable drivers such as the 16550 and the
 * PCI 0xCF8 mechanism reach it only through these) --------------------- */

static inline void arch_outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t arch_inb(uint16_t port)
{
	uint8_t v;
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void arch_outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t arch_inw(uint16_t port)
{
	uint16_t v;
	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void arch_outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t arch_inl(uint16_t port)
{
	uint32_t v;
	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

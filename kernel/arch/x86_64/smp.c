/*
 * Multiprocessor bring-up and the scheduler's inter-processor interrupts.
 *
 * smp_init() starts every enabled processor of the MADT: it copies the
 * real-mode trampoline (ap_boot.S) to a free 16 KiB block below 1 MiB
 * together with temporary page tables (the kernel's upper half plus an
 * identity map of the first 2 MiB), sends INIT to all of them, waits the
 * SDM's 10 ms once, then starts them one at a time with STARTUP IPIs
 * (SDM Vol. 3 §8.4.4.1), each on the stack of its idle task. An AP sets up
 * its own descriptor tables, paging, local APIC, per-CPU data and tick,
 * then joins the scheduler. A processor that does not answer within
 * 100 ms is reported and skipped.
 * Locking: bring-up runs on the boot CPU only; ap_starting and ap_alive
 * hand one AP its data and carry its answer back (release/acquire).
 */
#include "arch/x86_64/smp.h"
#include "acpi/acpi.h"
#include "acpi/madt.h"
#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/irq_vectors.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/syscall.h"
#include "boot/bootinfo.h"
#include "core/log.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "irq/irq.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/vmalloc.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "time/ktime.h"
#include "time/tick.h"

#define LOG_PREFIX "smp: "

#define TRAMP_BYTES (4 * PAGE_SIZE) /* code page + PML4 + PDPT + PD */
#define TRAMP_LOWEST 0x1000ull
#define TRAMP_HIGHEST 0x9f000ull /* below the EBDA / video memory */
/* Real CPUs answer in microseconds; an emulated one waits for a host
 * thread, which a loaded host may not run for a while. */
#define AP_ANSWER_NS (1000 * NSEC_PER_MSEC)
#define IST_BYTES (8 * 1024)
#define PTE_PRESENT 0x1ull
#define PTE_WRITE 0x2ull
#define PTE_HUGE 0x80ull
#define EFER_LME (1ull << 8)

extern char ap_tramp_start[], ap_tramp_end[], ap_params_start[];
extern char ap_gdt[], ap_gdtr[], ap_far_ptr[], ap_tramp_64[];

/* The trampoline's parameter block (ap_boot.S, at ap_params_start). */
struct ap_params {
	uint64_t cr0, cr3, cr4, efer, stack, entry;
};

static paddr_t tramp_base;	   /* 0: no room found */
static struct percpu *ap_starting; /* the AP being started */
static bool ap_alive;		   /* it reached C and is set up */
static uint64_t bringup_ns;	   /* how long smp_init took */
static struct arch_percpu boot_arch_cpu;

static size_t tramp_off(const char *sym)
{
	return (size_t)(sym - ap_tramp_start);
}

/* Is [base, base + TRAMP_BYTES) usable RAM that nothing else uses? */
static bool tramp_fits(const struct boot_info *bi, paddr_t base)
{
	paddr_t end = base + TRAMP_BYTES;
	bool usable = false;

	if (base < bi->info_phys + bi->info_size && bi->info_phys < end)
		return false;
	for (size_t i = 0; i < bi->module_count; i++)
		if (base < bi->modules[i].end && bi->modules[i].start < end)
			return false;
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct boot_mem_region *r = &bi->mmap[i];

		if (base < r->base + r->length && r->base < end) {
			if (r->type != BOOT_MEM_USABLE)
				return false;
			usable |= r->base <= base && end <= r->base + r->length;
		}
	}
	return usable;
}

/* Copy the trampoline and build its page tables; returns 0 or -ENOMEM. */
static int tramp_install(void)
{
	const struct boot_info *bi = bootinfo();
	uint64_t *pml4, *pdpt, *pd;
	uint8_t *code;

	for (paddr_t b = TRAMP_LOWEST; b + TRAMP_BYTES <= TRAMP_HIGHEST; b += PAGE_SIZE)
		if (tramp_fits(bi, b)) {
			tramp_base = b;
			break;
		}
	if (!tramp_base)
		return -ENOMEM;
	code = phys_to_virt(tramp_base);
	memcpy(code, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	/* The two linear addresses real-mode code cannot compute itself. */
	*(uint32_t *)(code + tramp_off(ap_gdtr) + 2) = (uint32_t)(tramp_base + tramp_off(ap_gdt));
	*(uint32_t *)(code + tramp_off(ap_far_ptr)) =
		(uint32_t)(tramp_base + tramp_off(ap_tramp_64));

	pml4 = phys_to_virt(tramp_base + PAGE_SIZE);
	pdpt = phys_to_virt(tramp_base + 2 * PAGE_SIZE);
	pd = phys_to_virt(tramp_base + 3 * PAGE_SIZE);
	memcpy(pml4, phys_to_virt(paging_kernel_root()), PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	pd[0] = 0 | PTE_PRESENT | PTE_WRITE | PTE_HUGE; /* 0-2 MiB, identity */
	pdpt[0] = (tramp_base + 3 * PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	pml4[0] = (tramp_base + 2 * PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	return 0;
}

static void tramp_set_params(uintptr_t stack_top)
{
	struct ap_params *p = (struct ap_params *)((uint8_t *)phys_to_virt(tramp_base) +
						   tramp_off(ap_params_start));

	p->cr0 = read_cr0();
	p->cr3 = tramp_base + PAGE_SIZE;
	p->cr4 = read_cr4() & ~CR4_PGE;
	p->efer = EFER_LME | (rdmsr(MSR_EFER) & EFER_NXE);
	p->stack = stack_top;
	p->entry = (uint64_t)(uintptr_t)smp_ap_entry;
}

/* This CPU's descriptor tables with its own IST stacks. */
static int arch_percpu_setup(struct percpu *c)
{
	struct arch_percpu *a = kzalloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	for (int i = 0; i < IST_COUNT; i++) {
		if (kstack_alloc(&a->ist[i], IST_BYTES, "ist")) {
			while (i-- > 0)
				kstack_free(&a->ist[i]);
			kfree(a);
			return -ENOMEM;
		}
	}
	c->arch = a;
	return 0;
}

void smp_ap_entry(void)
{
	struct percpu *c = atomic_load_acquire(&ap_starting);
	uintptr_t tops[IST_COUNT];

	paging_init_cpu(); /* the kernel's own tables, PAT, NX, global pages */
	for (int i = 0; i < IST_COUNT; i++)
		tops[i] = c->arch->ist[i].top;
	gdt_load_cpu(&c->arch->gdt, tops);
	c->arch->tss = &c->arch->gdt.tss;
	idt_load();
	arch_set_percpu(c); /* after the segment reloads, which clear GS */
	fpu_init_cpu();	    /* x87/SSE/AVX for user threads */
	syscall_init_cpu(); /* syscall MSRs, SMEP, SMAP */
	lapic_init_cpu();
	tick_init_cpu();
	atomic_store_release(&ap_alive, true);
	sched_ap_main();
}

/* Start one AP; returns 0 or -ETIMEDOUT / -ENOMEM. */
static int start_ap(unsigned int id, uint32_t apic_id)
{
	struct percpu *c = percpu_alloc(id, apic_id);
	uintptr_t stack;
	uint64_t deadline;

	if (!c || arch_percpu_setup(c))
		return -ENOMEM;
	stack = sched_init_cpu(c);
	if (!stack)
		return -ENOMEM;
	tramp_set_params(stack);
	atomic_store_release(&ap_alive, false);
	atomic_store_release(&ap_starting, c);
	for (int attempt = 0; attempt < 2; attempt++) {
		lapic_send_startup(apic_id, (uint8_t)(tramp_base >> PAGE_SHIFT));
		deadline = ktime_ns() + (attempt ? AP_ANSWER_NS : 200 * NSEC_PER_USEC);
		while (ktime_ns() < deadline)
			if (atomic_load_acquire(&ap_alive))
				return 0;
	}
	return -ETIMEDOUT;
}

void arch_smp_init(void)
{
	const struct acpi_madt_info *m = acpi_madt();
	uint32_t me = lapic_id();
	unsigned int next_id = 1;
	uint64_t t0 = ktime_ns();
	int err;

	percpu_set_apic_id(this_cpu(), me);
	this_cpu()->arch = &boot_arch_cpu;
	smp_init_ipis();
	if (!m || m->cpu_count <= 1)
		goto out;
	if (tramp_install()) {
		log_warn("no free 16 KiB below 1 MiB for the AP trampoline: one CPU only\n");
		goto out;
	}
	for (unsigned int i = 0; i < m->cpu_count; i++)
		if (m->cpus[i].enabled && m->cpus[i].apic_id != me)
			lapic_send_init(m->cpus[i].apic_id);
	mdelay(10); /* SDM: INIT, 10 ms, then STARTUP */
	for (unsigned int i = 0; i < m->cpu_count && next_id < MAX_CPUS; i++) {
		const struct acpi_cpu *cpu = &m->cpus[i];

		if (!cpu->enabled || cpu->apic_id == me)
			continue;
		err = start_ap(next_id, cpu->apic_id);
		if (err) {
			log_warn("CPU with APIC id %u did not start (%d)\n", cpu->apic_id, err);
			break; /* its percpu slot is taken; stop rather than skip ids */
		}
		next_id++;
	}
out:
	bringup_ns = ktime_ns() - t0;
	log_info("%u CPU%s online in %lu ms (trampoline at %#lx)\n", percpu_online_count(),
		 percpu_online_count() == 1 ? "" : "s", (unsigned long)(bringup_ns / NSEC_PER_MSEC),
		 (unsigned long)tramp_base);
}

uint64_t arch_smp_bringup_ns(void)
{
	return bringup_ns;
}

struct arch_percpu *smp_this_arch(void)
{
	struct arch_percpu *a = this_cpu()->arch;

	return a ? a : &boot_arch_cpu;
}

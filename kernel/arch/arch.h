/*
 * The architecture seam: the only arch header generic code includes.
 * Everything here is implemented under arch/x86_64/ (inline ones below).
 * Contexts: all functions are IRQ-safe unless the comment says otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
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

/* 64 bits from the CPU's random number generator (RDRAND, retried a few
 * times as Intel advises) into @out. False when the CPU has none or it
 * kept failing. IRQ-safe. */
bool arch_random_u64(uint64_t *out);

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

/* ---- CPU identification (arch/x86_64/cpuinfo.c; the `cpu` and `regs`
 * shell commands print these) ------------------------------------------ */

struct arch_cpu_ident {
	char vendor[16];		      /* "GenuineIntel", "AuthenticAMD", ... */
	char brand[52];			      /* brand string, blanks trimmed; "" if none */
	unsigned int family, model, stepping; /* extended fields folded in */
	unsigned int phys_addr_bits, virt_addr_bits;
	unsigned int apic_id; /* initial APIC ID of the calling CPU */
	uint32_t max_leaf, max_ext_leaf;
};

/* Identify the calling CPU. */
void arch_cpu_identify(struct arch_cpu_ident *id);

/* Store in @names (up to @max) the names of the features the calling CPU
 * has, in a fixed order ("fpu", "sse2", "nx", ...). Returns how many the CPU
 * has, which may exceed @max. */
size_t arch_cpu_features(const char **names, size_t max);

/* A control or flags register, with its set bits decoded. */
struct arch_reg_desc {
	const char *name; /* "cr0", "efer", ... */
	uint64_t value;
	char decoded[112]; /* e.g. "PE MP ET NE WP AM PG" */
};

/* Describe the calling CPU's control registers and flags (up to @max).
 * Returns the number filled. */
size_t arch_describe_control_regs(struct arch_reg_desc *regs, size_t max);

/* ---- Emulator and power ------------------------------------------------ */

/* Exit QEMU through isa-debug-exit: the QEMU process exits with status
 * (code << 1) | 1. Returns only when the device is absent. */
void arch_debug_exit(uint32_t code);

/* Power the machine off. Never returns; halts if every method failed. */
void arch_poweroff(void) __noreturn;

/* Reset the machine. Never returns; halts if every method failed. */
void arch_reboot(void) __noreturn;

/* ---- Addresses --------------------------------------------------------- */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)

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

/* ---- Paging (arch/x86_64/paging.c) ------------------------------------ */

/* Mapping flags. Every mapping is readable; the rest opt in. */
enum {
	ARCH_MAP_WRITE = 1u << 0,
	ARCH_MAP_EXEC = 1u << 1,
	ARCH_MAP_USER = 1u << 2,
	ARCH_MAP_UNCACHED = 1u << 3, /* strong uncacheable: MMIO registers */
	ARCH_MAP_WC = 1u << 4,	     /* write-combining: framebuffers */
	ARCH_MAP_NONE = 1u << 5,     /* user page that keeps its frame, no access */
};

/* A piece of the physical address space and how the direct map maps it. */
struct arch_phys_range {
	paddr_t start, end;
	unsigned int flags; /* ARCH_MAP_* (EXEC and USER are ignored) */
};

/*
 * Build the kernel page tables and switch to them: the direct map of
 * physical [0, end of @map) at DIRECT_MAP_BASE (1 GiB pages when the CPU
 * has them, else 2 MiB, smaller only where @map changes type), described by
 * @map as @n sorted, disjoint, page-aligned ranges covering [0, end); the
 * kernel image at KERNEL_VMA with text R+X, rodata R, data and bss RW
 * (never W+X, all NX but text); top-level tables for the vmalloc area; no
 * identity map. Programs the PAT (WB, WC, UC- and UC) and enables global
 * pages. Page-table pages come from pmm. Boot CPU, once; panics if memory
 * runs out.
 */
void arch_paging_init(const struct arch_phys_range *map, size_t n);

/*
 * Kernel page-table edits (4 KiB pages; the caller serialises them: vmm
 * holds its lock). arch_map_page returns 0, -ENOMEM (no page-table page)
 * or -EEXIST (already mapped, or inside a large page).
 * arch_unmap_page and arch_protect_page return 0 or -ENOENT (not mapped)
 * or -EINVAL (a large page); both flush this CPU's TLB entry.
 */
int arch_map_page(uintptr_t va, paddr_t pa, unsigned int flags) __must_check;
int arch_unmap_page(uintptr_t va, paddr_t *pa) __must_check;
int arch_protect_page(uintptr_t va, unsigned int flags) __must_check;

/*
 * User address spaces: a top-level table whose kernel half (entries
 * KERNEL_PML4_FIRST..511, all allocated at boot and never changed) is
 * shared with the kernel's. The caller serialises edits of one address
 * space (struct mm's lock). arch_as_create returns the new root or 0
 * (out of memory). arch_as_destroy frees every user page-table page and
 * hands each mapped frame to @free_frame; the root must not be loaded on
 * any CPU. arch_as_map maps user page @va (ARCH_MAP_USER implied): 0,
 * -ENOMEM, -EEXIST or -EINVAL (a kernel address). arch_as_unmap returns 0,
 * -ENOENT or -EINVAL and flushes this CPU's TLB entry when @root is
 * loaded here (other CPUs: arch_as_flush). arch_as_translate also finds
 * ARCH_MAP_NONE pages (their flags say so).
 * arch_as_activate loads @root (0: the kernel's) if it is not loaded, and
 * records which root each CPU has loaded for arch_as_flush.
 */
paddr_t arch_as_create(void) __must_check;
void arch_as_destroy(paddr_t root, void (*free_frame)(paddr_t pa));
int arch_as_map(paddr_t root, uintptr_t va, paddr_t pa, unsigned int flags) __must_check;
int arch_as_unmap(paddr_t root, uintptr_t va, paddr_t *pa);
bool arch_as_translate(paddr_t root, uintptr_t va, paddr_t *pa, unsigned int *flags);
void arch_as_activate(paddr_t root);

/*
 * Range edits of a user half ([@start, @end) page aligned, below
 * USER_END; same locking as above). None of them flushes a TLB: the
 * caller calls arch_as_flush() before the old entries may do harm.
 * arch_as_copy maps every page of @src's range at the same address in
 * @dst, with @cow write-protected in both (copy-on-write), and calls
 * @get for each frame; returns how many pages, or -ENOMEM (a page-table
 * page; what was copied stays mapped) or -EEXIST. arch_as_protect sets the ARCH_MAP_* @flags of every mapped
 * page of the range, without WRITE on a page whose frame @may_write
 * (if not NULL) refuses; returns how many entries changed.
 * arch_as_unmap_range unmaps every page of the range, handing each frame
 * to @drop, then unlinks the page-table pages of the range left empty and
 * hands them to @drop too (to be freed after the flush, like frames);
 * returns how many pages it unmapped. arch_as_replace points the mapped user page
 * @va at @pa with @flags: 0, -ENOENT (not mapped) or -EINVAL.
 * arch_as_move moves the entries of @pages pages at @from to @to (which
 * must have none; frames and flags unchanged): 0, or -ENOMEM/-EEXIST with
 * nothing moved, or -EINVAL (outside the user half).
 */
long arch_as_copy(paddr_t dst, paddr_t src, uintptr_t start, uintptr_t end, bool cow,
		  void (*get)(paddr_t pa)) __must_check;
size_t arch_as_protect(paddr_t root, uintptr_t start, uintptr_t end, unsigned int flags,
		       bool (*may_write)(paddr_t pa));
size_t arch_as_unmap_range(paddr_t root, uintptr_t start, uintptr_t end,
			   void (*drop)(paddr_t pa, void *arg), void *arg);
int arch_as_replace(paddr_t root, uintptr_t va, paddr_t pa, unsigned int flags) __must_check;
int arch_as_move(paddr_t root, uintptr_t from, uintptr_t to, size_t pages) __must_check;

/*
 * TLB shootdown for a user address space: drop the entries for [@va, @va
 * + @pages pages) of @root on every CPU that has @root loaded (this one
 * included), waiting until each has. A CPU that loads @root later walks
 * the edited tables (the CR3 write flushes). Call with interrupts
 * enabled or disabled, holding no spinlock other than ones whose waiters
 * poll arch_tlb_poll() (struct mm's lock). arch_as_flush_local flushes
 * this CPU only (when @root is loaded here).
 */
void arch_as_flush(paddr_t root, uintptr_t va, size_t pages);
void arch_as_flush_local(paddr_t root, uintptr_t va, size_t pages);

/* Serve this CPU's pending TLB shootdown request, if any: for loops that
 * spin with interrupts off waiting for a lock a shootdown initiator may
 * hold. IRQ-safe. */
void arch_tlb_poll(void);

/* Physical address and ARCH_MAP_* flags of @va (any page size); false when
 * @va is not mapped. Lock-free: a racing edit may give either answer. */
bool arch_translate(uintptr_t va, paddr_t *pa, unsigned int *flags);

/* Flush this CPU's TLB entry for @va, or all entries (global ones too). */
void arch_tlb_flush_page(uintptr_t va);
void arch_tlb_flush_all(void);

struct arch_paging_stats {
	uint64_t table_pages;	  /* page-table pages allocated */
	uint64_t direct_map_end;  /* physical end of the direct map */
	uint64_t direct_pages[3]; /* direct-map leaves: 4 KiB, 2 MiB, 1 GiB */
	bool nx, huge_1g;
};
void arch_paging_get_stats(struct arch_paging_stats *st);

/* A kernel page fault (or a double fault, for diagnosing stack overflow),
 * decoded from the CPU's error code. */
struct arch_page_fault {
	uintptr_t addr; /* CR2 */
	uintptr_t rip, rsp;
	bool present, write, user, instr, reserved;
	bool double_fault; /* a #DF: only addr (stale CR2) and rsp are set */
};

/* Install mm's page-fault handler: called for kernel page faults before
 * they are reported as fatal, and for double faults to explain them. It
 * returns true when the fault was resolved and the access can be retried. */
void arch_set_page_fault_handler(bool (*fn)(const struct arch_page_fault *pf));

/* Call @fn(@arg) on the stack whose top is @stack_top (16-byte aligned),
 * then return on the caller's stack. For running code on a guarded stack
 * before threads exist. */
void arch_call_on_stack(void (*fn)(void *arg), void *arg, uintptr_t stack_top);

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

/* ---- Tasks and per-CPU data (arch/x86_64/switch.S, percpu.c) ----------- */

/* A task's saved CPU state while it is not running: callee-saved registers
 * live on its stack, the stack pointer here. A task with a user half
 * (root != 0) also has an FPU area and an FS base, loaded when it runs;
 * kernel tasks run on the kernel's page tables and never touch the FPU.
 * Owner task only (and the context switch). switch.c checks offsets. */
struct arch_context {
	uint64_t rsp;
	uintptr_t kstack_top; /* TSS rsp0 and the syscall stack; 0: never user */
	paddr_t root;	      /* page-table root; 0: the kernel's */
	uint64_t fs_base;     /* user FS base (TLS), with root only */
	void *fpu;	      /* FPU/SSE/AVX save area, with root only */
};

/*
 * Switch from the calling task to another: save the FPU state of @from
 * (if it has one), point TSS rsp0 and the syscall stack at @to's kernel
 * stack, load @to's page tables, FS base and FPU state, then save the
 * callee-saved registers (rbx, rbp, r12-r15) and the stack pointer into
 * @from, load @to's and return on @to's stack. Called with interrupts
 * disabled; returns (in the switched-from task) when something switches
 * back to @from.
 */
void arch_switch_to(struct arch_context *from, struct arch_context *to);

/* Prepare @ctx so that the first arch_switch_to() into it runs @entry() on
 * the stack ending at @stack_top (16-byte aligned) with interrupts still
 * disabled. @entry must not return. The top of the stack is kept free for
 * the register frame of entries from user mode. */
void arch_context_init(struct arch_context *ctx, uintptr_t stack_top, void (*entry)(void));

/*
 * Give the calling task a user half: page-table root @root and FPU area
 * @fpu (from arch_fpu_alloc, in its initial state, now loaded), FS base 0.
 * @ctx is the calling task's. arch_context_set_user(ctx, 0, NULL) goes
 * back to the kernel's tables (before the root is freed). IRQ-safe.
 */
void arch_context_set_user(struct arch_context *ctx, paddr_t root, void *fpu);

/* Set the calling task's user FS base (arch_prctl(ARCH_SET_FS)). */
void arch_set_fs_base(struct arch_context *ctx, uint64_t base);

/* An FPU save area in the state a new program starts with (FCW 0x37f,
 * MXCSR 0x1f80), or NULL when memory runs out; freed by arch_fpu_free. */
void *arch_fpu_alloc(void);
void arch_fpu_free(void *area);

/* Leave for user mode at @ip with stack pointer @sp, all other registers
 * zero, interrupts on. @ctx is the calling task's (with a user half).
 * System calls come back through syscall_dispatch() (syscall/syscall.h),
 * faults through proc_user_fault() (proc/proc.h). */
void arch_enter_user(struct arch_context *ctx, uintptr_t ip, uintptr_t sp) __noreturn;

/* The user registers a task entered the kernel with (its system call's
 * frame), opaque outside arch/: what fork gives the child. */
struct arch_user_regs {
	uint64_t words[22];
};

/* Copy the calling task's user registers (@ctx is its own) into @out,
 * and its live FPU/SSE/AVX state into @fpu (an arch_fpu_alloc area). */
void arch_user_regs_save(const struct arch_context *ctx, struct arch_user_regs *out, void *fpu);

/* Leave for user mode with @regs, rax = @ret and, if @sp is non-zero,
 * that stack pointer (a fork or clone child's first return). @ctx is the
 * calling task's, with a user half set. */
void arch_enter_user_regs(struct arch_context *ctx, const struct arch_user_regs *regs, uint64_t ret,
			  uintptr_t sp) __noreturn;

/* ---- signals (x86_64/signal_frame.c) ---- */
/* The calling task's user stack pointer, as saved at its entry to the
 * kernel (sigaltstack's "on the stack" test). */
uintptr_t arch_user_sp(void);

struct percpu;
struct task;

/* Start every other processor in the ACPI MADT (each joins the scheduler
 * through sched_init_cpu/sched_ap_main) and attach the IPI handlers. Boot
 * CPU, after sched_init(). Logs how many CPUs are online. */
void arch_smp_init(void);

/* How long arch_smp_init() took, in ns (for `make bench`). */
uint64_t arch_smp_bringup_ns(void);

/* Make every other online CPU drop its TLB entries for the kernel
 * mappings [@va, @va + @pages pages) before returning (this CPU flushes
 * its own in the unmap/protect call). Call with no spinlock held:
 * the other CPUs must be able to take the IPI (interrupts may be off
 * here; a CPU waiting here still answers others' requests). */
void arch_tlb_shootdown(uintptr_t va, size_t pages);

/* Shootdowns this kernel has sent (for tests). */
uint64_t arch_tlb_shootdown_count(void);

/* Stop every other online CPU for a panic: send each an NMI whose handler
 * halts it for good, and wait (at most about a second) until each says it
 * has stopped. Returns how many did; *@asked is how many were asked.
 * Interrupts off; takes no lock. For panic_begin() only. */
unsigned int arch_stop_other_cpus(unsigned int *asked);

/* Count this CPU as stopped for arch_stop_other_cpus() and halt it for
 * good with interrupts off (a second CPU that panics while another
 * reports). Takes no lock. */
void arch_stop_this_cpu(void) __noreturn;

/* Interrupt logical CPU @cpu so it looks at its run queue (an IPI whose
 * handler does nothing: the reschedule happens at interrupt exit). */
void arch_send_reschedule(unsigned int cpu);

/* Point this CPU's GS base at @c (c->self must equal c). */
void arch_set_percpu(struct percpu *c);

/* The calling CPU's per-CPU data and running task (single %gs loads). */
static inline struct percpu *arch_this_cpu(void)
{
	struct percpu *c;
	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

static inline struct task *arch_current_task(void)
{
	struct task *t;
	__asm__ __volatile__("movq %%gs:8, %0" : "=r"(t));
	return t;
}

static inline void arch_set_current_task(struct task *t)
{
	__asm__ __volatile__("movq %0, %%gs:8" : : "r"(t) : "memory");
}

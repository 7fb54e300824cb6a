/*
 * Exception handling: every CPU exception either resumes (int3, a caught
 * expected fault, an NMI) or is reported with its name, error code, RIP (with the
 * symbol), CR2 for page faults, the registers and a backtrace, then the
 * kernel stops through panic. Interrupt vectors are forwarded to the
 * dispatcher installed with trap_set_irq_handler().
 * Reference: Intel SDM Vol. 3 §6.15 (exception and interrupt reference).
 */
#include "arch/x86_64/trap.h"

#include <stddef.h>

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/syscall.h"
#include "core/ksyms.h"
#include "core/log.h"
#include "core/panic.h"
#include "lib/string.h"

#define LOG_PREFIX "trap: "

_Static_assert(offsetof(struct trap_frame, vector) == 15 * 8, "entry.S layout");
_Static_assert(offsetof(struct trap_frame, cs) == 18 * 8, "entry.S layout");
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "entry.S layout");
_Static_assert(offsetof(struct arch_jmpbuf, rsp) == 48, "jmp.S layout");
_Static_assert(offsetof(struct arch_jmpbuf, rip) == 56, "jmp.S layout");

static const char *const vector_names[32] = {
	"Divide Error",
	"Debug",
	"Non-Maskable Interrupt",
	"Breakpoint",
	"Overflow",
	"BOUND Range Exceeded",
	"Invalid Opcode",
	"Device Not Available",
	"Double Fault",
	"Coprocessor Segment Overrun",
	"Invalid TSS",
	"Segment Not Present",
	"Stack-Segment Fault",
	"General Protection",
	"Page Fault",
	"Reserved (15)",
	"x87 Floating-Point Error",
	"Alignment Check",
	"Machine Check",
	"SIMD Floating-Point",
	"Virtualization",
	"Control Protection",
	"Reserved (22)",
	"Reserved (23)",
	"Reserved (24)",
	"Reserved (25)",
	"Reserved (26)",
	"Reserved (27)",
	"Hypervisor Injection",
	"VMM Communication",
	"Security",
	"Reserved (31)",
};

/* Installed once during init, before interrupts are enabled. */
static void (*irq_handler)(struct trap_frame *f);
static bool (*page_fault_hook)(struct trap_frame *f, uint64_t addr);

/* The armed fault catcher is per CPU (struct arch_percpu); whoever arms
 * it keeps preemption off until it is disarmed, so the task cannot move. */

const char *trap_vector_name(unsigned int v)
{
	return v < 32 ? vector_names[v] : NULL;
}

void trap_set_irq_handler(void (*fn)(struct trap_frame *f))
{
	irq_handler = fn;
}

void trap_set_page_fault_hook(bool (*fn)(struct trap_frame *f, uint64_t addr))
{
	page_fault_hook = fn;
}

void arch_fault_catch_begin(struct arch_jmpbuf *jb, struct arch_fault_info *info)
{
	struct arch_percpu *a = smp_this_arch();

	a->catch_info = info;
	WRITE_ONCE(a->catch_jb, jb);
}

void arch_fault_catch_end(void)
{
	WRITE_ONCE(smp_this_arch()->catch_jb, NULL);
}

/* Resume an armed catcher: iretq "returns" into arch_longjmp(jb, 1) on the
 * catcher's own stack, with the interrupted context's RFLAGS (so IF comes
 * back as it was). Works for IST exceptions and overflowed stacks too. */
static bool try_catch(struct trap_frame *f, uint64_t addr)
{
	struct arch_percpu *a = smp_this_arch();
	struct arch_jmpbuf *jb = a->catch_jb;

	if (!jb || (f->cs & 3))
		return false;
	a->catch_jb = NULL;
	a->catch_info->vector = f->vector;
	a->catch_info->error_code = f->error_code;
	a->catch_info->rip = f->rip;
	a->catch_info->addr = addr;
	f->rip = (uintptr_t)arch_longjmp;
	f->rdi = (uintptr_t)jb;
	f->rsi = 1;
	f->rsp = (jb->rsp - 256) & ~0xfull;
	return true;
}

void trap_print_frame(const struct trap_frame *f)
{
	kprintf("  RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("  RSI=%016lx RDI=%016lx RBP=%016lx RSP=%016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
	kprintf("  R8 =%016lx R9 =%016lx R10=%016lx R11=%016lx\n", f->r8, f->r9, f->r10, f->r11);
	kprintf("  R12=%016lx R13=%016lx R14=%016lx R15=%016lx\n", f->r12, f->r13, f->r14, f->r15);
	kprintf("  RIP=%016lx CS=%04lx RFLAGS=%08lx SS=%04lx\n", f->rip, f->cs, f->rflags, f->ss);
	kprintf("  CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n", read_cr0(), read_cr2(),
		read_cr3(), read_cr4());
}

static void print_page_fault(const struct trap_frame *f, uint64_t addr)
{
	uint64_t e = f->error_code;

	kprintf("  page fault at %016lx: %s, %s access, %s mode%s\n", addr,
		(e & PF_PRESENT) ? "protection violation" : "page not present",
		(e & PF_INSTR)	 ? "instruction fetch"
		: (e & PF_WRITE) ? "write"
				 : "read",
		(e & PF_USER) ? "user" : "kernel",
		(e & PF_RESERVED) ? ", reserved bit set in a page-table entry" : "");
}

/*
 * Return address of the function at f->rip when that function set up no
 * frame (it does not start with "push %rbp; mov %rsp,%rbp"): then its
 * caller's return address is still on top of the stack. 0 otherwise.
 */
static uintptr_t frameless_leaf_return(const struct trap_frame *f)
{
	static const uint8_t prologue[4] = { 0x55, 0x48, 0x89, 0xe5 };
	uintptr_t off, ret;
	const uint8_t *fn;

	if (!ksyms_lookup(f->rip, &off) || !arch_is_kernel_addr(f->rsp) || (f->rsp & 7))
		return 0;
	fn = (const uint8_t *)(f->rip - off);
	if (memcmp(fn, prologue, sizeof(prologue)) == 0 && off >= sizeof(prologue))
		return 0;
	ret = *(const uintptr_t *)f->rsp;
	return ksyms_lookup(ret, &off) ? ret : 0;
}

static void __noreturn fatal_exception(struct trap_frame *f, uint64_t addr)
{
	char sym[96];

	panic_begin();
	ksyms_format(f->rip, sym, sizeof(sym));
	kprintf("\nFATAL EXCEPTION: #%u %s, error code %#lx, RIP %016lx <%s>\n",
		(unsigned int)f->vector, vector_names[f->vector], f->error_code, f->rip, sym);
	if (f->vector == VEC_PAGE_FAULT)
		print_page_fault(f, addr);
	if (f->vector == VEC_DOUBLE_FAULT)
		kprintf("  (running on the double-fault IST stack; a kernel stack overflow is the usual cause)\n");
	trap_print_frame(f);
	backtrace_print(f->rip, frameless_leaf_return(f), f->rbp);
	panic_end();
}

/*
 * An NMI is never the fault an armed catcher waits for (it can arrive at
 * any instruction, the catcher's too), and it does not mean the code it
 * interrupted is broken. It stops this CPU when another CPU panics
 * (cpu_stop.c); any other NMI (QEMU's `nmi` monitor command, a watchdog)
 * is counted and the interrupted code resumes. Nothing is printed: the
 * interrupted code may hold the console lock.
 */
static void handle_nmi(void)
{
	struct arch_percpu *a = smp_this_arch();

	WRITE_ONCE(a->nmis, a->nmis + 1);
	if (smp_stop_requested())
		arch_stop_this_cpu();
}

static void handle_exception(struct trap_frame *f)
{
	/* CR2 also for a #DF: a stack overflow's page fault left it there. */
	uint64_t addr =
		(f->vector == VEC_PAGE_FAULT || f->vector == VEC_DOUBLE_FAULT) ? read_cr2() : 0;
	char sym[96];

	if (f->vector == VEC_NMI) {
		handle_nmi();
		return;
	}
	if ((f->cs & 3) && f->vector != VEC_MACHINE_CHECK && f->vector != VEC_DOUBLE_FAULT) {
		syscall_user_exception(f, addr); /* returns only if resolved */
		return;
	}
	if (syscall_fixup_exception(f, addr))
		return;
	if (f->vector == VEC_BREAKPOINT) {
		ksyms_format(f->rip - 1, sym, sizeof(sym));
		log_info("int3 breakpoint at %016lx <%s>, resuming\n", f->rip - 1, sym);
		return;
	}
	if (try_catch(f, addr))
		return;
	if (f->vector == VEC_PAGE_FAULT && page_fault_hook && page_fault_hook(f, addr))
		return;
	if (f->vector == VEC_DOUBLE_FAULT && page_fault_hook)
		page_fault_hook(f, addr); /* explains a stack overflow; never resolves */
	fatal_exception(f, addr);
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < VEC_FIRST_IRQ) {
		handle_exception(f);
		return;
	}
	if (irq_handler) {
		irq_handler(f);
		syscall_irq_return(f); /* a killed process ends before user mode */
		return;
	}
	log_warn("interrupt on vector %lu with no dispatcher\n", f->vector);
}

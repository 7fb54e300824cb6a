/*
 * User mode on x86_64, the C side: syscall/sysret set-up (STAR, LSTAR,
 * FMASK), SMEP and SMAP, the system-call path entry.S calls, the first
 * entry into user mode, exceptions from user mode (handed to the process
 * layer) and the user-copy exception table.
 * Reference: Intel SDM Vol. 2B SYSCALL/SYSRET, Vol. 3 §5.8.8 (fast system
 * calls), §4.6 (SMEP/SMAP), §6.14 (64-bit exception frames).
 * Locking: none; per-CPU state with interrupts disabled.
 */
#include "arch/x86_64/syscall.h"

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/signal_frame.h"
#include "arch/x86_64/trap.h"
#include "lib/string.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "syscall/syscall.h"

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_AC (1ull << 18)
#define RFLAGS_USER_INIT (RFLAGS_IF | 0x2) /* bit 1 is always set */
/* sysret to a non-canonical rip faults in ring 0 on Intel CPUs: only
 * return with it below the last user page (Linux's TASK_SIZE_MAX). */
#define SYSRET_RIP_MAX (USER_END - PAGE_SIZE)

extern char syscall_entry[];
void arch_return_to_frame(struct trap_frame *f) __noreturn;

uint8_t usercopy_smap; /* Written once per boot (same on every CPU) */

void syscall_init_cpu(void)
{
	uint32_t a, b, c, d;

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* syscall loads CS = 0x08, SS = 0x10; sysret CS = 0x20|3, SS = 0x18|3. */
	wrmsr(MSR_STAR, ((uint64_t)(GDT_KERNEL_DATA) << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return;
	cpuid(7, 0, &a, &b, &c, &d);
	if (b & CPUID7_EBX_SMEP)
		write_cr4(read_cr4() | CR4_SMEP);
	if (b & CPUID7_EBX_SMAP) {
		write_cr4(read_cr4() | CR4_SMAP);
		usercopy_smap = 1;
	}
}

static bool can_sysret(const struct trap_frame *f)
{
	return f->rip < SYSRET_RIP_MAX && f->cs == GDT_USER_CODE && f->ss == GDT_USER_DATA &&
	       !(f->rflags & (RFLAGS_TF | RFLAGS_RF));
}

#define NR_RT_SIGRETURN 15

bool syscall_from_user(struct trap_frame *f)
{
	unsigned long args[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	long nr = (long)f->rax;

	if (nr == NR_RT_SIGRETURN) {
		signal_frame_return(f); /* every register is the frame's: iretq */
		signal_frame_deliver(f, -1);
		return false;
	}
	f->rax = (uint64_t)syscall_dispatch((unsigned long)nr, args);
	/* Pending signals, restarts; a kill ends here. Checked inline first:
	 * nearly every call has neither. */
	if (signal_frame_is_restart((long)f->rax) || signal_work_pending())
		signal_frame_deliver(f, nr);
	return can_sysret(f);
}

void arch_enter_user(struct arch_context *ctx, uintptr_t ip, uintptr_t sp)
{
	struct trap_frame *f = (struct trap_frame *)ctx->kstack_top - 1;

	arch_irq_disable();
	memset(f, 0, sizeof(*f));
	f->rip = ip;
	f->cs = GDT_USER_CODE;
	f->rflags = RFLAGS_USER_INIT;
	f->rsp = sp;
	f->ss = GDT_USER_DATA;
	arch_return_to_frame(f);
}

_Static_assert(sizeof(struct arch_user_regs) == sizeof(struct trap_frame), "user regs");

void arch_user_regs_save(const struct arch_context *ctx, struct arch_user_regs *out, void *fpu)
{
	const struct trap_frame *f = (const struct trap_frame *)ctx->kstack_top - 1;
	unsigned long flags;

	memcpy(out, f, sizeof(*out));
	flags = arch_irq_save(); /* the live registers are this task's */
	fpu_save(fpu);
	arch_irq_restore(flags);
}

void arch_enter_user_regs(struct arch_context *ctx, const struct arch_user_regs *regs, uint64_t ret,
			  uintptr_t sp)
{
	struct trap_frame *f = (struct trap_frame *)ctx->kstack_top - 1;

	arch_irq_disable();
	memcpy(f, regs, sizeof(*f));
	f->rax = ret;
	if (sp)
		f->rsp = sp;
	f->cs = GDT_USER_CODE;
	f->ss = GDT_USER_DATA;
	f->rflags = (f->rflags & ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF)) | RFLAGS_USER_INIT;
	arch_return_to_frame(f);
}

void syscall_irq_return(struct trap_frame *f)
{
	if ((f->cs & 3) != 3 || !signal_work_pending())
		return;
	arch_irq_enable(); /* on the way to user mode: nothing of the kernel's is held */
	signal_frame_deliver(f, -1);
	arch_irq_disable(); /* trap_return's swapgs must not be interrupted */
}

/* Linux's signal for an exception vector (arch/x86/kernel/traps.c). */
static int signal_of(unsigned int vector)
{
	switch (vector) {
	case VEC_DIVIDE:
		return PROC_SIGFPE;
	case VEC_INVALID_OPCODE:
		return PROC_SIGILL;
	case VEC_DEBUG:
	case VEC_BREAKPOINT:
		return PROC_SIGTRAP;
	case 16: /* x87 floating point */
	case 19: /* SIMD floating point */
		return PROC_SIGFPE;
	case 17: /* alignment check */
		return PROC_SIGBUS;
	default:
		return PROC_SIGSEGV;
	}
}

void syscall_user_exception(struct trap_frame *f, uint64_t addr)
{
	struct proc_fault pf = {
		.addr = addr,
		.ip = f->rip,
		.sp = f->rsp,
		.error_code = f->error_code,
		.vector = (unsigned int)f->vector,
		.signal = signal_of((unsigned int)f->vector),
	};

	if (f->vector == VEC_PAGE_FAULT) {
		pf.is_page_fault = true;
		arch_irq_enable(); /* user mode had them on; resolving may block */
		pf.signal = proc_user_page_fault(addr, f->error_code & PF_WRITE,
						 f->error_code & PF_INSTR);
		if (!pf.signal) {
			signal_frame_deliver(f, -1);
			arch_irq_disable(); /* trap_return's swapgs must not be interrupted */
			return;
		}
	}
	arch_irq_enable();
	if (proc_signal_fault(&pf)) { /* a handler catches it */
		signal_frame_deliver(f, -1);
		arch_irq_disable();
		return;
	}
	proc_user_fault(&pf); /* does not return */
}

/* __ex_table (usercopy.S): an instruction that may fault on user memory
 * and where to resume. */
struct extable_entry {
	uint64_t insn, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

bool syscall_fixup_exception(struct trap_frame *f, uint64_t addr)
{
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn != f->rip)
			continue;
		if (f->vector == VEC_PAGE_FAULT && addr < USER_END &&
		    proc_mm_fault(addr, f->error_code & PF_WRITE, false))
			return true; /* retry the access */
		f->rip = e->fixup;
		return true;
	}
	return false;
}

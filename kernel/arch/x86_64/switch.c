/*
 * The C side of the context switch (switch.S) and of per-CPU data: the
 * initial frame of a new task; the per-task machine state a switch moves
 * (FPU/SSE/AVX registers, page-table root, FS base, the kernel stack in
 * TSS rsp0 and for the syscall entry); and the GS base that points at the
 * CPU's struct percpu (Intel SDM Vol. 3 §3.4.4: the base of GS in 64-bit
 * mode comes from the IA32_GS_BASE MSR; §7.7: TSS rsp0).
 * Locking: everything here is the calling CPU's, with interrupts off.
 */
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"
#include "sched/percpu.h"

_Static_assert(offsetof(struct arch_context, rsp) == 0, "switch.S CTX_RSP");
_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "arch_this_cpu() reads %gs:0");
_Static_assert(offsetof(struct percpu, current) == PERCPU_CURRENT,
	       "arch_current_task() reads %gs:8");
_Static_assert(offsetof(struct percpu, kernel_sp) == PERCPU_KERNEL_SP, "entry.S syscall");
_Static_assert(offsetof(struct percpu, user_sp) == PERCPU_USER_SP, "entry.S syscall");

void arch_switch_stacks(struct arch_context *from, struct arch_context *to);

/* The registers switch.S pops, lowest address first, then its return. */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;	   /* popped by switch.S's ret: the entry point */
	uint64_t fake_ret; /* entry's own "return address" (0: ends backtraces) */
};

void arch_context_init(struct arch_context *ctx, uintptr_t stack_top, void (*entry)(void))
{
	/* Below the frame an entry from user mode builds at the very top. */
	uintptr_t top = stack_top - sizeof(struct trap_frame);
	struct switch_frame *f = (struct switch_frame *)(top - sizeof(*f));

	/* At entry rsp = top - 8, as after a call from a 16-byte aligned
	 * frame (System V ABI §3.2.2). */
	*f = (struct switch_frame){ .ret = (uint64_t)(uintptr_t)entry };
	*ctx = (struct arch_context){ .rsp = (uint64_t)(uintptr_t)f, .kstack_top = stack_top };
}

/* Point this CPU's user-entry stacks at @top. */
static void set_kernel_stack(uintptr_t top)
{
	smp_this_arch()->tss->rsp[0] = top;
	this_cpu()->kernel_sp = top;
}

void arch_switch_to(struct arch_context *from, struct arch_context *to)
{
	if (from->fpu)
		fpu_save(from->fpu);
	if (to->kstack_top)
		set_kernel_stack(to->kstack_top);
	arch_as_activate(to->root);
	if (to->fpu) {
		fpu_restore(to->fpu);
		wrmsr(MSR_FS_BASE, to->fs_base);
	}
	arch_switch_stacks(from, to);
}

void arch_context_set_user(struct arch_context *ctx, paddr_t root, void *fpu)
{
	unsigned long flags = arch_irq_save();

	ctx->root = root;
	ctx->fpu = fpu;
	ctx->fs_base = 0;
	arch_as_activate(root);
	if (fpu) {
		fpu_restore(fpu);
		wrmsr(MSR_FS_BASE, 0);
	}
	arch_irq_restore(flags);
}

void arch_set_fs_base(struct arch_context *ctx, uint64_t base)
{
	unsigned long flags = arch_irq_save();

	ctx->fs_base = base;
	wrmsr(MSR_FS_BASE, base);
	arch_irq_restore(flags);
}

void *arch_fpu_alloc(void)
{
	return fpu_alloc();
}

void arch_fpu_free(void *area)
{
	fpu_free(area);
}

void arch_set_percpu(struct percpu *c)
{
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

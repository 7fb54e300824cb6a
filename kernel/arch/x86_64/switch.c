/*
 * The C side of the context switch (switch.S) and of per-CPU data: the
 * initial frame of a new task, and the GS base that points at the CPU's
 * struct percpu (Intel SDM Vol. 3 §3.4.4: the base of GS in 64-bit mode
 * comes from the IA32_GS_BASE MSR).
 */
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "sched/percpu.h"

_Static_assert(offsetof(struct arch_context, rsp) == 0, "switch.S CTX_RSP");
_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "arch_this_cpu() reads %gs:0");
_Static_assert(offsetof(struct percpu, current) == PERCPU_CURRENT,
	       "arch_current_task() reads %gs:8");

/* The registers switch.S pops, lowest address first, then its return. */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;	   /* popped by switch.S's ret: the entry point */
	uint64_t fake_ret; /* entry's own "return address" (0: ends backtraces) */
};

void arch_context_init(struct arch_context *ctx, uintptr_t stack_top, void (*entry)(void))
{
	struct switch_frame *f = (struct switch_frame *)(stack_top - sizeof(*f));

	/* At entry rsp = stack_top - 8, as after a call from a 16-byte aligned
	 * frame (System V ABI §3.2.2). */
	*f = (struct switch_frame){ .ret = (uint64_t)(uintptr_t)entry };
	ctx->rsp = (uint64_t)(uintptr_t)f;
}

void arch_set_percpu(struct percpu *c)
{
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

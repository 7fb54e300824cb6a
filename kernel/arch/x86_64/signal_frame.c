/*
 * Linux's x86_64 signal frame: on the user stack (or the alternate stack
 * with SA_ONSTACK), below the 128-byte red zone, the FPU state in the
 * xsave/fxsave layout (64-byte aligned, its address in
 * uc_mcontext.fpstate), then struct rt_sigframe { pretcode (the
 * SA_RESTORER trampoline: the handler's return address), ucontext,
 * siginfo }, placed so that rsp + 8 is 16-byte aligned at the handler's
 * entry as the ABI wants. The handler runs with rdi = signal, rsi =
 * &siginfo, rdx = &ucontext. rt_sigreturn reads the ucontext back: the
 * general registers, rip and rsp (canonical user addresses only), the
 * flags Linux lets user mode change (FIX_EFLAGS), user segments always,
 * the mask and a sanitised FPU state; a frame it cannot read ends the
 * process with SIGSEGV. Interrupted system calls (-ERESTARTSYS,
 * -ERESTARTNOHAND, -ERESTARTNOINTR) become -EINTR when a handler runs
 * (ERESTARTSYS restarts under SA_RESTART) and are restarted otherwise:
 * rip back over the 2-byte syscall, rax the original number.
 * Reference: Linux arch/x86/kernel/signal.c, signal_64.c,
 * arch/x86/include/uapi/asm/sigcontext.h, ucontext.h.
 * Locking: none (the calling thread's own frame and memory; proc/signal.c
 * locks the signal state).
 */
#include "arch/x86_64/signal_frame.h"

#include "arch/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "sched/task.h"

#define RED_ZONE 128
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define SYSCALL_INSN_LEN 2
/* CF PF AF ZF SF TF DF OF AC RF: what sigreturn may change (Linux's FIX_EFLAGS) */
#define FIX_EFLAGS 0x40dd5ull
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_RF (1ull << 16)

/* struct sigcontext (uapi/asm/sigcontext.h), 256 bytes. */
struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate;
	uint64_t reserved1[8];
};

struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};

struct linux_ucontext {
	uint64_t uc_flags, uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext");
_Static_assert(sizeof(struct linux_ucontext) == 304, "ucontext");
_Static_assert(__builtin_offsetof(struct rt_sigframe, info) == 312, "rt_sigframe");

/* The handler starts with a program's initial FPU state (Linux's
 * fpu__clear_user_states); the area is made once, read-only after. */
static void *init_fpu;

static void handler_fpu_init(void)
{
	void *area = READ_ONCE(init_fpu);
	unsigned long flags;

	if (!area) {
		area = fpu_alloc();
		if (!area)
			return; /* keeps the interrupted state: harmless */
		if (!__sync_bool_compare_and_swap(&init_fpu, NULL, area)) {
			fpu_free(area);
			area = READ_ONCE(init_fpu);
		}
	}
	flags = arch_irq_save();
	fpu_restore(area);
	arch_irq_restore(flags);
}

/* Build the frame for @d; false when user memory cannot take it. */
static bool setup_frame(struct trap_frame *f, const struct signal_delivery *d)
{
	struct thread *p = thread_current();
	size_t fpsize = fpu_area_size();
	uint64_t sp = f->rsp, fpstate, frame_addr;
	struct rt_sigframe fr;
	unsigned long flags;
	bool was_on = signal_on_altstack(sp);

	if (!(d->act.flags & SA_RESTORER))
		return false; /* x86_64 has no kernel trampoline (Linux: SIGSEGV) */
	if ((d->act.flags & SA_ONSTACK) && p->altstack_size && !(p->altstack_flags & SS_DISABLE) &&
	    !was_on)
		sp = p->altstack_sp + p->altstack_size;
	else
		sp -= RED_ZONE;
	if (sp < fpsize + sizeof(fr) + 64)
		return false;
	fpstate = (sp - fpsize) & ~63ull;
	frame_addr = ((fpstate - sizeof(fr)) & ~15ull) - 8;

	memset(&fr, 0, sizeof(fr));
	fr.pretcode = d->act.restorer;
	fr.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	fr.uc.uc_stack.ss_sp = p->altstack_sp;
	fr.uc.uc_stack.ss_size = p->altstack_size;
	fr.uc.uc_stack.ss_flags = (!p->altstack_size ? SS_DISABLE
				   : was_on	     ? SS_ONSTACK
						     : 0) |
				  p->altstack_flags;
	struct linux_sigcontext *mc = &fr.uc.uc_mcontext;
	mc->r8 = f->r8, mc->r9 = f->r9, mc->r10 = f->r10, mc->r11 = f->r11;
	mc->r12 = f->r12, mc->r13 = f->r13, mc->r14 = f->r14, mc->r15 = f->r15;
	mc->rdi = f->rdi, mc->rsi = f->rsi, mc->rbp = f->rbp, mc->rbx = f->rbx;
	mc->rdx = f->rdx, mc->rax = f->rax, mc->rcx = f->rcx, mc->rsp = f->rsp;
	mc->rip = f->rip, mc->eflags = f->rflags;
	mc->cs = (uint16_t)f->cs, mc->ss = (uint16_t)f->ss;
	if (f->vector < 32) {
		mc->trapno = f->vector;
		mc->err = f->error_code;
	}
	if (d->sig == PROC_SIGSEGV || d->sig == PROC_SIGBUS)
		mc->cr2 = d->info.addr;
	mc->oldmask = d->old_mask;
	mc->fpstate = fpstate;
	fr.uc.uc_sigmask = d->old_mask;
	signal_fill_siginfo(&fr.info, d->sig, &d->info);

	/* The live FPU registers into the thread's area, then out to the
	 * frame: a switch while copying saves the same values again. */
	flags = arch_irq_save();
	fpu_save(p->fpu);
	arch_irq_restore(flags);
	if (copy_to_user(uptr(fpstate), p->fpu, fpsize) ||
	    copy_to_user(uptr(frame_addr), &fr, sizeof(fr)))
		return false;
	handler_fpu_init();
	if (p->altstack_flags & SS_AUTODISARM) { /* until sigreturn restores uc_stack */
		p->altstack_sp = 0;
		p->altstack_size = 0;
		p->altstack_flags = 0;
	}

	f->rdi = (uint64_t)d->sig;
	f->rsi = frame_addr + __builtin_offsetof(struct rt_sigframe, info);
	f->rdx = frame_addr + __builtin_offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rsp = frame_addr;
	f->rip = d->act.handler;
	f->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF);
	f->cs = GDT_USER_CODE;
	f->ss = GDT_USER_DATA;
	return true;
}

void signal_frame_deliver(struct trap_frame *f, long nr)
{
	bool restart = nr >= 0 && signal_frame_is_restart((long)f->rax);
	struct signal_delivery d;

	while ((restart || signal_work_pending()) && signal_next(&d)) {
		if (restart) {
			long ret = (long)f->rax;

			restart = false;
			if (ret == -ERESTARTNOINTR ||
			    (ret == -ERESTARTSYS && (d.act.flags & SA_RESTART))) {
				f->rax = (uint64_t)nr;
				f->rip -= SYSCALL_INSN_LEN;
			} else {
				f->rax = (uint64_t)-EINTR;
			}
		}
		if (!setup_frame(f, &d))
			signal_force_exit(PROC_SIGSEGV);
	}
	if (restart) { /* no handler ran: the call starts again */
		f->rax = (uint64_t)nr;
		f->rip -= SYSCALL_INSN_LEN;
	}
}

void signal_frame_return(struct trap_frame *f)
{
	struct thread *p = thread_current();
	uint64_t frame_addr = f->rsp - 8;
	struct linux_ucontext uc;
	const struct linux_sigcontext *mc = &uc.uc_mcontext;
	size_t fpsize = fpu_area_size();

	if (copy_from_user(&uc, uptr(frame_addr + __builtin_offsetof(struct rt_sigframe, uc)),
			   sizeof(uc)) ||
	    mc->rip >= USER_END || mc->rsp >= USER_END)
		signal_force_exit(PROC_SIGSEGV);
	if (mc->fpstate) {
		uint8_t *raw, *buf;
		unsigned long flags;

		if (mc->fpstate & 63)
			signal_force_exit(PROC_SIGSEGV);
		raw = kmalloc(fpsize + 64);
		if (!raw)
			signal_force_exit(PROC_SIGSEGV);
		buf = (uint8_t *)ALIGN_UP((uintptr_t)raw, 64);
		if (copy_from_user(buf, uptr(mc->fpstate), fpsize)) {
			kfree(raw);
			signal_force_exit(PROC_SIGSEGV);
		}
		fpu_sanitize(buf);
		flags = arch_irq_save();
		memcpy(p->fpu, buf, fpsize);
		fpu_restore(p->fpu);
		arch_irq_restore(flags);
		kfree(raw);
	}
	f->r8 = mc->r8, f->r9 = mc->r9, f->r10 = mc->r10, f->r11 = mc->r11;
	f->r12 = mc->r12, f->r13 = mc->r13, f->r14 = mc->r14, f->r15 = mc->r15;
	f->rdi = mc->rdi, f->rsi = mc->rsi, f->rbp = mc->rbp, f->rbx = mc->rbx;
	f->rdx = mc->rdx, f->rax = mc->rax, f->rcx = mc->rcx, f->rsp = mc->rsp;
	f->rip = mc->rip;
	f->rflags = (f->rflags & ~FIX_EFLAGS) | (mc->eflags & FIX_EFLAGS);
	f->cs = GDT_USER_CODE;
	f->ss = GDT_USER_DATA;
	signal_set_mask(uc.uc_sigmask);
	/* uc_stack back (Linux's restore_altstack: refused quietly while
	 * the restored rsp is on the alternate stack) */
	(void)signal_altstack_set(f->rsp, uc.uc_stack.ss_sp, uc.uc_stack.ss_flags,
				  uc.uc_stack.ss_size);
}

uintptr_t arch_user_sp(void)
{
	const struct trap_frame *f = (const struct trap_frame *)task_current()->ctx.kstack_top - 1;

	return f->rsp;
}

/*
 * The C side of user mode on x86_64 (syscall.c): the syscall MSRs, SMEP
 * and SMAP, the system-call and user-fault paths from entry.S and trap.c,
 * and the exception table of the user-copy routines (usercopy.S).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

/* Enable syscall/sysret (EFER.SCE, STAR, LSTAR, FMASK) and SMEP/SMAP when
 * the CPU has them, on the calling CPU. Interrupts disabled. */
void syscall_init_cpu(void);

/* entry.S's syscall path: dispatch the call in @f (rax = number, args in
 * rdi, rsi, rdx, r10, r8, r9), store the result in rax. Returns true when
 * sysretq may return to @f (canonical rip below the top user page, user
 * segments, no TF/RF), false for iretq. Interrupts on. */
bool syscall_from_user(struct trap_frame *f);

/* An exception taken in user mode (trap.c): resolve a page fault in the
 * process's memory, or end the process. Interrupts disabled. */
void syscall_user_exception(struct trap_frame *f, uint64_t addr);

/* A kernel-mode exception: if @f->rip is a user-copy instruction, first
 * try to resolve a page fault on a user address (demand paging), then
 * resume at the routine's fixup (which returns -EFAULT or the bytes left).
 * Returns true when handled. */
bool syscall_fixup_exception(struct trap_frame *f, uint64_t addr);

/* At the end of an interrupt (trap.c): if it came from user mode and a
 * signal is pending, deliver it now (signal_frame.c; a kill ends the
 * process). Interrupts off, and off again on return. */
void syscall_irq_return(struct trap_frame *f);

/* Whether SMAP is on (usercopy.S reads it to decide on stac/clac). */
extern uint8_t usercopy_smap;

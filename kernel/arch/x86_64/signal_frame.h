/*
 * Signal delivery on x86_64 (signal_frame.c): Linux's rt_sigframe on the
 * way back to user mode, rt_sigreturn, and the restart of interrupted
 * system calls. Arch-internal: syscall.c calls it.
 */
#pragma once

#include "arch/x86_64/trap.h"
#include "proc/signal.h" /* ERESTART* */

/* Deliver what is pending on the way to user mode with frame @f. @nr:
 * the system call that ran (its result in f->rax, maybe -ERESTART*), or
 * -1 after an interrupt or exception. Interrupts enabled. May sleep, may
 * not return (the process ends). */
void signal_frame_deliver(struct trap_frame *f, long nr);

/* Is @ret a system call's request to be restarted (-ERESTART*)? */
static inline bool signal_frame_is_restart(long ret)
{
	return ret == -ERESTARTSYS || ret == -ERESTARTNOHAND || ret == -ERESTARTNOINTR;
}

/* rt_sigreturn: restore what the handler's frame saved into @f (a bad
 * frame ends the process with SIGSEGV). Interrupts enabled. */
void signal_frame_return(struct trap_frame *f);

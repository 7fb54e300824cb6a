/*
 * Futexes (futex(2)): a thread sleeps on a 32-bit user word until another
 * wakes it. Keys: a private futex (FUTEX_PRIVATE_FLAG, or any word in a
 * private mapping) is (mm, address); a shared one in a MAP_SHARED mapping
 * is (physical page, offset), so two processes mapping the same memory
 * meet. Also the exit-time duties: clear_child_tid's zero-and-wake and
 * the robust-list walk (Documentation/robust-futex-ABI.rst).
 * Locking: futex_lock (LOCK_RANK_WAITQ - 1, IRQ-safe) guards the hash
 * table and every waiter's link, key and woken flag; taken holding no
 * other lock, never across a user access.
 */
#pragma once

#include <stdint.h>

#include "include/compiler.h"
#include "mm/usercopy.h"

struct thread;

/* futex(@uaddr, @op, @val, @utime, @uaddr2, @val3) with Linux's rules:
 * WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAIT_BITSET, WAKE_BITSET (others
 * -ENOSYS, logged once). Returns the woken/requeued count, 0, -EAGAIN,
 * -ETIMEDOUT, -EINVAL, -EFAULT, -ENOSYS, or a restart code when a signal
 * interrupts a wait. May sleep. */
long futex_syscall(uptr_t uaddr, int op, uint32_t val, uptr_t utime, uptr_t uaddr2, uint32_t val3);

/* Wake up to @nr waiters of the word at @uaddr in the calling process
 * (shared key rules, as Linux's exit path). Returns how many, or -errno. */
long futex_wake_user(uptr_t uaddr, int nr);

/* A thread leaving (exit or exec): walk @th's robust list (each lock it
 * holds gets FUTEX_OWNER_DIED and one waiter woken), then zero and wake
 * its clear_child_tid. The mm must still be the process's. May sleep. */
void futex_thread_release(struct thread *th);

/* Waiters queued now (tests). */
unsigned int futex_nr_waiters(void);

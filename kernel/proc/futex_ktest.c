/*
 * In-kernel tests of proc/futex.c's argument checks as the system call
 * sees them from a task without an address space: an unaligned word is
 * -EINVAL before anything else, any other word -EFAULT (no mm to key it
 * in), unknown and PI commands -ENOSYS, FUTEX_CLOCK_REALTIME outside the
 * bitset wait -ENOSYS, and none of them leaves a waiter queued.
 */
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "proc/futex.h"
#include "proc/futex_core.h"

KTEST(futex_argument_checks)
{
	unsigned int before = futex_nr_waiters();

	KASSERT_EQ(futex_syscall(uptr(0x1001), FUTEX_WAKE, 1, uptr(0), uptr(0), 0), -EINVAL);
	KASSERT_EQ(futex_syscall(uptr(0x1000), FUTEX_WAKE, 1, uptr(0), uptr(0), 0), -EFAULT);
	KASSERT_EQ(futex_syscall(uptr(0x1000), FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, uptr(0), uptr(0),
				 0),
		   -EFAULT);
	KASSERT_EQ(futex_syscall(uptr(0x1000), FUTEX_WAKE_OP, 1, uptr(0), uptr(0), 0), -ENOSYS);
	KASSERT_EQ(futex_syscall(uptr(0x1000), FUTEX_LOCK_PI, 0, uptr(0), uptr(0), 0), -ENOSYS);
	KASSERT_EQ(futex_syscall(uptr(0x1000), FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, uptr(0),
				 uptr(0), 0),
		   -ENOSYS);
	KASSERT_EQ(futex_syscall(uptr(0x1000), FUTEX_CMP_REQUEUE, (uint32_t)-1, uptr(1),
				 uptr(0x2000), 0),
		   -EINVAL);
	KASSERT_EQ(futex_nr_waiters(), before);
}

/*
 * The race-widening pause of sync/sync_debug.h.
 * Locking: sync_debug_window_ns is atomic; the pause takes no lock.
 */
#include "sync/sync_debug.h"

#include "arch/arch.h"
#include "include/atomic.h"
#include "time/ktime.h"

uint64_t sync_debug_window_ns;
static unsigned int calls; /* Atomic */

void sync_debug_pause(void)
{
	/* 0, 1/2, 1 or 2 windows in turn, so that a waker's pause sometimes
	 * outlasts the pause in the waiter's own release path. */
	static const uint8_t halves[] = { 0, 1, 2, 4 };
	unsigned int n = atomic_fetch_add(&calls, 1);
	uint64_t end = ktime_ns() + READ_ONCE(sync_debug_window_ns) * halves[n % 4] / 2;

	while (ktime_ns() < end)
		arch_cpu_relax();
}

/*
 * Debug switch for the synchronisation primitives: a pause inside each
 * wake-up path, between the moment a waiter can see the change (a count,
 * a free owner) and the wake-up itself. Tests set it to widen the race
 * between a waker and a waiter that frees the object as soon as its wait
 * returns (sync/lifetime_ktest.c); release builds compile it out.
 */
#pragma once

#include <stdint.h>

#include "include/compiler.h"

/* Atomic. Length of the pause in ns; 0 (the default) is off. */
extern uint64_t sync_debug_window_ns;

/* Spin for sync_debug_window_ns. Any context. */
void sync_debug_pause(void);

/* The hook the primitives call: nothing unless a test armed it. */
static inline void sync_debug_window(void)
{
	if (CONFIG_DEBUG_ENABLED && READ_ONCE(sync_debug_window_ns))
		sync_debug_pause();
}

/*
 * panic(): report a broken kernel invariant and stop. Prints the message,
 * the registers and a backtrace with symbol names, then halts. Every
 * other CPU is stopped (NMI) before the report starts, and the footer says
 * how many acknowledged. Never for bad input: see STYLE.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

void panic(const char *fmt, ...) __printf(1, 2) __noreturn __noinline;

/* The pieces, for reporters that print their own details (fatal
 * exceptions): panic_begin() disables interrupts, claims the report (a CPU
 * that panics while another reports halts here for good, quietly), stops
 * the other CPUs and keeps other output paths from deadlocking;
 * panic_end() prints the footer (with the stopped-CPU count) and halts. */
void panic_begin(void);
void panic_end(void) __noreturn;

/* True once any CPU has started panicking. */
bool panic_in_progress(void);

/* When set, a panic exits QEMU with a failure status (through
 * isa-debug-exit) instead of halting: used by boot-time test runs. */
void panic_set_exit_on_panic(bool on);

/* Print "backtrace:" and one line per frame, starting at @rip with frame
 * pointer @rbp; stops at RBP 0, a non-kernel or misaligned frame, or 32
 * frames. @leaf_ret, when not 0, is the return address of a frameless leaf
 * function at @rip (GCC gives leaf functions no frame even with
 * -fno-omit-frame-pointer), printed as the second frame. */
void backtrace_print(uintptr_t rip, uintptr_t leaf_ret, uintptr_t rbp);

/* Exit status used by isa-debug-exit when a panic ends a test run. */
#define PANIC_EXIT_CODE 0x12 /* QEMU exits with 37 */

/* Assertions are checked in debug builds (NDEBUG is set for release). */
#ifdef NDEBUG
#define assert(x) ((void)0)
#else
#define assert(x)                                                                      \
	do {                                                                           \
		if (unlikely(!(x)))                                                    \
			panic("assertion failed: %s (%s:%d)", #x, __FILE__, __LINE__); \
	} while (0)
#endif

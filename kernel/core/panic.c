/*
 * panic() and backtraces. A backtrace follows the frame-pointer chain
 * (every file is built with -fno-omit-frame-pointer) and names each return
 * address through the embedded symbol table (core/ksyms.c). A fault while
 * printing the report (a corrupt frame chain) ends it with a note instead
 * of recursing.
 * Before printing, the reporting CPU stops every other CPU (NMI, through
 * arch_stop_other_cpus), so the report is not interleaved with their
 * output and nothing else runs, writes to disks or takes locks.
 * Locking: panic_cpu is an atomic; the first CPU to claim it reports, a
 * second one that panics meanwhile halts quietly as a stopped CPU.
 */
#include "core/panic.h"

#include <stdarg.h>

#include "arch/arch.h"
#include "core/ksyms.h"
#include "core/log.h"
#include "sched/percpu.h"

#define MAX_FRAMES 32
#define NO_CPU (-1)

static int panic_cpu = NO_CPU;		      /* Atomic: the CPU reporting a panic */
static unsigned int cpus_asked, cpus_stopped; /* Written by panic_cpu */
static bool exit_on_panic;

bool panic_in_progress(void)
{
	return __atomic_load_n(&panic_cpu, __ATOMIC_RELAXED) != NO_CPU;
}

void panic_set_exit_on_panic(bool on)
{
	exit_on_panic = on;
}

void panic_begin(void)
{
	int me, prev = NO_CPU;

	arch_irq_disable();
	me = (int)this_cpu_id();
	if (!__atomic_compare_exchange_n(&panic_cpu, &prev, me, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		if (prev != me)
			arch_stop_this_cpu(); /* another CPU reports; it counts us */
		/* A panic inside the panic report: say so once and stop. */
		console_write("\n[nested panic while reporting a panic; halting]\n", 51);
		arch_halt_forever();
	}
	cpus_stopped = arch_stop_other_cpus(&cpus_asked);
}

void panic_end(void)
{
	kprintf("  other CPUs: %u of %u stopped\n", cpus_stopped, cpus_asked);
	kprintf("--- end of kernel panic report; system halted ---\n");
	if (exit_on_panic)
		arch_debug_exit(PANIC_EXIT_CODE);
	arch_halt_forever();
}

static bool frame_is_sane(uintptr_t rbp, uintptr_t prev)
{
	return rbp != 0 && (rbp & 7) == 0 && arch_is_kernel_addr(rbp) && (prev == 0 || rbp > prev);
}

void backtrace_print(uintptr_t rip, uintptr_t leaf_ret, uintptr_t rbp)
{
	char sym[96];
	uintptr_t prev = 0;
	int i = 1;

	kprintf("backtrace:\n");
	ksyms_format(rip, sym, sizeof(sym));
	kprintf("  #0  %016lx %s\n", rip, sym);
	if (leaf_ret) {
		ksyms_format(leaf_ret - 1, sym, sizeof(sym));
		kprintf("  #1  %016lx %s\n", leaf_ret, sym);
		i++;
	}
	for (; i < MAX_FRAMES && frame_is_sane(rbp, prev); i++) {
		const uintptr_t *frame = (const uintptr_t *)rbp;
		uintptr_t ret = frame[1];

		if (ret == 0)
			break;
		/* Name the call instruction, not the one after it. */
		ksyms_format(ret - 1, sym, sizeof(sym));
		kprintf("  #%-2d %016lx %s\n", i, ret, sym);
		prev = rbp;
		rbp = frame[0];
	}
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	kprintf("\nKERNEL PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	arch_dump_regs();
	/* Start at our caller: frame[1] is its return address, frame[0] its RBP. */
	const uintptr_t *frame = __builtin_frame_address(0);
	backtrace_print(frame[1], 0, frame[0]);
	panic_end();
}

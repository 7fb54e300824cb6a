/*
 * The `trap` shell command: raise a CPU exception on purpose, to see (and
 * test) how the kernel reports it. int3 resumes; the others are fatal.
 */
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "core/console.h"
#include "lib/string.h"
#include "shell/shell.h"

static const char *const trap_kinds[] = { "int3", "pf", "gp", "ud", "de", NULL };

static void __noinline raise_page_fault(void)
{
	/* An address in the unmapped hole below the kernel image. */
	volatile uint64_t *bad = (volatile uint64_t *)0xffffffff7ff00000ull;

	*bad = 0xdead;
}

static void __noinline raise_gp(void)
{
	/* A non-canonical address: #GP(0), not a page fault. */
	volatile uint64_t *bad = (volatile uint64_t *)0x8000000000000000ull;

	*bad = 1;
}

static void __noinline raise_divide(void)
{
	volatile unsigned int zero = 0;
	// cppcheck-suppress zerodiv ; dividing by zero is the point
	volatile unsigned int x = 1 / zero;

	(void)x;
}

static int cmd_trap(int argc, char **argv)
{
	if (argc != 2)
		return shell_usage(shell_find("trap"));
	if (strcmp(argv[1], "int3") == 0) {
		int3();
		kprintf("trap: resumed after int3\n");
		return 0;
	}
	if (strcmp(argv[1], "pf") == 0)
		raise_page_fault();
	else if (strcmp(argv[1], "gp") == 0)
		raise_gp();
	else if (strcmp(argv[1], "ud") == 0)
		__asm__ __volatile__("ud2");
	else if (strcmp(argv[1], "de") == 0)
		raise_divide();
	else
		return shell_usage(shell_find("trap"));
	kprintf("trap: %s did not fault\n", argv[1]);
	return 1;
}

SHELL_COMMAND(trap, .name = "trap", .group = "debug", .summary = "raise a CPU exception on purpose",
	      .usage = "trap int3|pf|gp|ud|de   (int3 resumes; the others stop the kernel)",
	      .fn = cmd_trap, .subcmds = trap_kinds);

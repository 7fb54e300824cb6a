/*
 * In-kernel tests. KTEST(name) { ... } defines a test and registers it in
 * the .ktest linker section; tests live beside their code as
 * <module>_ktest.c. The shell's `test [prefix...]` runs those whose names
 * start with a prefix; booting with CMDLINE=test runs all of them and exits
 * QEMU with the result (isa-debug-exit).
 *
 * A failed check ends the test at once (the runner longjmps back), prints
 * file:line and the values, and the runner goes on with the next test.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"

struct ktest {
	const char *name;
	const char *file;
	void (*fn)(void);
};

#define KTEST(tname)                                                       \
	static void ktest_fn_##tname(void);                                \
	static const struct ktest ktest_##tname __used __section(".ktest") \
		__aligned(8) = { #tname, __FILE__, ktest_fn_##tname };     \
	static void ktest_fn_##tname(void)

/* Fail the running test with a message (does not return). */
void ktest_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4) __noreturn;

#define KASSERT(cond)                                                         \
	do {                                                                  \
		if (!(cond))                                                  \
			ktest_fail(__FILE__, __LINE__, "KASSERT(%s)", #cond); \
	} while (0)

#define KASSERT_EQ(a, b)                                                                          \
	do {                                                                                      \
		long long _a = (long long)(a), _b = (long long)(b);                               \
		if (_a != _b)                                                                     \
			ktest_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld (%#llx != %#llx)", \
				   #a, #b, _a, _b, _a, _b);                                       \
	} while (0)

/*
 * Run @fn(@arg) expecting it to raise a CPU exception. Returns true and
 * fills @info if it did (execution resumes here), false if @fn returned
 * normally. Any CPU: the catcher is per CPU; an NMI meanwhile is not taken
 * for the fault.
 */
bool ktest_expect_fault(void (*fn)(void *arg), void *arg, struct arch_fault_info *info);

/*
 * Run every test whose name starts with one of @prefixes (all tests when
 * @nprefix is 0). Prints one line per test and a summary line
 * "ktest: N passed, M failed". Returns the number of failures.
 */
int ktest_run(const char *const *prefixes, int nprefix);

/* isa-debug-exit codes used when a boot-time test run ends QEMU. */
#define KTEST_EXIT_PASS 0x10 /* QEMU exits with status 33 */
#define KTEST_EXIT_FAIL 0x11 /* QEMU exits with status 35 */

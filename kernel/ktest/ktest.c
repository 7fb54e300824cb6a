/*
 * The in-kernel test runner. Each test runs under an arch_setjmp point so
 * a failed KASSERT can abandon it without unwinding by hand; expected
 * faults are caught through arch_fault_catch_begin(). Tests run one at a
 * time on the calling task. Owns the `test` shell command.
 */
#include "ktest/ktest.h"

#include <stdarg.h>

#include "core/log.h"
#include "core/panic.h"
#include "lib/string.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "shell/shell.h"
#include "time/ktime.h"

#define LOG_PREFIX "ktest: "

extern const struct ktest __ktest_start[], __ktest_end[];

/* The running test's abort point; only touched by the running test. */
static struct arch_jmpbuf *abort_jb;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	kprintf("    FAILED at %s:%d: ", file, line);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	if (!abort_jb)
		panic("ktest_fail outside a running test");
	arch_longjmp(abort_jb, 1);
}

bool ktest_expect_fault(void (*fn)(void *arg), void *arg, struct arch_fault_info *info)
{
	struct arch_jmpbuf jb;

	/* The catcher is per CPU: stay on this one while it is armed. */
	preempt_disable();
	if (arch_setjmp(&jb)) {
		preempt_enable();
		return true; /* the catcher disarmed itself */
	}
	arch_fault_catch_begin(&jb, info);
	fn(arg);
	arch_fault_catch_end();
	preempt_enable();
	return false;
}

static bool run_one(const struct ktest *t)
{
	struct arch_jmpbuf jb;
	uint64_t start = ktime_ns();
	int preempt_count = task_current()->preempt_count;
	bool ok;

	abort_jb = &jb;
	if (arch_setjmp(&jb) == 0) {
		t->fn();
		ok = true;
	} else {
		ok = false;
		/* A failed KASSERT may have left preemption off: restore it. */
		task_current()->preempt_count = preempt_count;
	}
	abort_jb = NULL;
	arch_fault_catch_end();
	kprintf("  %-40s %s (%lu us)\n", t->name, ok ? "ok" : "FAIL",
		(unsigned long)((ktime_ns() - start) / 1000));
	return ok;
}

int ktest_run(const char *const *prefixes, int nprefix)
{
	int passed = 0, failed = 0;

	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
		if (!str_has_any_prefix(t->name, prefixes, nprefix))
			continue;
		if (run_one(t))
			passed++;
		else
			failed++;
	}
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}

static int cmd_test(int argc, char **argv)
{
	int failed;

	if (shell_in_boot_commands() && shell_is_last_boot_command())
		panic_set_exit_on_panic(true);
	failed = ktest_run((const char *const *)argv + 1, argc - 1);
	if (shell_in_boot_commands() && shell_is_last_boot_command())
		arch_debug_exit(failed ? KTEST_EXIT_FAIL : KTEST_EXIT_PASS);
	return failed ? 1 : 0;
}

SHELL_COMMAND(
	test, .name = "test", .group = "debug", .summary = "run in-kernel tests",
	.usage = "test [PREFIX...]   run the tests whose names start with a PREFIX (all if none)",
	.fn = cmd_test);

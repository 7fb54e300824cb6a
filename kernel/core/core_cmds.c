/*
 * Shell commands for core/: `log [LEVEL]` shows or sets the log threshold
 * (core/log.c), `panic [--busy|--race] [MESSAGE]` panics on purpose to
 * exercise the panic path (core/panic.c) from a test or by hand; with
 * --busy every online CPU first runs a task that prints without pause, so
 * the test can see whether anything still runs once the report starts;
 * with --race those tasks then panic at the same moment as the shell.
 */
#include "core/log.h"
#include "core/panic.h"
#include "include/atomic.h"
#include "lib/string.h"
#include "sched/percpu.h"
#include "sched/task.h"
#include "shell/shell.h"
#include "time/ktime.h"

#define PANIC_MSG_MAX 128
#define BUSY_LINES_FIRST 3 /* lines each busy task prints before the panic */
#define BUSY_WAIT_NS (10 * NSEC_PER_SEC)

static const char *const log_subcmds[] = { "err", "warn", "info", "debug", NULL };

static int cmd_log(int argc, char **argv)
{
	int level;

	if (argc == 1) {
		kprintf("log level: %s (messages up to this level are printed)\n",
			log_level_name(log_get_level()));
		return 0;
	}
	level = argc == 2 ? log_level_parse(argv[1]) : -1;
	if (level < 0)
		return shell_usage(shell_find("log"));
	log_set_level((enum log_level)level);
	return 0;
}

SHELL_COMMAND(log, .name = "log", .group = "core", .summary = "show or set the kernel log level",
	      .usage = "log [err|warn|info|debug]", .fn = cmd_log, .subcmds = log_subcmds);

/* Atomic: lines printed by the busy task of each CPU. */
static uint64_t busy_lines[MAX_CPUS];
static bool busy_panic; /* Atomic: --race: the busy tasks panic too */

/* Never returns: prints and counts until the machine stops. */
static int busy_printer(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;

	for (uint64_t n = 0;; n++) {
		if (atomic_load_acquire(&busy_panic))
			panic("busy task on cpu%u panics too", cpu);
		kprintf("panic-busy: cpu%u line %lu\n", cpu, (unsigned long)n);
		atomic_fetch_add(&busy_lines[cpu], 1);
	}
	return 0;
}

/* Start a busy printer on every online CPU and wait until each has
 * printed a few lines. Returns false (and says why) when one is missing. */
static bool start_busy_cpus(void)
{
	unsigned int n = percpu_online_count();
	uint64_t deadline = ktime_ns() + BUSY_WAIT_NS;

	for (unsigned int i = 0; i < n; i++) {
		struct task *t =
			task_create_on(i, busy_printer, (void *)(uintptr_t)i, "panic-busy");

		if (!t) {
			kprintf("panic: cannot start a busy task on cpu%u\n", i);
			return false;
		}
		task_detach(t);
	}
	for (unsigned int i = 0; i < n; i++) {
		while (atomic_load_acquire(&busy_lines[i]) < BUSY_LINES_FIRST) {
			if (ktime_ns() > deadline) {
				kprintf("panic: cpu%u's busy task never ran\n", i);
				return false;
			}
			task_sleep_ns(NSEC_PER_MSEC);
		}
	}
	return true;
}

static int cmd_panic(int argc, char **argv)
{
	char msg[PANIC_MSG_MAX] = "deliberate panic from the shell";
	int first = 1;

	if (argc > 1 && (strcmp(argv[1], "--busy") == 0 || strcmp(argv[1], "--race") == 0)) {
		first = 2;
		if (!start_busy_cpus())
			return 1;
		if (argv[1][2] == 'r')
			atomic_store_release(&busy_panic, true);
	}
	if (argc > first) {
		msg[0] = '\0';
		for (int i = first; i < argc; i++) {
			strlcat(msg, argv[i], sizeof(msg));
			if (i + 1 < argc)
				strlcat(msg, " ", sizeof(msg));
		}
	}
	panic("%s", msg);
}

SHELL_COMMAND(
	panic, .name = "panic", .group = "core",
	.summary = "panic on purpose (to test the panic path)",
	.usage = "panic [--busy|--race] [MESSAGE...]   (--busy: CPUs print; --race: and panic)",
	.fn = cmd_panic);

/*
 * Shell commands for core/: `log [LEVEL]` shows or sets the log threshold
 * (core/log.c), `panic [MESSAGE]` panics on purpose to exercise the panic
 * path (core/panic.c) from a test or by hand.
 */
#include "core/log.h"
#include "core/panic.h"
#include "lib/string.h"
#include "shell/shell.h"

#define PANIC_MSG_MAX 128

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

static int cmd_panic(int argc, char **argv)
{
	char msg[PANIC_MSG_MAX] = "deliberate panic from the shell";

	if (argc > 1) {
		msg[0] = '\0';
		for (int i = 1; i < argc; i++) {
			strlcat(msg, argv[i], sizeof(msg));
			if (i + 1 < argc)
				strlcat(msg, " ", sizeof(msg));
		}
	}
	panic("%s", msg);
}

SHELL_COMMAND(panic, .name = "panic", .group = "core",
	      .summary = "panic on purpose (to test the panic path)", .usage = "panic [MESSAGE...]",
	      .fn = cmd_panic);

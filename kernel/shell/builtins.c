/*
 * The shell's own commands: help and echo. Other subsystems register theirs
 * beside their code.
 */
#include "core/console.h"
#include "lib/string.h"
#include "shell/shell.h"

static int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return shell_usage(shell_find("help"));
	if (argc == 2) {
		const struct shell_cmd *c = shell_find(argv[1]);

		if (!c) {
			kprintf("help: no command '%s'\n", argv[1]);
			return 1;
		}
		kprintf("%s - %s\nusage: %s\n", c->name, c->summary, c->usage);
		return 0;
	}
	for (const struct shell_cmd *c = shell_cmds_begin(); c < shell_cmds_end(); c++)
		kprintf("  %-12s %s\n", c->name, c->summary);
	return 0;
}

SHELL_COMMAND(help, .name = "help", .group = "shell",
	      .summary = "list commands, or show one command's usage",
	      .usage = "help [COMMAND]", .fn = cmd_help);

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
	kprintf("\n");
	return 0;
}

SHELL_COMMAND(echo, .name = "echo", .group = "shell",
	      .summary = "print the arguments", .usage = "echo [WORD...]",
	      .fn = cmd_echo);

/*
 * The kernel shell on the serial console. Commands are entries in the
 * .shell_cmds linker section, so each subsystem adds its own from its own
 * file with SHELL_COMMAND() and the shell core never changes for it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

struct shell_cmd {
	const char *name;
	const char *group;   /* subsystem, for `help` grouping */
	const char *summary; /* one line for `help` */
	const char *usage;   /* printed by `help CMD` and on bad arguments */
	int (*fn)(int argc, char **argv); /* returns the exit status */
	const char *const *subcmds; /* NULL-terminated, for completion; or NULL */
};

#define SHELL_COMMAND(id, ...)                                                \
	static const struct shell_cmd shell_cmd_##id __used                   \
		__section(".shell_cmds") __aligned(8) = { __VA_ARGS__ }

/* Run the commands in @cmdline (separated by ';'), then the interactive
 * prompt forever. Called last by kmain on the boot CPU. */
void shell_main(const char *cmdline) __noreturn;

/* Run one line (which may hold several ';'-separated commands). Returns the
 * status of the last command. */
int shell_run_line(const char *line);

/* Print @cmd's usage and return the status for a usage error (2). */
int shell_usage(const struct shell_cmd *cmd);

/* Look a command up by exact name; NULL if there is none. */
const struct shell_cmd *shell_find(const char *name);

/* True while the boot command line (CMDLINE) is being run, and whether the
 * command currently running is the last of it. */
bool shell_in_boot_commands(void);
bool shell_is_last_boot_command(void);

/* ktime_ns() when the first prompt was printed (0 before that). */
uint64_t shell_first_prompt_ns(void);

/* Begin/iterate over all commands. */
const struct shell_cmd *shell_cmds_begin(void);
const struct shell_cmd *shell_cmds_end(void);

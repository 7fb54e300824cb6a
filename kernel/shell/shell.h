/*
 * The kernel shell on the serial console. Commands are entries in the
 * .shell_cmds linker section, so each subsystem adds its own from its own
 * file with SHELL_COMMAND() and the shell core never changes for it.
 * doc/shell.md describes the shell for users and for command writers.
 *
 * A command's handler runs on the shell's task with its arguments split
 * and unquoted. It returns its exit status (0 = success, shown by `echo
 * $?`); on a wrong argument it returns shell_usage(), which prints the
 * usage line and gives 2. A long-running command polls shell_interrupted()
 * and stops (returning SHELL_STATUS_INTERRUPTED) when it says so.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

struct shell_cmd {
	const char *name;
	const char *group;		  /* subsystem, for `help` grouping */
	const char *summary;		  /* one line for `help` */
	const char *usage;		  /* printed by `help CMD` and on bad arguments */
	int (*fn)(int argc, char **argv); /* returns the exit status */
	const char *const *subcmds;	  /* NULL-terminated, for completion; or NULL */
};

#define SHELL_COMMAND(id, ...)                                                       \
	static const struct shell_cmd shell_cmd_##id __used __section(".shell_cmds") \
		__aligned(8) = { __VA_ARGS__ }

/* Exit statuses the shell itself produces (the usual Unix values). */
enum {
	SHELL_STATUS_USAGE = 2,		/* wrong arguments or a syntax error */
	SHELL_STATUS_NOT_FOUND = 127,	/* no such command */
	SHELL_STATUS_INTERRUPTED = 130, /* ^C (128 + SIGINT) */
};

/* Run the commands in @cmdline (separated by ';'), then the interactive
 * prompt forever. Called last by kmain on the boot CPU. */
void shell_main(const char *cmdline) __noreturn;

/* Run one line (which may hold several ';'-separated commands). Returns the
 * status of the last command. Shell task only. */
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

/*
 * True once the user has pressed ^C since the running command started.
 * Cheap enough to call every millisecond; other keys typed meanwhile are
 * kept for the next prompt. Shell task only (background jobs must not
 * call it: it reads the console's input).
 */
bool shell_interrupted(void);

/* Is the caller the shell's own task (a command in the foreground, not a
 * background job)? */
bool shell_in_foreground(void);

/* The next input byte, waiting for one. The shell's only way to read the
 * console (shell/input.c). Shell task only. */
int shell_getc(void);

/* Colours for command output; shell_color() gives the escape sequence, or
 * "" when colours are off, so output reads the same either way. */
enum shell_color {
	SHELL_COLOR_RESET,
	SHELL_COLOR_PROMPT,
	SHELL_COLOR_HEADING, /* section titles (help groups, tables) */
	SHELL_COLOR_NAME,    /* names: commands, registers, devices */
	SHELL_COLOR_ERROR,
	SHELL_COLOR_WARN,
	SHELL_COLOR_DIM, /* secondary detail */
};

const char *shell_color(enum shell_color c);

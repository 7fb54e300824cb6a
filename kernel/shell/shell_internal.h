/*
 * Shell internals shared by the files of kernel/shell/ (the core, input,
 * jobs and the built-in commands). Nothing outside kernel/shell/ includes
 * this header.
 */
#pragma once

#include <stdbool.h>

#include "shell/history.h"
#include "shell/shell.h"

struct fs_redirect;
struct shell_job;

/* ---- shell.c ----------------------------------------------------------- */

/* The interactive history (for the `history` command). */
struct history *shell_history(void);

enum shell_color_mode {
	SHELL_COLOR_AUTO, /* on when a terminal answered, off in boot commands */
	SHELL_COLOR_ON,	  /* on except in boot commands */
	SHELL_COLOR_OFF,
};

void shell_set_color_mode(enum shell_color_mode mode);
enum shell_color_mode shell_get_color_mode(void);

/* Whether shell_color() currently gives colours, and whether a terminal
 * answered the cursor position query. */
bool shell_colors_on(void);
bool shell_terminal_seen(void);

/* ---- input.c ----------------------------------------------------------- */

/* Forget an earlier ^C: called before each command starts. */
void shell_input_clear_interrupt(void);

/* Is the caller the shell's own task (the one that ran shell_main)? */
bool shell_is_shell_task(void);

/* The job starter shell_main() registers: runs the job on a new detached
 * task. Returns 0 or -ENOMEM. */
int shell_job_start_task(struct shell_job *job);

/* ---- job.c ------------------------------------------------------------- */

/* Start @cmd with @argc/@argv as a background job (`CMD ... &`), its
 * output into @redirect (opened on @path) when that is not NULL. The
 * arguments are copied and the job owns @redirect from here, even when
 * starting fails. Returns the shell status: 0 when it started. */
int shell_job_start(const struct shell_cmd *cmd, int argc, char **argv,
		    struct fs_redirect *redirect, const char *path);

/* Print "sh: PATH: message" for the negative errno @err; returns 1. */
int shell_redirect_error(const char *path, int err);

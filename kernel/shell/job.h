/*
 * Background jobs: `CMD ARGS... &` runs a command on a task of its own so
 * the prompt comes back at once. The shell copies the command and its
 * arguments into a job slot and hands it to a starter function;
 * shell_main() registers shell_job_start_task() (a detached task per job),
 * and tests may register stand-ins. With no starter, `&` is refused with
 * "background jobs need the scheduler". A job cannot be stopped with ^C:
 * shell_interrupted() answers false outside the shell's own task, because
 * it reads the console and a job would steal the prompt's keystrokes.
 * `CMD > FILE &` works: the shell opens FILE and the job's task sends its
 * own output there; the "[id] done" line still goes to the console.
 */
#pragma once

#include <stdbool.h>

#include "shell/shell.h"
#include "shell/tokenize.h"

struct fs_redirect;

#define SHELL_JOBS_MAX 8

struct shell_job {
	/* Atomic: claimed by the shell, released by shell_job_run(). */
	bool in_use;
	/* Written by the shell before the job starts, then owned by the job: */
	unsigned int id; /* shown as [id] */
	char name[32];	 /* the command name, for the task */
	const struct shell_cmd *cmd;
	int argc;
	char *argv[TOK_ARGV_MAX + 1];
	struct fs_redirect *redirect; /* where its output goes, or NULL */
	char *redirect_path;	      /* for error messages (in buf) */
	char buf[TOK_BUF_SIZE];
};

/*
 * Register how jobs start: @start must arrange for shell_job_run(@job) to
 * be called on a new task and return 0, or return a negative errno (the
 * job is then dropped and the shell reports the error). NULL unregisters.
 */
void shell_set_job_starter(int (*start)(struct shell_job *job));

/* The body of a job's task: run the command (its output into the job's
 * redirect, if any, which it then finishes), print "[id] done: NAME
 * (status N)" and free the slot. May sleep. */
void shell_job_run(struct shell_job *job);

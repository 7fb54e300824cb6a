/*
 * In-kernel tests of the shell core: exit statuses of real command lines,
 * the command table's consistency (every subsystem's entries), and the
 * background-job plumbing with a stand-in starter.
 */
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/task.h"
#include "shell/job.h"
#include "shell/shell.h"
#include "shell/shell_internal.h"
#include "time/ktime.h"

KTEST(shell_status_codes)
{
	KASSERT_EQ(shell_run_line("echo ktest"), 0);
	KASSERT_EQ(shell_run_line("no_such_command_x"), SHELL_STATUS_NOT_FOUND);
	KASSERT_EQ(shell_run_line(""), SHELL_STATUS_NOT_FOUND); /* keeps $? */
	KASSERT_EQ(shell_run_line("log bogus"), SHELL_STATUS_USAGE);
	KASSERT_EQ(shell_run_line("log"), 0);
	KASSERT_EQ(shell_run_line("echo 'open"), SHELL_STATUS_USAGE);
	KASSERT_EQ(shell_run_line("prime 0"), SHELL_STATUS_USAGE);
	KASSERT_EQ(shell_run_line("prime 10"), 0);
	/* The status of a line is its last command's. */
	KASSERT_EQ(shell_run_line("log bogus; echo x"), 0);
	KASSERT_EQ(shell_run_line("echo x; log bogus"), SHELL_STATUS_USAGE);
}

/* Every registered command, from whichever subsystem, is well formed. */
KTEST(shell_command_table)
{
	KASSERT(shell_cmds_begin() < shell_cmds_end());
	for (const struct shell_cmd *c = shell_cmds_begin(); c < shell_cmds_end(); c++) {
		KASSERT(c->name && c->name[0] && !strchr(c->name, ' '));
		KASSERT(c->fn && c->usage && c->summary && c->group);
		KASSERT(shell_find(c->name) == c); /* names are unique */
	}
	KASSERT(shell_find("help") != NULL);
	KASSERT(shell_find("hel") == NULL);
}

static unsigned int starts;

static int start_inline(struct shell_job *job)
{
	starts++;
	shell_job_run(job); /* no scheduler: run the job right here */
	return 0;
}

static int start_failing(struct shell_job *job)
{
	starts++;
	return -ENOMEM;
}

KTEST(shell_background_jobs)
{
	shell_set_job_starter(NULL);
	KASSERT_EQ(shell_run_line("prime 5 &"), 1); /* no starter: refused */

	shell_set_job_starter(start_inline);
	starts = 0;
	for (int i = 0; i < 2 * SHELL_JOBS_MAX; i++)
		KASSERT_EQ(shell_run_line("prime 5 &"), 0);
	KASSERT_EQ(starts, 2 * SHELL_JOBS_MAX); /* slots were given back */

	shell_set_job_starter(start_failing);
	starts = 0;
	for (int i = 0; i < 2 * SHELL_JOBS_MAX; i++)
		KASSERT_EQ(shell_run_line("prime 5 &"), 1);
	KASSERT_EQ(starts, 2 * SHELL_JOBS_MAX); /* no slot leaked on failure */
	shell_set_job_starter(shell_job_start_task);
}

#define JOB_TASKS_MAX 64

/* False while a task called @name exists (or the table cannot be read). */
static bool job_finished(const char *name)
{
	struct task_info *tasks = kmalloc(JOB_TASKS_MAX * sizeof(*tasks)); /* 3 KiB */
	bool finished = true;
	size_t n;

	if (!tasks)
		return false;
	n = task_list(tasks, JOB_TASKS_MAX);
	for (size_t i = 0; i < MIN(n, (size_t)JOB_TASKS_MAX); i++)
		if (!strcmp(tasks[i].name, name))
			finished = false;
	kfree(tasks);
	return finished;
}

/* With the real starter a job runs on its own task, which frees itself. */
KTEST(shell_background_job_task)
{
	size_t before = task_count();
	uint64_t deadline = ktime_ns() + 30 * NSEC_PER_SEC;

	/* A second: the prompt must come back long before, even on a host
	 * that starves the emulator (a 50 ms job could already be done). */
	KASSERT_EQ(shell_run_line("sleep 1000 &"), 0);
	KASSERT(!job_finished("sleep")); /* the prompt came back first */
	while (!job_finished("sleep") && ktime_ns() < deadline)
		task_sleep_ns(10 * NSEC_PER_MSEC);
	KASSERT(job_finished("sleep"));
	KASSERT_EQ(task_count(), before);
}

/*
 * Background jobs (see job.h): a fixed table of job slots and the hook the
 * scheduler fills in. Without a starter, `CMD &` is refused.
 * Locking: a slot is claimed and released through its atomic in_use flag;
 * job_starter is written once at init (atomic pointer store).
 */
#include "shell/job.h"

#include "core/console.h"
#include "fs/fs_redirect.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "sched/task.h"
#include "shell/shell_internal.h"

/* The job slots; see struct shell_job for who owns which field. */
static struct shell_job jobs[SHELL_JOBS_MAX];
static unsigned int next_job_id = 1; /* shell task only */
static int (*job_starter)(struct shell_job *job);

void shell_set_job_starter(int (*start)(struct shell_job *job))
{
	__atomic_store_n(&job_starter, start, __ATOMIC_RELEASE);
}

static int job_task_main(void *arg)
{
	shell_job_run(arg);
	return 0;
}

int shell_job_start_task(struct shell_job *job)
{
	struct task *t = task_create(job_task_main, job, job->name);

	if (!t)
		return -ENOMEM;
	task_detach(t);
	return 0;
}

static struct shell_job *claim_slot(void)
{
	for (unsigned int i = 0; i < SHELL_JOBS_MAX; i++)
		if (!__atomic_exchange_n(&jobs[i].in_use, true, __ATOMIC_ACQUIRE))
			return &jobs[i];
	return NULL;
}

static void release_slot(struct shell_job *job)
{
	__atomic_store_n(&job->in_use, false, __ATOMIC_RELEASE);
}

/* Copy the arguments and the redirect target into the job's own buffer
 * (the caller's go away). They came from a struct tok_cmd of the same
 * size, so they fit. */
static void copy_args(struct shell_job *job, int argc, char **argv, const char *path)
{
	size_t used = 0;

	job->argc = argc;
	for (int i = 0; i < argc; i++) {
		job->argv[i] = job->buf + used;
		used += strlcpy(job->buf + used, argv[i], sizeof(job->buf) - used) + 1;
	}
	job->argv[argc] = NULL;
	job->redirect_path = job->buf + used;
	strlcpy(job->buf + used, path ? path : "", sizeof(job->buf) - used);
}

/* Give up a redirect the job will not use. */
static void drop_redirect(struct fs_redirect *redirect, const char *path)
{
	int err = redirect ? fs_redirect_finish(redirect) : 0;

	if (err)
		shell_redirect_error(path, err);
}

int shell_job_start(const struct shell_cmd *cmd, int argc, char **argv,
		    struct fs_redirect *redirect, const char *path)
{
	int (*start)(struct shell_job *) = __atomic_load_n(&job_starter, __ATOMIC_ACQUIRE);
	struct shell_job *job;
	unsigned int id;
	int err;

	if (!start) {
		kprintf("shell: background jobs need the scheduler; run '%s' without '&'\n",
			cmd->name);
		drop_redirect(redirect, path);
		return 1;
	}
	job = claim_slot();
	if (!job) {
		kprintf("shell: too many background jobs (%d)\n", SHELL_JOBS_MAX);
		drop_redirect(redirect, path);
		return 1;
	}
	id = job->id = next_job_id++;
	job->cmd = cmd;
	job->redirect = redirect;
	strlcpy(job->name, cmd->name, sizeof(job->name));
	copy_args(job, argc, argv, path);
	err = start(job);
	if (err < 0) {
		kprintf("shell: cannot start a job for '%s' (error %d)\n", cmd->name, err);
		drop_redirect(redirect, path);
		release_slot(job);
		return 1;
	}
	/* The job may have run and freed its slot already: use copies only. */
	kprintf("[%u] %s started\n", id, cmd->name);
	return 0;
}

void shell_job_run(struct shell_job *job)
{
	int status, err = job->redirect ? fs_redirect_start(job->redirect) : 0;

	status = err ? 1 : job->cmd->fn(job->argc, job->argv);
	if (job->redirect) {
		int ferr = fs_redirect_finish(job->redirect);

		err = err ? err : ferr;
	}
	if (err)
		status = shell_redirect_error(job->redirect_path, err);
	kprintf("[%u] done: %s (status %d)\n", job->id, job->name, status);
	release_slot(job);
}

/*
 * In-kernel tests of pipes (fs/pipe.h): a blocked read and a blocked
 * write end with -EINTR when the task is interrupted (the signals work's
 * path), EOF once the write end's last file goes, -EPIPE without readers,
 * -EAGAIN with O_NONBLOCK, and a reader woken by a writer task. Waits end
 * on events or generous deadlines.
 */
#include "fs/file.h"
#include "fs/pipe.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "time/ktime.h"

struct pipe_arg {
	struct file *f;
	bool write;
	ssize_t ret; /* Atomic: 1 = not yet */
};

static int pipe_blocker(void *arg)
{
	struct pipe_arg *a = arg;
	char c = 'x';
	ssize_t r = a->write ? vfs_write(a->f, &c, 1) : vfs_read(a->f, &c, 1);

	task_clear_interrupt(task_current());
	atomic_store_release(&a->ret, r);
	return 0;
}

/* Run a task blocking on @f, interrupt it after a while; its result. */
static ssize_t interrupted(struct file *f, bool write)
{
	struct pipe_arg a = { .f = f, .write = write, .ret = 1 };
	struct task *t = task_create(pipe_blocker, &a, "pipe-blocker");

	KASSERT(t != NULL);
	task_sleep_ns(20 * NSEC_PER_MSEC); // asleep by now, or the mark waits for it
	task_interrupt(t);
	KASSERT_EQ(task_join(t, NULL), 0);
	return atomic_load_acquire(&a.ret);
}

KTEST(pipe_blocked_read_and_write_end_with_eintr)
{
	static char fill[PIPE_SIZE];
	struct file *rd, *wr;

	KASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	KASSERT_EQ(interrupted(rd, false), -EINTR); // empty: the read blocked
	KASSERT_EQ(vfs_write(wr, fill, sizeof(fill)), (ssize_t)sizeof(fill));
	KASSERT_EQ(interrupted(wr, true), -EINTR); // full: the write blocked
	file_set_status_flags(wr, O_NONBLOCK);
	KASSERT_EQ(vfs_write(wr, fill, 1), -EAGAIN);
	KASSERT_EQ(vfs_read(rd, fill, sizeof(fill)), (ssize_t)sizeof(fill));
	file_set_status_flags(rd, O_NONBLOCK);
	KASSERT_EQ(vfs_read(rd, fill, 1), -EAGAIN);
	file_put(wr);
	KASSERT_EQ(vfs_read(rd, fill, 1), 0); // no writer: EOF
	file_put(rd);
}

KTEST(pipe_epipe_without_readers_and_a_woken_reader)
{
	struct pipe_arg a = { .write = false, .ret = 1 };
	struct file *rd, *wr;
	struct task *t;
	char c = 'y';

	KASSERT_EQ(pipe_create(0, &rd, &wr), 0);
	a.f = rd;
	t = task_create(pipe_blocker, &a, "pipe-reader");
	KASSERT(t != NULL);
	task_sleep_ns(10 * NSEC_PER_MSEC);
	KASSERT_EQ(vfs_write(wr, &c, 1), 1); // wakes the reader
	KASSERT_EQ(task_join(t, NULL), 0);
	KASSERT_EQ(atomic_load_acquire(&a.ret), 1);
	file_put(rd);
	KASSERT_EQ(vfs_write(wr, &c, 1), -EPIPE);
	KASSERT_EQ(vfs_write(wr, &c, 0), 0); // 0 bytes: 0, as Linux
	file_put(wr);
}

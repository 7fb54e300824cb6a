/*
 * In-kernel tests of pipes (fs/pipe.h): a blocked read and a blocked
 * write end with -ERESTARTSYS when the task is interrupted (the signals work's
 * path), EOF once the write end's last file goes, -EPIPE without readers,
 * -EAGAIN with O_NONBLOCK, and a reader woken by a writer task. Waits end
 * on events or generous deadlines.
 */
#include "fs/file.h"
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "proc/signal.h"
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
	KASSERT_EQ(interrupted(rd, false), -ERESTARTSYS); // empty: the read blocked
	KASSERT_EQ(vfs_write(wr, fill, sizeof(fill)), (ssize_t)sizeof(fill));
	KASSERT_EQ(interrupted(wr, true), -ERESTARTSYS); // full: the write blocked
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

#define KTEST_FIFO "/ktest-pipe.fifo"

struct fifo_arg {
	unsigned int flags;
	int ret; /* Atomic: 1 = not yet */
	struct file *f;
};

static int fifo_opener(void *arg)
{
	struct fifo_arg *a = arg;
	int r = vfs_open(NULL, KTEST_FIFO, a->flags, 0, &a->f);

	task_clear_interrupt(task_current());
	atomic_store_release(&a->ret, r);
	return 0;
}

/* A blocking FIFO open waits for its partner, ends with -ERESTARTSYS when
 * interrupted, and leaves no count behind (the writer's O_NONBLOCK open
 * still finds no reader). */
KTEST(pipe_fifo_open_waits_and_is_interruptible)
{
	struct fifo_arg a = { .flags = O_RDONLY, .ret = 1 };
	struct file *rd, *wr;
	struct task *t;

	KASSERT_EQ(vfs_mknod(NULL, KTEST_FIFO, S_IFIFO | 0600), 0);
	t = task_create(fifo_opener, &a, "fifo-opener");
	KASSERT(t != NULL);
	task_sleep_ns(20 * NSEC_PER_MSEC);
	task_interrupt(t);
	KASSERT_EQ(task_join(t, NULL), 0);
	KASSERT_EQ(atomic_load_acquire(&a.ret), -ERESTARTSYS);
	KASSERT_EQ(vfs_open(NULL, KTEST_FIFO, O_WRONLY | O_NONBLOCK, 0, &wr), -ENXIO);
	/* A reader that waits is met by a writer's open. */
	a.ret = 1;
	t = task_create(fifo_opener, &a, "fifo-opener");
	KASSERT(t != NULL);
	task_sleep_ns(10 * NSEC_PER_MSEC);
	KASSERT_EQ(vfs_open(NULL, KTEST_FIFO, O_WRONLY, 0, &wr), 0);
	KASSERT_EQ(task_join(t, NULL), 0);
	KASSERT_EQ(atomic_load_acquire(&a.ret), 0);
	rd = a.f;
	KASSERT_EQ(vfs_write(wr, "ok", 2), 2);
	KASSERT_EQ(vfs_read(rd, &a.ret, 4), 2);
	file_put(wr);
	KASSERT_EQ(vfs_read(rd, &a.ret, 4), 0);
	file_put(rd);
	KASSERT_EQ(vfs_unlink(NULL, KTEST_FIFO), 0);
}

/*
 * Poll tables: how poll/select sleep on many files at once. A file's
 * file_ops poll op reports its readiness (POLL* bits) and, given a table,
 * registers the caller on each wait queue whose wake-up may change that
 * answer (poll_wait). Whoever changes readiness wakes the queue as usual
 * (waitq_wake_all); the poller then re-scans every file. Linux's
 * poll_table/poll_wait (fs/select.c, include/linux/poll.h).
 *
 * Locking: a table belongs to one task (on its stack or heap); the wait
 * entries in it are guarded by their queues' locks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "sched/waitqueue.h"

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLRDHUP 0x2000

/* What a file without a poll op is: always readable and writable. */
#define POLL_ALWAYS (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct poll_entry {
	struct waitqueue *wq;
	struct wait_entry we;
};

struct poll_table {
	struct poll_entry *entries;
	size_t max;  // entries available
	size_t n;    // used this scan
	size_t used; // ever used (to unlink at the end)
};

/* Register the calling poller on @wq (no-op for a NULL @pt; when the table
 * is full the poller falls back to a short timed re-scan). */
void poll_wait(struct poll_table *pt, struct waitqueue *wq);

struct file;
/* @f's readiness, registering on its queues when @pt is given. */
unsigned int file_poll(struct file *f, struct poll_table *pt);

/* Start a scan (entries are re-registered in the same order). */
static inline void poll_table_rescan(struct poll_table *pt)
{
	pt->n = 0;
}

/* Has any registered queue been woken since its entry was (re)armed? */
bool poll_table_woken(struct poll_table *pt);

/* Did a scan find more queues than the table holds? */
static inline bool poll_table_overflowed(const struct poll_table *pt)
{
	return pt->n > pt->max;
}

/* Unregister everything (end of poll; the task is running again). */
void poll_table_finish(struct poll_table *pt);

/*
 * Poll tables (fs/poll.h): entries armed on the files' wait queues with
 * waitq_prepare, so a wake-up on any of them makes the polling task
 * runnable (or keeps it from sleeping), and its woken flag tells the
 * poller to re-scan before sleeping. Locking: the queues' locks.
 */
#include "fs/poll.h"

#include "fs/file.h"
#include "fs/inode.h"
#include "include/atomic.h"

void poll_wait(struct poll_table *pt, struct waitqueue *wq)
{
	struct poll_entry *e;

	if (!pt)
		return;
	if (pt->n >= pt->max) {
		pt->n = pt->max + 1; // overflowed: the poller re-scans on a timer
		return;
	}
	e = &pt->entries[pt->n++];
	if (e->wq != wq) {
		if (e->wq)
			waitq_finish(e->wq, &e->we);
		e->wq = wq;
		e->we = (struct wait_entry){ 0 };
	}
	waitq_prepare(wq, &e->we);
	if (pt->n > pt->used)
		pt->used = pt->n;
}

unsigned int file_poll(struct file *f, struct poll_table *pt)
{
	const struct file_ops *ops = f->inode->fops;

	if (!ops || !ops->poll)
		return POLL_ALWAYS;
	return ops->poll(f, pt);
}

bool poll_table_woken(struct poll_table *pt)
{
	smp_mb(); // our last BLOCKED store before the wakers' woken flags
	for (size_t i = 0; i < pt->n && i < pt->max; i++)
		if (READ_ONCE(pt->entries[i].we.woken))
			return true;
	return false;
}

void poll_table_finish(struct poll_table *pt)
{
	for (size_t i = 0; i < pt->used; i++)
		if (pt->entries[i].wq)
			waitq_finish(pt->entries[i].wq, &pt->entries[i].we);
	pt->used = 0;
	pt->n = 0;
}

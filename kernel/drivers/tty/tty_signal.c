/*
 * FIXME: a stand-in for the signals branch's proc_signal_pgrp (w2-sig):
 * delete this file when that lands. It delivers what the kernel can today:
 * SIGINT and SIGQUIT end the processes of the group as proc_kill() does
 * (their status then reads "killed by signal 9"); other signals (SIGTSTP,
 * SIGTTIN, SIGTTOU, SIGWINCH) give -ENOSYS.
 * Locking: none of its own (proc_list and proc_kill take proc_lock).
 */
#include "drivers/tty/tty.h"
#include "include/uapi/errno.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"

#define SIGINT 2
#define SIGQUIT 3

int proc_signal_pgrp(int pgid, int sig)
{
	struct proc_info *ps;
	size_t n;
	int err = -ESRCH;

	if (pgid <= 0)
		return -ESRCH;
	if (sig != SIGINT && sig != SIGQUIT)
		return -ENOSYS;
	ps = kmalloc(sizeof(*ps) * PROC_MAX);
	if (!ps)
		return -ENOMEM;
	n = proc_list(ps, PROC_MAX);
	for (size_t i = 0; i < n; i++)
		if (ps[i].pgid == pgid && ps[i].state != 'Z' && proc_kill(ps[i].pid) == 0)
			err = 0;
	kfree(ps);
	return err;
}

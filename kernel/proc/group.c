/*
 * Process groups and sessions (proc.h): setpgid, getpgid, setsid, getsid
 * and getppid with Linux's rules and errnos (kernel/sys.c): setpgid moves
 * the caller or a child that has not exec'd (-EACCES after) within the
 * caller's session into a group that exists there or is named after the
 * process (-EPERM otherwise, and for session leaders); setsid makes the
 * caller leader of a new session and group unless a group is already
 * named after it (-EPERM). Zombies keep their group and session until
 * reaped, as on Linux. References: setpgid(2), setsid(2), getsid(2).
 * Locking: proc_lock around every read and change.
 */
#include "include/uapi/errno.h"
#include "proc/proc_internal.h"

/* Does a process group @pgid exist in session @sid? */
static bool group_exists_locked(int pgid, int sid) REQUIRES(&proc_lock)
{
	struct proc *p;

	spin_assert_held(&proc_lock);
	list_for_each_entry (p, &proc_all, link)
		if (p->pgid == pgid && p->sid == sid)
			return true;
	return false;
}

static int setpgid_locked(struct proc *self, int pid, int pgid) REQUIRES(&proc_lock)
{
	struct proc *t = pid ? proc_find_locked(pid) : self;

	spin_assert_held(&proc_lock);
	if (!t)
		return -ESRCH;
	if (t != self) {
		if (t->parent != self)
			return -ESRCH;
		if (t->sid != self->sid)
			return -EPERM;
		if (t->did_exec)
			return -EACCES;
	}
	if (t->sid == t->pid)
		return -EPERM; /* a session leader keeps its group */
	if (!pgid)
		pgid = t->pid;
	if (pgid != t->pid && !group_exists_locked(pgid, self->sid))
		return -EPERM;
	t->pgid = pgid;
	return 0;
}

long proc_setpgid(int pid, int pgid)
{
	unsigned long flags;
	int err;

	if (pgid < 0)
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	flags = spin_lock_irqsave(&proc_lock);
	err = setpgid_locked(proc_current(), pid, pgid);
	spin_unlock_irqrestore(&proc_lock, flags);
	return err;
}

/* getpgid (@sid false) or getsid (@sid true) of @pid (0: the caller). */
static long get_id(int pid, bool sid)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *t = pid ? (pid > 0 ? proc_find_locked(pid) : NULL) : proc_current();
	long r = t ? (sid ? t->sid : t->pgid) : -ESRCH;

	spin_unlock_irqrestore(&proc_lock, flags);
	return r;
}

long proc_getpgid(int pid)
{
	return get_id(pid, false);
}

long proc_getsid(int pid)
{
	return get_id(pid, true);
}

long proc_pgrp_session(int pgid)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	long sid = -ESRCH;
	struct proc *p;

	/* A group lives while any member does (its leader may be gone). */
	list_for_each_entry (p, &proc_all, link)
		if (p->pgid == pgid && pgid > 0) {
			sid = p->sid;
			break;
		}
	spin_unlock_irqrestore(&proc_lock, flags);
	return sid;
}

long proc_setsid(void)
{
	struct proc *self = proc_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p;
	long r = self->pid;

	list_for_each_entry (p, &proc_all, link)
		if (p->pgid == self->pid)
			r = -EPERM;
	if (r > 0) {
		self->pgid = self->sid = self->pid;
		WRITE_ONCE(self->no_ctty, false);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return r;
}

bool proc_ctty_given_up(void)
{
	struct proc *self = proc_current();

	return self && READ_ONCE(self->no_ctty);
}

void proc_give_up_ctty(void)
{
	struct proc *self = proc_current();

	if (self)
		WRITE_ONCE(self->no_ctty, true);
}

long proc_getppid(void)
{
	return READ_ONCE(proc_current()->ppid); /* no lock: the hot path of ubench */
}

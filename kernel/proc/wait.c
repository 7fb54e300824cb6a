/*
 * wait4 (proc.h's proc_wait4): reap a zombie child that the pid argument
 * selects (pid > 0 that child, 0 the caller's group, -1 any, < -1 group
 * -pid), Linux's option checks and clone-child rule (without __WALL or
 * __WCLONE only children whose exit signal is SIGCHLD count), WNOHANG,
 * -ECHILD when nothing can ever match; the rusage is filled with the
 * child's CPU time (the scheduler counts it all as user time here).
 * WUNTRACED reports a child stopped by a signal (status sig << 8 | 0x7f)
 * and WCONTINUED one continued by SIGCONT (0xffff), each once, without
 * reaping it. Interrupted by a signal: -ERESTARTSYS (-EINTR, or a
 * restart under SA_RESTART). Reference: wait4(2), Linux kernel/exit.c
 * do_wait().
 * Locking: proc_lock for the scan and the unlink; sleeps on proc_child_wq
 * with proc_events as the condition.
 */
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "proc/proc_internal.h"
#include "proc/signal.h"
#include "sched/task.h"

#define WNOHANG 0x1
#define WUNTRACED 0x2
#define WCONTINUED 0x8
#define WNOTHREAD 0x20000000 /* __WNOTHREAD */
#define WALL 0x40000000	     /* __WALL */
#define WCLONE 0x80000000u   /* __WCLONE */
#define WAIT4_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)
#define PID_INT_MIN (-2147483647 - 1)

/* Linux's struct rusage: two timevals and 14 longs. */
struct linux_rusage {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};
_Static_assert(sizeof(struct linux_rusage) == 144, "struct rusage");

static bool selects(const struct proc *c, int pid, int my_pgid, unsigned int options)
{
	bool clone_child = c->exit_signal != PROC_SIGCHLD;

	if (!(options & WALL) && clone_child != !!(options & WCLONE))
		return false;
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == my_pgid;
	return pid == -1 || c->pgid == -pid;
}

/* The first selected zombie child, unlinked; *@any says whether some
 * child is selected at all. A stop or continue report (WUNTRACED,
 * WCONTINUED) is taken instead when it comes first: then NULL with its
 * pid and status in *@rpid, *@rstatus. */
static struct proc *take_zombie(struct proc *self, int pid, unsigned int options, bool *any,
				int *rpid, int *rstatus)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *c, *found = NULL;

	*any = false;
	*rpid = 0;
	list_for_each_entry (c, &self->children, sibling) {
		if (!selects(c, pid, self->pgid, options))
			continue;
		*any = true;
		if (c->state == PROC_ZOMBIE) {
			found = c;
			break;
		}
		if ((options & WUNTRACED) && c->stop_report) {
			*rstatus = c->stop_report << 8 | 0x7f;
			c->stop_report = 0;
			*rpid = c->pid;
			break;
		}
		if ((options & WCONTINUED) && c->cont_report) {
			*rstatus = 0xffff;
			c->cont_report = false;
			*rpid = c->pid;
			break;
		}
	}
	if (found) {
		list_del(&found->sibling);
		list_del(&found->link);
		proc_forget_locked();
		self->child_utime += found->utime_ns + found->child_utime;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return found;
}

uint64_t proc_children_cpu_ns(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	uint64_t ns = proc_current()->child_utime;

	spin_unlock_irqrestore(&proc_lock, flags);
	return ns;
}

static int report(const struct proc *c, uptr_t ustatus, uptr_t urusage)
{
	struct linux_rusage ru = { 0 };
	uint64_t ns = c->utime_ns + c->child_utime;
	int status = c->wait_status;

	ru.utime_sec = (int64_t)(ns / 1000000000u);
	ru.utime_usec = (int64_t)(ns / 1000 % 1000000);
	if (!uptr_is_null(ustatus) && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	if (!uptr_is_null(urusage) && copy_to_user(urusage, &ru, sizeof(ru)))
		return -EFAULT;
	return 0;
}

long proc_wait4(int pid, uptr_t ustatus, int options, uptr_t urusage)
{
	struct proc *self = proc_current();
	unsigned int opts = (unsigned int)options;

	if (opts & ~(unsigned int)WAIT4_OPTIONS)
		return -EINVAL;
	if (pid == PID_INT_MIN)
		return -ESRCH; /* -INT_MIN has no meaning (Linux) */
	for (;;) {
		uint64_t gen = READ_ONCE(proc_events);
		bool any;
		int rpid, rstatus;
		struct proc *c = take_zombie(self, pid, opts, &any, &rpid, &rstatus);

		if (rpid) {
			struct linux_rusage ru = { 0 };

			if (!uptr_is_null(ustatus) &&
			    copy_to_user(ustatus, &rstatus, sizeof(rstatus)))
				return -EFAULT;
			if (!uptr_is_null(urusage) && copy_to_user(urusage, &ru, sizeof(ru)))
				return -EFAULT;
			return rpid;
		}
		if (c) {
			int cpid = c->pid, err = report(c, ustatus, urusage);

			proc_free(c);
			return err ? err : cpid;
		}
		if (!any)
			return -ECHILD;
		if (opts & WNOHANG)
			return 0;
		if (wait_event_interruptible(&proc_child_wq, READ_ONCE(proc_events) != gen))
			return -ERESTARTSYS;
	}
}

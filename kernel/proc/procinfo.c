/*
 * Process snapshots for `ps` and /proc/PID (proc/proc.h): the tree
 * fields, state, CPU time, start time and resident pages of each
 * process, copied under proc_lock so the reader never holds a pointer
 * into a process that may be reaped; and the command line and executable
 * path that exec records (a copy of argv and the file's absolute name,
 * as Linux's /proc/PID/cmdline and exe show); and references to a
 * process's descriptor table, address space and working directory that
 * outlive proc_lock (/proc/PID/fd, maps, environ, cwd).
 * Locking: proc_lock guards the strings' pointers (swapped at exec, freed
 * after the lock is dropped) and the fds, mm and cwd pointers (cleared
 * at exit, swapped at exec and chdir, dropped after the lock); the
 * references taken under it are atomic increments, so no lock ranking
 * below proc_lock is taken; the mm's page count is read without its
 * lock (a word-sized snapshot).
 */
#include "proc/proc.h"

#include "fs/fdtable.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/mm.h"
#include "proc/proc_internal.h"
#include "proc/thread.h"
#include "sched/task.h"
#include "sync/spinlock.h"

#define CMDLINE_MAX 4096 /* bytes of argv kept (Linux's /proc shows one page too, pre-4.2) */

static char state_letter_locked(const struct proc *p) REQUIRES(&proc_lock)
{
	spin_assert_held(&proc_lock);
	const struct thread *th;

	if (p->state == PROC_ZOMBIE)
		return 'Z';
	if (list_empty(&p->threads))
		return 'R';
	th = list_first_entry(&p->threads, struct thread, link);
	if (!th->task)
		return 'R';
	if (p->stopped)
		return 'T'; /* by a stop signal (signal.c) */
	switch (READ_ONCE(th->task->state)) {
	case TASK_BLOCKED:
	case TASK_SLEEPING:
		return 'S';
	default:
		return 'R';
	}
}

static void fill_info_locked(const struct proc *p, struct proc_info *i) REQUIRES(&proc_lock)
{
	struct mm *mm = p->mm;
	const struct thread *th;

	i->pid = p->pid;
	i->ppid = p->parent ? p->parent->pid : 0;
	i->pgid = p->pgid;
	i->sid = p->sid;
	i->no_ctty = READ_ONCE(p->no_ctty);
	i->state = state_letter_locked(p);
	memcpy(i->name, p->name, sizeof(i->name));
	i->start_ns = p->start_ns;
	/* CPU time: the ended threads' and each live thread's */
	i->cpu_ns = p->state == PROC_ZOMBIE ? p->utime_ns : p->threads_ns;
	i->cpu = 0;
	list_for_each_entry (th, &p->threads, link) {
		if (!th->task)
			continue;
		if (p->state != PROC_ZOMBIE)
			i->cpu_ns += READ_ONCE(th->task->runtime_ns);
		i->cpu = READ_ONCE(th->task->cpu); /* the newest thread's */
	}
	i->threads = p->nr_threads;
	i->rss_pages = mm ? READ_ONCE(mm->pages) : 0;
}

size_t proc_list(struct proc_info *out, size_t max)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p;
	size_t n = 0;

	list_for_each_entry (p, &proc_all, link) {
		if (n < max)
			fill_info_locked(p, &out[n]);
		n++;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return n;
}

int proc_get_info(int pid, struct proc_info *out)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find_locked(pid);

	if (p)
		fill_info_locked(p, out);
	spin_unlock_irqrestore(&proc_lock, flags);
	return p ? 0 : -ESRCH;
}

/* Copy @pid's string chosen by @exe into @buf. */
static ssize_t get_string(int pid, bool exe, char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find_locked(pid);
	ssize_t n = -ESRCH;

	if (p) {
		const char *s = exe ? p->exe : p->cmdline;
		size_t len = !s ? 0 : exe ? strlen(s) : p->cmdline_len;

		n = (ssize_t)(len < size ? len : size);
		if (n)
			memcpy(buf, s, (size_t)n);
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return n;
}

ssize_t proc_get_cmdline(int pid, char *buf, size_t size)
{
	return get_string(pid, false, buf, size);
}

ssize_t proc_get_exe(int pid, char *buf, size_t size)
{
	return get_string(pid, true, buf, size);
}

/* Swap in new strings; the old ones are freed outside the lock. */
static void replace_strings(struct proc *p, char *cmdline, size_t len, char *exe)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	char *old_cmdline = p->cmdline, *old_exe = p->exe;

	p->cmdline = cmdline;
	p->cmdline_len = cmdline ? len : 0;
	p->exe = exe;
	spin_unlock_irqrestore(&proc_lock, flags);
	kfree(old_cmdline);
	kfree(old_exe);
}

static char *dup_bytes(const char *s, size_t len)
{
	char *d = s && len ? kmalloc(len + 1) : NULL;

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

void proc_set_cmdline(struct proc *p, const char *strings, int argc, char *exe)
{
	size_t len = 0;

	for (int i = 0; i < argc && len < CMDLINE_MAX; i++)
		len += strlen(strings + len) + 1;
	if (len > CMDLINE_MAX)
		len = CMDLINE_MAX;
	replace_strings(p, dup_bytes(strings, len), len, exe);
}

/* The parent is the caller, the only one that changes its own strings:
 * they are read without the lock. No memory leaves the child's empty. */
void proc_copy_cmdline(struct proc *c, const struct proc *parent)
{
	const char *exe = parent->exe;

	replace_strings(c, dup_bytes(parent->cmdline, parent->cmdline_len), parent->cmdline_len,
			exe ? dup_bytes(exe, strlen(exe)) : NULL);
}

struct fd_table *proc_get_fds(int pid)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find_locked(pid);
	struct fd_table *t = p ? p->fds : NULL;

	if (t)
		fd_table_get(t);
	spin_unlock_irqrestore(&proc_lock, flags);
	return t;
}

struct mm *proc_get_mm(int pid)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find_locked(pid);
	struct mm *mm = p ? p->mm : NULL;

	if (mm)
		mm_get(mm);
	spin_unlock_irqrestore(&proc_lock, flags);
	return mm;
}

int proc_get_cwd(int pid, struct vfs_path *out)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find_locked(pid);
	int err = !p ? -ESRCH : !p->cwd.mnt ? -ENOENT : 0;

	if (!err) {
		*out = p->cwd;
		vfs_path_get(out); // atomic increments on held references
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return err;
}

void proc_cwd_get(struct vfs_path *out)
{
	struct proc *p = proc_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	*out = p->cwd;
	if (out->mnt)
		vfs_path_get(out); // atomic increments on held references
	spin_unlock_irqrestore(&proc_lock, flags);
}

void proc_set_cwd(const struct vfs_path *path)
{
	struct proc *p = proc_current();
	struct vfs_path old, new = *path;
	unsigned long flags;

	vfs_path_get(&new);
	flags = spin_lock_irqsave(&proc_lock);
	old = p->cwd;
	p->cwd = new;
	spin_unlock_irqrestore(&proc_lock, flags);
	if (old.mnt)
		vfs_path_put(&old);
}

/*
 * Processes (proc/proc.h): creation and pids, the tree (parent, children,
 * orphans re-parented to PID 1 or to the kernel's reaper), exit into a
 * zombie, the shell's spawn and wait, kill as a pending fatal flag,
 * user faults (procinfo.c has the `ps` snapshots). fork.c, wait.c, group.c and exec.c
 * build on the pieces here (proc_internal.h).
 * Locking: proc_lock guards proc_all, pids, links, states and statuses;
 * every change a waiter may sleep on bumps proc_events under it and wakes
 * proc_child_wq after it. Lock order: proc_lock, then the task table and
 * run-queue locks (ps reads a thread's state under it).
 */
#include "proc/proc.h"

#include "arch/arch.h"
#include "core/log.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "proc/mm.h"
#include "proc/proc_internal.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "sched/task.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_PREFIX "proc: "
#define PID_FIRST 2 /* pid 1 is kept for init= */

struct spinlock proc_lock = SPINLOCK_INIT("proc", LOCK_RANK_TASKS - 1);
struct list_head proc_all GUARDED_BY(&proc_lock) = LIST_HEAD_INIT(proc_all);
struct waitqueue proc_child_wq = WAITQUEUE_INIT(proc_child_wq, "proc_child");
uint64_t proc_events;
static int next_pid GUARDED_BY(&proc_lock) = PID_FIRST;
static size_t nr_procs GUARDED_BY(&proc_lock);
static struct proc *init_proc GUARDED_BY(&proc_lock); /* PID 1 while alive */
static bool reaper_started GUARDED_BY(&proc_lock);

void proc_set_name(const char *name)
{
	struct proc *p = proc_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	strlcpy(p->name, name, sizeof(p->name)); /* ps copies it under the lock */
	spin_unlock_irqrestore(&proc_lock, flags);
}

void proc_get_name(char out[PROC_NAME_MAX])
{
	struct proc *p = proc_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	memset(out, 0, PROC_NAME_MAX);
	strlcpy(out, p->name, PROC_NAME_MAX);
	spin_unlock_irqrestore(&proc_lock, flags);
}

size_t proc_count(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	size_t n = nr_procs;

	spin_unlock_irqrestore(&proc_lock, flags);
	return n;
}

void proc_forget_locked(void)
{
	spin_assert_held(&proc_lock);
	nr_procs--;
}

void proc_changed_locked(void)
{
	spin_assert_held(&proc_lock);
	atomic_fetch_add(&proc_events, 1);
}

void proc_wake(void)
{
	waitq_wake_all(&proc_child_wq);
}

struct proc *proc_find_locked(int pid)
{
	struct proc *p;

	spin_assert_held(&proc_lock);
	list_for_each_entry (p, &proc_all, link)
		if (p->pid == pid)
			return p;
	return NULL;
}

struct proc *proc_alloc(void)
{
	struct proc *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->link);
	list_init(&p->threads);
	p->umask = 022;
	p->exit_signal = PROC_SIGCHLD;
	return p;
}

/* A pid no process uses as its pid, group or session and no thread as
 * its tid (Linux keeps a pid while a group or session is named after it). */
static bool pid_is_free_locked(int pid) REQUIRES(&proc_lock)
{
	struct proc *p;
	struct thread *th;

	spin_assert_held(&proc_lock);
	list_for_each_entry (p, &proc_all, link) {
		if (p->pid == pid || p->pgid == pid || p->sid == pid)
			return false;
		list_for_each_entry (th, &p->threads, link)
			if (th->tid == pid)
				return false;
	}
	return true;
}

int proc_alloc_pid_locked(void)
{
	spin_assert_held(&proc_lock);
	for (int tries = 0; tries < PROC_PID_MAX; tries++) {
		int pid = next_pid++;

		if (next_pid >= PROC_PID_MAX)
			next_pid = PID_FIRST;
		if (pid_is_free_locked(pid))
			return pid;
	}
	return -EAGAIN;
}

int proc_publish(struct proc *p, struct thread *th, struct proc *parent, bool pid1)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	int pid = -EAGAIN;

	if (pid1 && !pid_is_free_locked(1))
		pid = -EBUSY;
	else if (nr_procs < PROC_MAX)
		pid = pid1 ? 1 : proc_alloc_pid_locked();
	if (pid >= 0 && thread_link_locked(p, th, pid))
		pid = -EAGAIN;
	if (pid < 0) {
		spin_unlock_irqrestore(&proc_lock, flags);
		return pid;
	}
	p->pid = pid;
	p->start_ns = ktime_ns();
	p->parent = parent;
	WRITE_ONCE(p->ppid, parent ? parent->pid : 0);
	if (parent) {
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		p->no_ctty = READ_ONCE(parent->no_ctty);
		list_add_tail(&p->sibling, &parent->children);
	} else {
		p->pgid = p->sid = pid;
	}
	if (pid1)
		init_proc = p;
	list_add_tail(&p->link, &proc_all);
	nr_procs++;
	spin_unlock_irqrestore(&proc_lock, flags);
	return 0;
}

void proc_unpublish(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	list_del(&p->link);
	list_del(&p->sibling);
	if (init_proc == p)
		init_proc = NULL;
	nr_procs--;
	thread_unlink_all_locked(p);
	spin_unlock_irqrestore(&proc_lock, flags);
}

void proc_free(struct proc *p)
{
	if (p->fds)
		fd_table_destroy(p->fds);
	if (p->cwd.mnt)
		vfs_path_put(&p->cwd);
	mm_put(p->mm);
	kfree(p->cmdline);
	kfree(p->exe);
	/* Off its CPU for good once joined: its stack is back in the cache
	 * before the reaper returns, so memory counts are exact. */
	if (p->last_task && task_join(p->last_task, NULL))
		log_warn("pid %d: cannot join its thread\n", p->pid);
	kfree(p);
}

/* ---- the kernel's reaper: frees orphans when there is no init ---- */

/* A zombie orphan the reaper may free, unlinked; NULL if none. */
static struct proc *take_kernel_zombie(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p, *found = NULL;

	list_for_each_entry (p, &proc_all, link) {
		if (p->state == PROC_ZOMBIE && !p->parent && p->reap_by_kernel) {
			found = p;
			list_del(&p->link);
			nr_procs--;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	return found;
}

static int reaper_main(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t gen = READ_ONCE(proc_events);
		struct proc *p;

		while ((p = take_kernel_zombie()))
			proc_free(p);
		wait_event(&proc_child_wq, READ_ONCE(proc_events) != gen);
	}
	return 0;
}

static void start_reaper(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	bool start = !reaper_started;
	struct task *t;

	reaper_started = true;
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!start)
		return;
	t = task_create(reaper_main, NULL, "reaper");
	if (!t) {
		log_err("cannot start the reaper: orphans will stay zombies\n");
		return;
	}
	task_detach(t);
}

/* ---- the shell's spawn and wait ---- */

/* fds 0, 1, 2 on /dev/console. */
static int open_console(struct fd_table *t)
{
	for (int fd = 0; fd < 3; fd++) {
		struct file *f;
		int err = vfs_open(NULL, "/dev/console", O_RDWR, 0, &f);

		if (err)
			return err;
		if (fd_install(t, f, false) != fd) {
			file_put(f);
			return -EMFILE;
		}
	}
	return 0;
}

/* A spawned process's thread: console, then exec (the same as execve). */
static int spawn_main(void *arg)
{
	struct exec_args *a = arg;
	struct proc *p = proc_current();
	int err;

	thread_attach(list_first_entry(&p->threads, struct thread, link));
	err = open_console(p->fds);
	if (err)
		exec_args_free(a);
	else
		err = exec_run(p, a); /* returns only on failure */
	p->exec_error = err;
	proc_exit((err == -ENOENT ? 127 : 126) << 8);
}

static int spawn(const struct vfs_path *cwd, const char *path, char *const argv[],
		 char *const envp[], bool pid1, struct proc **out)
{
	struct proc *p = proc_alloc();
	struct thread *th = thread_alloc();
	const char *base = strrchr(path, '/');
	struct exec_args *a = NULL;
	struct task *t;
	int err;

	if (!p || !th) {
		thread_free(th);
		kfree(p);
		return -ENOMEM;
	}
	start_reaper();
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
	if (cwd) {
		p->cwd = *cwd;
		vfs_path_get(&p->cwd);
	} else {
		vfs_root(&p->cwd);
	}
	err = exec_args_from_kernel(path, argv, envp, &a);
	if (!err && !(p->fds = fd_table_create()))
		err = -ENOMEM;
	if (!err)
		err = proc_publish(p, th, NULL, pid1);
	if (err)
		goto err_free;
	t = task_create_user(spawn_main, a, p->name, p);
	if (!t) {
		err = -ENOMEM;
		proc_unpublish(p);
		goto err_free;
	}
	*out = p; /* the last thread's task is joined when it is reaped */
	return 0;
err_free:
	thread_free(th); /* never ran: not (or no longer) on p's list */
	exec_args_free(a);
	proc_free(p);
	return err;
}

int proc_spawn(const struct vfs_path *cwd, const char *path, char *const argv[], char *const envp[],
	       struct proc **out)
{
	return spawn(cwd, path, argv, envp, false, out);
}

int proc_spawn_init(const char *path, char *const argv[], char *const envp[], struct proc **out)
{
	return spawn(NULL, path, argv, envp, true, out);
}

int proc_wait(struct proc *p, int *exec_error)
{
	int status;

	for (;;) {
		uint64_t gen = READ_ONCE(proc_events);
		unsigned long flags = spin_lock_irqsave(&proc_lock);
		bool done = p->state == PROC_ZOMBIE;

		if (done) {
			list_del(&p->link);
			nr_procs--;
		}
		spin_unlock_irqrestore(&proc_lock, flags);
		if (done)
			break;
		wait_event(&proc_child_wq, READ_ONCE(proc_events) != gen);
	}
	status = p->wait_status;
	if (exec_error)
		*exec_error = p->exec_error;
	proc_free(p);
	return status;
}

/* ---- exit ---- */

/* Give @p's children to init, or to the reaper when there is none (or
 * @p is init). */
static void reparent_children_locked(struct proc *p) REQUIRES(&proc_lock)
{
	struct proc *heir =
		init_proc && init_proc != p && init_proc->state == PROC_ALIVE ? init_proc : NULL;

	spin_assert_held(&proc_lock);
	while (!list_empty(&p->children)) {
		struct proc *c = list_first_entry(&p->children, struct proc, sibling);

		list_del(&c->sibling);
		c->parent = heir;
		WRITE_ONCE(c->ppid, heir ? heir->pid : 0);
		if (heir)
			list_add_tail(&c->sibling, &heir->children);
		else
			c->reap_by_kernel = true;
	}
}

/* Drop the address space, descriptors and cwd (the calling process's
 * own; its last thread is already off the mm). The pointers are cleared
 * under proc_lock, where procfs takes its references (procinfo.c), and
 * the objects dropped after it: a reader's reference keeps each alive. */
static void release_resources(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct mm *mm = p->mm;
	struct fd_table *fds = p->fds;
	struct vfs_path cwd = p->cwd;

	p->mm = NULL;
	p->fds = NULL;
	p->cwd = (struct vfs_path){ 0 };
	spin_unlock_irqrestore(&proc_lock, flags);
	mm_put(mm);
	if (fds)
		fd_table_destroy(fds);
	if (cwd.mnt)
		vfs_path_put(&cwd);
}

void proc_exit(int status)
{
	struct proc *p = proc_current();
	unsigned long flags = spin_lock_irqsave(&proc_lock);

	if (!p->group_exiting) { /* the first exit_group's status stands */
		p->group_exiting = true;
		p->group_exit_status = status;
	}
	thread_kill_others_locked(p, thread_current());
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	proc_thread_exit(status);
}

void proc_finish(int status)
{
	struct proc *p = proc_current();
	unsigned long flags;

	p->utime_ns = READ_ONCE(p->threads_ns);
	release_resources(p);
	if (p->pid != 1)
		start_reaper(); /* for a parent that ignores SIGCHLD */
	flags = spin_lock_irqsave(&proc_lock);
	reparent_children_locked(p);
	p->state = PROC_ZOMBIE;
	p->wait_status = status;
	p->last_task = task_current(); /* the reap joins it: off its stack by then */
	p->vfork_done = true;
	p->alarm_ns = 0;
	if (signal_notify_parent_locked(p,
					!(status & 0x7f)  ? CLD_EXITED
					: (status & 0x80) ? CLD_DUMPED
							  : CLD_KILLED,
					!(status & 0x7f) ? (status >> 8) & 0xff : status & 0x7f)) {
		/* SIGCHLD ignored or SA_NOCLDWAIT: no zombie for the parent */
		list_del(&p->sibling);
		list_init(&p->sibling);
		p->parent = NULL;
		p->reap_by_kernel = true;
	}
	if (p == init_proc) {
		init_proc = NULL;
		log_warn("init (pid 1) ended with status %#x\n", (unsigned int)status);
	}
	proc_changed_locked();
	spin_unlock_irqrestore(&proc_lock, flags);
	proc_wake();
	task_exit(0);
}

void proc_user_fault(const struct proc_fault *f)
{
	struct proc *p = proc_current();

	if (!p) {
		log_err("user-mode exception %u without a process\n", f->vector);
		task_exit(-1);
	}
	if (f->is_page_fault && f->signal == PROC_SIGKILL)
		log_warn("out of memory: killed process %d (%s) at %lx ip %016lx\n", p->pid,
			 p->name, (unsigned long)f->addr, (unsigned long)f->ip);
	else if (f->is_page_fault)
		log_info("pid %d (%s): %s at %lx ip %016lx sp %016lx error %lx\n", p->pid, p->name,
			 f->signal == PROC_SIGBUS ? "bus error (past the end of a mapped file)"
						  : "segfault",
			 (unsigned long)f->addr, (unsigned long)f->ip, (unsigned long)f->sp,
			 (unsigned long)f->error_code);
	else
		log_info("pid %d (%s): trap %u (signal %d) ip %016lx sp %016lx error %lx\n", p->pid,
			 p->name, f->vector, f->signal, (unsigned long)f->ip, (unsigned long)f->sp,
			 (unsigned long)f->error_code);
	proc_exit(proc_fault_status(f->signal));
}

int proc_user_page_fault(uintptr_t addr, bool write, bool exec)
{
	struct proc *p = proc_current();

	switch (p && p->mm ? mm_handle_fault(p->mm, addr, write, exec) : MM_FAULT_SEGV) {
	case MM_FAULT_OK:
		return 0;
	case MM_FAULT_BUS:
		return PROC_SIGBUS;
	case MM_FAULT_NOMEM:
		return PROC_SIGKILL; /* what Linux's OOM killer sends */
	default:
		return PROC_SIGSEGV;
	}
}

bool proc_mm_fault(uintptr_t addr, bool write, bool exec)
{
	struct proc *p = proc_current();

	return p && p->mm && mm_fault(p->mm, addr, write, exec);
}

/* ---- kill: a pending fatal flag ---- */

bool proc_is_killed(void)
{
	struct thread *th = thread_current();

	return th && READ_ONCE(th->killed);
}

void proc_user_return(void)
{
	if (proc_is_killed())
		proc_thread_exit(READ_ONCE(proc_current()->group_exit_status));
}

int proc_kill(int pid)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	struct proc *p = proc_find_locked(pid);
	int err = -ESRCH;

	if (p && p->state == PROC_ALIVE) {
		(void)signal_send_locked(p, PROC_SIGKILL,
					 NULL); /* wakes wait4 and vfork waits too */
		err = 0;
	}
	spin_unlock_irqrestore(&proc_lock, flags);
	if (!err)
		proc_wake();
	return err;
}

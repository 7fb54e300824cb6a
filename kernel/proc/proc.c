/*
 * Processes (proc/proc.h): spawning a program on its own thread, its
 * console descriptors, exit, user faults and waiting.
 * Locking: proc_lock guards procs and next_pid; see proc.h.
 */
#include "proc/proc.h"

#include "arch/arch.h"
#include "core/log.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/mm.h"
#include "sched/task.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "proc: "

static struct spinlock proc_lock = SPINLOCK_INIT("proc", LOCK_RANK_TASKS - 1);
static struct list_head procs GUARDED_BY(&proc_lock) = LIST_HEAD_INIT(procs);
static int next_pid GUARDED_BY(&proc_lock) = 1;
static size_t nr_procs GUARDED_BY(&proc_lock);

struct proc *proc_current(void)
{
	return task_current()->proc;
}

size_t proc_count(void)
{
	unsigned long flags = spin_lock_irqsave(&proc_lock);
	size_t n = nr_procs;

	spin_unlock_irqrestore(&proc_lock, flags);
	return n;
}

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

/* The process's thread: load the program, then leave for user mode. */
static int proc_main(void *arg)
{
	struct proc *p = arg;
	uintptr_t ip, sp;
	int err = open_console(p->fds);

	if (!err)
		err = proc_load(p, &ip, &sp);
	kfree(p->args);
	p->args = NULL;
	if (err) {
		p->exec_error = err;
		return 0;
	}
	arch_enter_user(&task_current()->ctx, ip, sp);
}

/* Pack argv then envp as NUL-separated strings into p->args. */
static int pack_args(struct proc *p, char *const argv[], char *const envp[])
{
	size_t len = 0, off = 0;
	int n = 0;

	for (char *const *v = argv; *v; v++, n++)
		len += strlen(*v) + 1;
	p->argc = n;
	n = 0;
	for (char *const *v = envp; v && *v; v++, n++)
		len += strlen(*v) + 1;
	p->envc = n;
	if (len > PROC_ARG_MAX)
		return -E2BIG;
	p->args = kmalloc(len ? len : 1);
	if (!p->args)
		return -ENOMEM;
	for (char *const *v = argv; *v; v++)
		off += strlcpy(p->args + off, *v, len - off) + 1;
	for (char *const *v = envp; v && *v; v++)
		off += strlcpy(p->args + off, *v, len - off) + 1;
	p->args_len = len;
	return 0;
}

static void proc_free(struct proc *p)
{
	if (p->fds)
		fd_table_destroy(p->fds);
	if (p->cwd.mnt)
		vfs_path_put(&p->cwd);
	if (p->mm)
		mm_destroy(p->mm);
	arch_fpu_free(p->fpu);
	kfree(p->args);
	kfree(p);
}

int proc_spawn(const char *path, char *const argv[], char *const envp[], struct proc **out)
{
	struct proc *p = kzalloc(sizeof(*p));
	const char *base = strrchr(path, '/');
	unsigned long flags;
	int err;

	if (!p)
		return -ENOMEM;
	strlcpy(p->path, path, sizeof(p->path));
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
	vfs_root(&p->cwd);
	p->umask = 022;
	err = pack_args(p, argv, envp);
	if (!err && !(p->fds = fd_table_create()))
		err = -ENOMEM;
	if (err) {
		proc_free(p);
		return err;
	}
	flags = spin_lock_irqsave(&proc_lock);
	p->pid = next_pid++;
	list_add_tail(&p->link, &procs);
	nr_procs++;
	spin_unlock_irqrestore(&proc_lock, flags);
	p->task = task_create_user(proc_main, p, p->name, p);
	if (!p->task) {
		flags = spin_lock_irqsave(&proc_lock);
		list_del(&p->link);
		nr_procs--;
		spin_unlock_irqrestore(&proc_lock, flags);
		proc_free(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

int proc_wait(struct proc *p, int *exec_error)
{
	unsigned long flags;
	int status;

	if (task_join(p->task, NULL))
		log_warn("pid %d: cannot join its thread\n", p->pid);
	flags = spin_lock_irqsave(&proc_lock);
	list_del(&p->link);
	nr_procs--;
	spin_unlock_irqrestore(&proc_lock, flags);
	status = p->wait_status;
	if (exec_error)
		*exec_error = p->exec_error;
	proc_free(p);
	return status;
}

void proc_exit(int status)
{
	struct proc *p = proc_current();

	p->wait_status = status;
	/* Back on the kernel's tables: the waiter frees this address space. */
	arch_context_set_user(&task_current()->ctx, 0, NULL);
	task_exit(0);
}

void proc_user_fault(const struct proc_fault *f)
{
	struct proc *p = proc_current();

	if (!p) {
		log_err("user-mode exception %u without a process\n", f->vector);
		task_exit(-1);
	}
	if (f->is_page_fault)
		log_info("pid %d (%s): segfault at %lx ip %016lx sp %016lx error %lx\n", p->pid,
			 p->name, (unsigned long)f->addr, (unsigned long)f->ip,
			 (unsigned long)f->sp, (unsigned long)f->error_code);
	else
		log_info("pid %d (%s): trap %u (signal %d) ip %016lx sp %016lx error %lx\n", p->pid,
			 p->name, f->vector, f->signal, (unsigned long)f->ip, (unsigned long)f->sp,
			 (unsigned long)f->error_code);
	proc_exit(f->signal);
}

bool proc_mm_fault(uintptr_t addr, bool write, bool exec)
{
	struct proc *p = proc_current();

	return p && p->mm && mm_fault(p->mm, addr, write, exec);
}

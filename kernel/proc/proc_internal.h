/*
 * What the files of proc/ share and nothing else includes: the process
 * list and its lock, the wake-up for every change a waiter may care
 * about, the creation steps fork and spawn both use, and exec's entry.
 * Locking: see proc.h; proc_events is bumped with proc_lock held and read
 * without it (a waiter samples it, scans under the lock, then sleeps
 * until it moves).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"
#include "include/list.h"
#include "mm/usercopy.h"
#include "proc/proc.h"
#include "sched/waitqueue.h"
#include "sync/spinlock.h"

extern struct spinlock proc_lock;
extern struct list_head proc_all; /* Protected by proc_lock */
/* Woken (all) on every exit, reparent, kill and vfork release. */
extern struct waitqueue proc_child_wq;
extern uint64_t proc_events; /* Atomic; bumped under proc_lock */

/* A process being built: zeroed, lists initialised, umask 022, no pid.
 * NULL when memory runs out. */
struct proc *proc_alloc(void);

struct thread;

/* Give @p a pid and put it in the tree under @parent (NULL: the kernel;
 * then it leads a new session and group, else it inherits the parent's),
 * with @th its first thread (tid = pid). @pid1: take pid 1 (init=).
 * Returns 0, -EAGAIN (PROC_MAX processes, PROC_THREAD_MAX threads, or no
 * free pid), -EBUSY (@pid1 taken). */
int proc_publish(struct proc *p, struct thread *th, struct proc *parent, bool pid1) __must_check;

/* Undo proc_publish() for a process whose thread never ran (the caller
 * frees the thread). */
void proc_unpublish(struct proc *p);

/* A free pid (for a process or a thread), or -EAGAIN. */
int proc_alloc_pid_locked(void) REQUIRES(&proc_lock);

/* thread.c: add @th to @p with @tid (-EAGAIN past PROC_THREAD_MAX), and
 * take every thread off a process that never ran. */
int thread_link_locked(struct proc *p, struct thread *th, int tid) REQUIRES(&proc_lock);
void thread_unlink_all_locked(struct proc *p) REQUIRES(&proc_lock);

/* The last thread's end of the process (proc.c): resources freed, the
 * zombie made with wait status @status, the parent told. */
void proc_finish(int status) __noreturn;

/* A reaped process leaves the count (its links already dropped). */
void proc_forget_locked(void) REQUIRES(&proc_lock);

/* Free what a process still holds (mm, fds, cwd), join its last
 * thread's task (which frees it) and free the struct. For processes that
 * never ran (their threads freed by the caller) or are reaped. May
 * sleep. */
void proc_free(struct proc *p);

/* The live or zombie process @pid, or NULL. */
struct proc *proc_find_locked(int pid) REQUIRES(&proc_lock);

/* Note a change for every waiter (proc_lock held), then wake them after
 * it is dropped with proc_wake(). */
void proc_changed_locked(void) REQUIRES(&proc_lock);
void proc_wake(void);

/* exec.c: arguments of an exec, packed. */
struct exec_args {
	char *path;	/* the file to open next (an interpreter after #!) */
	char *filename; /* what execve was given: AT_EXECFN and the name */
	char *strings;	/* argv strings, then envp strings, NUL separated (kmalloc'd) */
	size_t len;	/* bytes used in strings */
	int argc, envc;
};

/* Free @a and what it holds (NULL is fine). */
void exec_args_free(struct exec_args *a);

/* Pack kernel vectors (@argv NULL-terminated, @envp may be NULL) for
 * @path. Returns 0 and *@out, or -E2BIG, -ENOMEM. */
int exec_args_from_kernel(const char *path, char *const argv[], char *const envp[],
			  struct exec_args **out) __must_check;

/* Copy execve's path and vectors from user memory. Returns 0 and *@out,
 * or -EFAULT, -E2BIG, -ENAMETOOLONG, -ENOENT (empty path), -ENOMEM. */
int exec_args_from_user(uptr_t upath, uptr_t uargv, uptr_t uenvp, struct exec_args **out)
	__must_check;

/* Rewrite @a for the #! script whose first @n bytes are @hdr: the
 * interpreter, its optional argument, the script's path, argv[1..]; the
 * path becomes the interpreter's. Returns 0, -ENOEXEC (no interpreter),
 * -E2BIG, -ENOMEM. */
int exec_args_script(struct exec_args *a, const uint8_t *hdr, size_t n) __must_check;

/* Replace the calling process's program with @a's (which this frees in
 * every case): returns only on failure, with the old program intact and
 * -ENOENT, -EACCES, -ENOEXEC, -ELOOP, -E2BIG, -ENOMEM... May sleep. */
int exec_run(struct proc *p, struct exec_args *a) __must_check;

/*
 * Processes: a user program with its own address space (struct mm), file
 * descriptors and one thread (a struct task with a user half). The kernel
 * shell starts one with proc_spawn() and waits for it with proc_wait();
 * the program ends through exit/exit_group or a fault, and its wait
 * status is Linux's ((code & 0xff) << 8, or the signal number).
 * Locking: proc_lock (LOCK_RANK_TASKS - 1) guards the process list and
 * pids; a process's own fields are its thread's (Owner) unless noted.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/mount.h"
#include "include/compiler.h"
#include "include/list.h"

struct fd_table;
struct mm;
struct task;

#define PROC_NAME_MAX 16
#define PROC_ARG_MAX (128 * 1024) /* argv + envp bytes, like Linux's 32 pages */
#define PROC_NSIG 64
#define PROC_NRLIMITS 16 /* Linux's RLIM_NLIMITS */

/* The signals a fault ends a process with (Linux's numbers). */
enum {
	PROC_SIGILL = 4,
	PROC_SIGTRAP = 5,
	PROC_SIGBUS = 7,
	PROC_SIGFPE = 8,
	PROC_SIGSEGV = 11,
};

/* A stored rt_sigaction (Linux's struct kernel_sigaction). */
struct proc_sigaction {
	uint64_t handler, flags, restorer, mask;
};

struct proc {
	/* Immutable after proc_spawn(): */
	int pid, ppid;
	char name[PROC_NAME_MAX];
	struct task *task;
	/* Owner (the process's thread), then the waiter after it exited: */
	struct mm *mm;
	void *fpu; /* the thread's FPU area (arch_fpu_alloc) */
	struct fd_table *fds;
	struct vfs_path cwd;	  /* referenced; relative paths and AT_FDCWD start here */
	uint32_t umask;		  /* 022 at spawn, like Linux's init */
	uint64_t clear_child_tid; /* set_tid_address */
	uint64_t sigmask;
	struct proc_sigaction sigactions[PROC_NSIG];
	int wait_status;
	/* Protected by proc_lock: */
	struct list_head link;
	/* Spawn arguments, freed once the program runs: */
	char *args; /* argv strings, then envp strings, NUL separated */
	int argc, envc;
	size_t args_len;
	char path[128];
	int exec_error; /* 0, or why the program could not start */
	/* limits and accounting (syscall/info.c). Owner; all zero at spawn,
	 * which info.c reads as Linux's defaults until a setrlimit: */
	bool rlimits_set;
	struct proc_rlimit {
		uint64_t cur, max;
	} rlimits[PROC_NRLIMITS];
	uint64_t child_cpu_ns;	    /* CPU time of waited-for children (RUSAGE_CHILDREN) */
	char comm[PROC_NAME_MAX]; /* prctl(PR_SET_NAME); "" means name */
};

/*
 * Start @path with @argv (NULL-terminated; argv[0] is the program name)
 * and @envp as a new process whose fds 0-2 are the console. Returns 0 and
 * the process in *@out (wait for it with proc_wait), or -E2BIG, -ENOMEM.
 * Errors loading the program (-ENOENT, -ENOEXEC, ...) come from
 * proc_wait's exec error. May sleep.
 */
int proc_spawn(const char *path, char *const argv[], char *const envp[], struct proc **out)
	__must_check;

/* Wait until @p ends, free it and return its wait status; a program that
 * could not be started gives its errno in *@exec_error (else 0). May
 * sleep. */
int proc_wait(struct proc *p, int *exec_error);

/* The calling task's process, or NULL for a kernel task. */
struct proc *proc_current(void);

/* End the calling process with wait status @status. */
void proc_exit(int status) __noreturn;

/* A fault in user mode that the process cannot survive: log Linux's line
 * ("pid 12 (name): segfault at ADDR ip IP sp SP error E") and end it with
 * the signal. From trap context with interrupts enabled. */
struct proc_fault {
	uint64_t addr, ip, sp, error_code;
	unsigned int vector;
	int signal;
	bool is_page_fault;
};
void proc_user_fault(const struct proc_fault *f) __noreturn;

/* Resolve a user page fault of the calling process (demand paging); false
 * if it is not one (then the access is an error). Any context. */
bool proc_mm_fault(uintptr_t addr, bool write, bool exec);

/* Processes alive (for tests and `mem` leak checks). */
size_t proc_count(void);

/* exec.c: load @path into a fresh address space for the calling process
 * and return the entry point and stack pointer. Returns 0 or -ENOENT,
 * -ENOEXEC, -ENOMEM, -E2BIG... May sleep. */
int proc_load(struct proc *p, uintptr_t *ip, uintptr_t *sp) __must_check;

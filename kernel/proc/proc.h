/*
 * Processes: a user program with its own address space (struct mm), file
 * descriptors and one or more threads (proc/thread.h), in a tree
 * like Linux's: a parent, children, a process group and a session. A
 * process that ends stays a zombie holding its wait status until its
 * parent reaps it with wait4; orphans go to PID 1 (the init= program) or,
 * when there is none, to the kernel's reaper task, which frees them when
 * they end. The kernel shell starts processes with proc_spawn() and waits
 * for them with proc_wait() (they have no parent process: ppid 0).
 * Locking: proc_lock (LOCK_RANK_TASKS - 1) guards the process list, pids,
 * the tree links, groups, sessions, states, wait statuses and the thread
 * list; the rest is written by its threads (Owner) unless noted: the
 * descriptor table, cwd and mm have their own locks inside.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/mount.h"
#include "include/compiler.h"
#include "include/list.h"
#include "mm/usercopy.h"
#include "sched/task.h"

struct fd_table;
struct mm;
struct task;

#define PROC_NAME_MAX 16
#define PROC_ARG_MAX (128 * 1024)    /* argv + envp bytes, like Linux's 32 pages */
#define PROC_ARG_STRLEN (128 * 1024) /* one string (Linux's MAX_ARG_STRLEN) */
#define PROC_NSIG 64
#define PROC_RTQ_MAX 32 /* queued real-time signals per process (then -EAGAIN) */
/*
 * Processes alive or zombie at once. Each costs a 16 KiB kernel stack,
 * page tables and its pages; 256 keep a fork bomb well inside the
 * smallest VM the tests boot (256 MiB) and leave the kernel shell its
 * memory. fork past it is -EAGAIN, as with Linux's RLIMIT_NPROC.
 */
#define PROC_MAX 256
#define PROC_PID_MAX 32768 /* pids wrap here (Linux's default pid_max) */

/* Signal numbers the process layer itself uses (Linux's). */
enum {
	PROC_SIGILL = 4,
	PROC_SIGTRAP = 5,
	PROC_SIGBUS = 7,
	PROC_SIGFPE = 8,
	PROC_SIGKILL = 9,
	PROC_SIGSEGV = 11,
	PROC_SIGCHLD = 17,
	PROC_SIGCONT = 18,
	PROC_SIGSTOP = 19,
};

/* What a pending signal carries (the siginfo fields Corvid fills). */
struct proc_siginfo {
	int32_t code, pid, uid, status;
	uint64_t addr;
};

/* A stored rt_sigaction (Linux's struct kernel_sigaction). */
struct proc_sigaction {
	uint64_t handler, flags, restorer, mask;
};

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE, /* ended; its wait status waits for the parent */
};

struct proc {
	/* Immutable after creation: */
	int pid;
	int exit_signal; /* sent to the parent at exit (SIGCHLD; clone's CSIGNAL) */
	/* Owner (its threads; exec and exit run with only one left): */
	char name[PROC_NAME_MAX];
	/* mm: also changed (exec, exit) under proc_lock, for procinfo.c */
	struct mm *mm;
	/* fds, cwd: also changed (chdir, exit) under proc_lock, for procinfo.c */
	struct fd_table *fds;
	struct vfs_path cwd; /* referenced; relative paths and AT_FDCWD start here */
	uint32_t umask;	     /* 022 at spawn, like Linux's init */
	/* Signals: written with proc_lock held, read by senders under it: */
	struct proc_sigaction sigactions[PROC_NSIG];
	/* Protected by proc_lock: */
	struct list_head threads; /* struct thread, by creation; empty once ended */
	int nr_threads;
	bool group_exiting;	    /* exit_group or a fatal signal: every thread ends */
	int group_exit_status;	    /* the wait status it gives */
	struct thread *exec_thread; /* execve's de_thread in progress */
	uint64_t threads_ns;	    /* CPU time of the threads that ended */
	struct task *last_task;	    /* the last thread's task, joined (freed) by the reap */
	struct proc *parent;	    /* NULL: the kernel (shell or reaper) */
	struct list_head children, sibling;
	struct list_head link; /* all processes, by creation */
	int pgid, sid;
	bool no_ctty; /* gave up its session's controlling tty (TIOCNOTTY by a
		       * member, not the leader); forked children inherit it,
		       * setsid ends it. Written by the process itself. */
	enum proc_state state;
	int wait_status;
	bool reap_by_kernel;  /* an orphan with no init: the reaper frees it */
	bool did_exec;	      /* execve succeeded (setpgid's -EACCES) */
	bool vfork_done;      /* false only while a vfork child has not exec'd or ended */
	uint64_t utime_ns;    /* CPU time, set at exit */
	uint64_t sigpending;  /* process-directed pending signals (bit n-1: signal n) */
	uint64_t child_utime; /* CPU time of reaped children */
	/* Signals (proc/signal.c). Protected by proc_lock: */
	struct proc_siginfo siginfo[PROC_NSIG]; /* of each pending signal */
	/* real-time signals (32-64) queue: each sent one waits here, in order */
	uint8_t rtq_sig[PROC_RTQ_MAX];
	struct proc_siginfo rtq_info[PROC_RTQ_MAX];
	int rtq_len;
	bool stopped;			    /* by a stop signal, until SIGCONT */
	int stop_report;		    /* for WUNTRACED: the stop signal, or 0 */
	bool cont_report;		    /* for WCONTINUED */
	uint64_t alarm_ns, alarm_period_ns; /* ITIMER_REAL: ktime deadline (0: off) */
	/* Atomic (written under proc_lock with parent, read without it): */
	int ppid; /* parent->pid, 0 for the kernel */
	/* The shell's spawn: */
	int exec_error; /* 0, or why the program could not start */
	/* limits and accounting (syscall/info.c). Owner; all zero at spawn,
	 * which info.c reads as Linux's defaults until a setrlimit: */
	bool rlimits_set;
	struct proc_rlimit {
		uint64_t cur, max;
	} rlimits[16]; /* by RLIMIT_* number: Linux's RLIM_NLIMITS */
	/* What /proc/PID shows (procinfo.c). start_ns is immutable after
	 * publish; the strings (kmalloc'd, NULL: none) are replaced at exec
	 * and read under proc_lock: */
	uint64_t start_ns;
	char *cmdline; /* argv, each string NUL-terminated, cmdline_len bytes */
	size_t cmdline_len;
	char *exe; /* the executable's absolute path */
};

/*
 * Start @path with @argv (NULL-terminated; argv[0] is the program name)
 * and @envp as a new process whose fds 0-2 are the console, a session and
 * group leader whose parent is the kernel, working in @cwd (NULL: the
 * root; a relative @path starts there too). Returns 0 and the process in
 * *@out (wait for it with proc_wait), or -E2BIG, -ENOMEM, -EAGAIN. Errors
 * loading the program (-ENOENT, -ENOEXEC, ...) come from proc_wait's exec
 * error. May sleep.
 */
int proc_spawn(const struct vfs_path *cwd, const char *path, char *const argv[], char *const envp[],
	       struct proc **out) __must_check;

/* proc_spawn() as PID 1 (init=): orphans are re-parented to it. Fails
 * with -EBUSY while a PID 1 exists. */
int proc_spawn_init(const char *path, char *const argv[], char *const envp[], struct proc **out)
	__must_check;

/* Wait until @p (from proc_spawn) ends, free it and return its wait
 * status; a program that could not be started gives its errno in
 * *@exec_error (else 0). May sleep. */
int proc_wait(struct proc *p, int *exec_error);

/* The calling task's process, or NULL for a kernel task. */
static inline struct proc *proc_current(void)
{
	return task_current()->proc;
}

/* prctl(PR_SET_NAME / PR_GET_NAME): the calling process's name (what ps
 * and the fault lines show; exec sets it to the file's base name). */
void proc_set_name(const char *name);
void proc_get_name(char out[PROC_NAME_MAX]);

/* End the calling process with wait status @status (Linux's encoding:
 * (code & 0xff) << 8, or the signal number): exit_group. Every other
 * thread is killed; the last one to go frees everything but the struct,
 * which stays a zombie for the parent. */
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

/* The same fault as a signal the process catches (signal.c): true when a
 * handler will run for it (it is queued), false when it is fatal (then
 * call proc_user_fault). Interrupts enabled. */
bool proc_signal_fault(const struct proc_fault *f);

/* The wait status a death by @sig gives the calling process (the core
 * bit when its RLIMIT_CORE allows a dump). */
int proc_fault_status(int sig);

/* ppoll/pselect6: wait with signal mask @mask in place of the caller's,
 * then put the old one back - at once, or (@interrupted: the wait ended
 * for a signal) after that signal's handler frame is set up, so the
 * handler runs with @mask, as Linux's restore_saved_sigmask_unless. */
void proc_sigmask_for_wait(uint64_t mask);
void proc_sigmask_after_wait(bool interrupted);

/* SIGPIPE to the calling process (a write to a pipe with no reader). */
void proc_send_sigpipe(void);

/* Resolve a user page fault of the calling process (demand paging); false
 * if it is not one (then the access is an error). Any context. */
bool proc_mm_fault(uintptr_t addr, bool write, bool exec);

/* The same for a fault in user mode: 0 when resolved, else the signal
 * that ends the process (SIGSEGV; SIGBUS past the end of a mapped file;
 * SIGKILL when memory ran out, as Linux's OOM killer). May sleep. */
int proc_user_page_fault(uintptr_t addr, bool write, bool exec);

/* End the calling process if it was killed (a fork child before its
 * first entry to user mode; every other return to user mode delivers
 * signals through the arch code, x86_64/signal_frame.c). Interrupts on. */
void proc_user_return(void);

/* Whether the calling thread must end (a fatal signal, exit_group or
 * another thread's exec): blocking waits give up with -EINTR. */
bool proc_is_killed(void);

/* Kill process @pid (SIGKILL semantics: it ends at its next return to
 * user mode or blocking wait, with status "killed by signal 9"). Returns
 * 0, -ESRCH (none, or already a zombie). */
int proc_kill(int pid) __must_check;

/* Send signal @sig (1-64) to live process @pid from the kernel (si_pid
 * 0). Returns 0, -ESRCH (none, or a zombie), -EINVAL. */
int proc_kill_signal(int pid, int sig) __must_check;

/* The terminal's signals: @sig (1-64) to every live process of group
 * @pgid from the kernel (SI_KERNEL, as Linux's kill_pgrp for ^C/^Z/^\ and
 * SIGTTIN/SIGTTOU). Returns 0, -ESRCH (no such group), -EINVAL. */
int proc_signal_pgrp(int pgid, int sig);

/* Would the calling process take no action on @sig: it is blocked or
 * ignored (a background read then gets -EIO instead of SIGTTIN)? */
bool proc_signal_blocked_or_ignored(int sig);

/* ---- the system calls' halves (exec.c, fork.c, wait.c, group.c) ---- */

/* execve: returns only on failure (the old program intact) with -EFAULT,
 * -ENOENT, -EACCES, -ENOEXEC, -ELOOP, -E2BIG, -ENAMETOOLONG, -ENOMEM. */
long proc_execve(uptr_t path, uptr_t argv, uptr_t envp);

/* clone/fork/vfork. @flags: Linux's CLONE_* with the exit signal in the
 * low byte; @newsp: the child's stack pointer (0: the parent's); @ptid,
 * @ctid: CLONE_PARENT_SETTID / CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID
 * addresses; @tls: CLONE_SETTLS's FS base. Returns the child's pid in the
 * parent (0 in the child; a new thread's tid with CLONE_THREAD), or
 * -EAGAIN (PROC_MAX, PROC_THREAD_MAX), -ENOMEM, -EINVAL (a flag
 * combination Linux refuses), -ENOSYS (namespaces and the sharing forms
 * without CLONE_THREAD Corvid lacks, logged once). */
long proc_clone(unsigned long flags, uintptr_t newsp, uptr_t ptid, uptr_t ctid, uintptr_t tls);

/* wait4(@pid, @status, @options, @rusage) with Linux's rules. */
long proc_wait4(int pid, uptr_t status, int options, uptr_t rusage);

/* CPU time of the calling process's reaped children, theirs included
 * (RUSAGE_CHILDREN, times' tms_cutime). */
uint64_t proc_children_cpu_ns(void);

/* setpgid, getpgid, setsid, getsid, getppid with Linux's rules. */
long proc_setpgid(int pid, int pgid);
long proc_getpgid(int pid);
long proc_setsid(void);
long proc_getsid(int pid);
/* The session of process group @pgid (any member, its leader gone or
 * not), or -ESRCH when no process is in it (TIOCSPGRP's check). */
long proc_pgrp_session(int pgid);
long proc_getppid(void);

/* The caller's controlling tty is its session's, unless it gave it up
 * for itself (TIOCNOTTY by a member): proc_ctty_given_up says which,
 * proc_give_up_ctty gives it up. Kernel tasks: false / nothing. */
bool proc_ctty_given_up(void);
void proc_give_up_ctty(void);

/* Processes alive or zombie (for tests and `mem` leak checks). */
size_t proc_count(void);

/* Snapshot of a process for `ps` and /proc/PID (procinfo.c). */
struct proc_info {
	int pid, ppid, pgid, sid;
	char state; /* 'R' running or ready, 'S' sleeping, 'T' stopped, 'Z' zombie */
	char name[PROC_NAME_MAX];
	unsigned int cpu;   /* where its newest thread last ran */
	uint64_t cpu_ns;    /* CPU time used, all its threads' */
	uint64_t start_ns;  /* when it was created (ktime) */
	uint64_t rss_pages; /* frames mapped in its address space */
	int threads;	    /* threads alive */
	bool no_ctty;	    /* gave its session's controlling tty up (TIOCNOTTY) */
};

/* Fill up to @max snapshots in pid order; returns how many processes
 * there are (may exceed @max). */
size_t proc_list(struct proc_info *out, size_t max);

/* The snapshot of live or zombie process @pid: 0 or -ESRCH. */
int proc_get_info(int pid, struct proc_info *out) __must_check;

/* Copy at most @size bytes of @pid's command line (argv strings, each
 * NUL-terminated, as /proc/PID/cmdline) or of its executable's path (no
 * NUL) into @buf. Returns the length, 0 when it has none (a zombie),
 * or -ESRCH. */
ssize_t proc_get_cmdline(int pid, char *buf, size_t size);
ssize_t proc_get_exe(int pid, char *buf, size_t size);

/*
 * References to @pid's descriptor table, address space and working
 * directory for procfs, taken under proc_lock (where exec and exit swap
 * and clear them) without any lock of lower rank: fd_table_put, mm_put
 * or vfs_path_put them. NULL / -ESRCH when there is no such process,
 * NULL / -ENOENT for one that has ended (a zombie has none). May be
 * called from any task; the reference keeps the object alive however
 * the process goes on (an exited owner leaves its table empty).
 */
struct fd_table *proc_get_fds(int pid);
struct mm *proc_get_mm(int pid);
int proc_get_cwd(int pid, struct vfs_path *out) __must_check;

/* chdir, fchdir: @path (referenced anew; the caller keeps its own) is
 * the calling process's working directory from now; the old one is
 * dropped after proc_lock. May sleep. */
void proc_set_cwd(const struct vfs_path *path);

/* The calling process's working directory with a reference of its own
 * (vfs_path_put it), taken under proc_lock: another thread's chdir may
 * drop the old one at any moment. Nothing (mnt NULL) for a process that
 * has none. */
void proc_cwd_get(struct vfs_path *out);

/* exec's part (exec.c): @p's command line becomes @argc strings at
 * @strings and its executable @exe (kmalloc'd; taken over, may be NULL);
 * the old ones are freed. fork's part: @c gets copies of @parent's. */
void proc_set_cmdline(struct proc *p, const char *strings, int argc, char *exe);
void proc_copy_cmdline(struct proc *c, const struct proc *parent);

/* proc_cmds.c: print the process table (pid, ppid, pgid, sid, state,
 * name) for the shell's `ps`; nothing when there are none. May sleep. */
void proc_print_table(void);

/* init=PATH: run PATH as PID 1 on the console and wait for it, with the
 * blank-separated words of @args (the rest of the kernel command line, cut
 * up in place) as its arguments (at most INIT_ARGS_MAX). Returns (after
 * logging why) when it cannot be started or when it ends: Linux panics
 * then, Corvid falls back to the kernel shell for debugging. May sleep. */
#define INIT_ARGS_MAX 32
void proc_run_init(const char *path, char *args);

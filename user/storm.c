/*
 * A system-call storm: N calls (default 100000) with random numbers in
 * 0..339 and arguments drawn from a pool of hostile values (kernel-half,
 * non-canonical, unmapped and misaligned pointers, huge sizes, negative
 * and small integers). For Corvid only: on Linux the unknown calls are
 * real and may do anything. The kernel must answer every call and stay
 * well; the program prints how many it made. Every 64 calls it also
 * sends itself a handled SIGUSR1 (its handler re-installed first: the
 * random rt_sigaction calls may have replaced it) around a random mask,
 * and counts the deliveries. Every 256 calls it makes threads and clones
 * the storm survives: a pthread that runs a tiny function and is joined,
 * and a raw clone with random sharing flags whose child (process or
 * thread) exits at once, before it touches memory (clone_storm).
 * Usage: storm [N [SEED]]
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const unsigned long pool[] = {
	0,
	1,
	2,
	3,
	-1ul,
	-4095ul,
	0x7fffffff,
	0x80000000ul,
	0xffffffff80000000ul, /* kernel image */
	0xffff800000000000ul, /* direct map */
	0xffffc00000000000ul, /* vmalloc */
	0x0000800000000000ul, /* first non-canonical */
	0x00007ffffffff000ul, /* the last user page */
	0x1000,		      /* unmapped */
	0x1001,		      /* unmapped, misaligned */
	0x10000000,	      /* unmapped */
	1ul << 40,	      /* huge size */
	4096,
	65536,
};

static unsigned long long state = 88172645463325252ull;

static unsigned long next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned long)state;
}

static unsigned long arg(void)
{
	return pool[next() % (sizeof(pool) / sizeof(pool[0]))];
}

/* Calls that would end, block or multiply the storm, or take away its
 * console, TLS or memory: exit, exit_group, read, readv, close,
 * arch_prctl, mmap, munmap, brk, fork, vfork, clone, execve; the signal
 * calls that end or stop it or wait for ever: rt_sigreturn (a garbage
 * frame is SIGSEGV), kill, tkill, tgkill, pause, rt_sigsuspend,
 * rt_sigtimedwait, alarm, setitimer; sendfile, which like read waits for
 * the console's input when given fd 0; and poll, ppoll, select, pselect6,
 * which wait for ever without a timeout (they get their own storm below,
 * with a zero timeout). (The numbers Corvid does not know are answered
 * -ENOSYS.) */
static int skipped(long nr)
{
	return nr == SYS_exit || nr == SYS_exit_group || nr == SYS_read || nr == SYS_readv ||
	       nr == SYS_sendfile || /* reads its input: the console's waits for typing */
	       nr == SYS_close || nr == SYS_arch_prctl || nr == SYS_mmap || nr == SYS_munmap ||
	       nr == SYS_brk || nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone ||
	       nr == SYS_execve || nr == SYS_rt_sigreturn || nr == SYS_kill || nr == SYS_tkill ||
	       nr == SYS_tgkill || nr == SYS_pause || nr == SYS_rt_sigsuspend ||
	       nr == SYS_rt_sigtimedwait || nr == SYS_alarm || nr == SYS_setitimer ||
	       nr == SYS_poll || nr == SYS_ppoll || nr == SYS_select || nr == SYS_pselect6;
}

static volatile sig_atomic_t delivered;

static void on_usr1(int sig)
{
	(void)sig;
	delivered++;
}

/* A handled SIGUSR1 to ourselves, maybe blocked for a moment. */
static void self_signal(void)
{
	struct sigaction sa;
	sigset_t set, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(next() & 1 ? SIG_BLOCK : SIG_UNBLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* delivered by now */
}

/* poll and select with hostile arguments but a zero timeout, over a
 * real pipe now and then; returns the calls made. */
static long poll_storm(long n)
{
	static long zero_ts[2], zero_tv[2];
	int fds[2];
	long done = 0;

	if (syscall(SYS_pipe2, fds, 0) == 0)
		syscall(SYS_write, fds[1], "x", 1);
	for (long i = 0; i < n; i++, done++) {
		switch (next() % 4) {
		case 0:
			syscall(SYS_poll, arg(), arg(), 0);
			break;
		case 1:
			syscall(SYS_ppoll, arg(), arg(), zero_ts, arg(), arg());
			break;
		case 2:
			syscall(SYS_select, arg(), arg(), arg(), arg(), zero_tv);
			break;
		default:
			syscall(SYS_pselect6, arg(), arg(), arg(), arg(), zero_ts, arg());
			break;
		}
		zero_ts[0] = zero_ts[1] = zero_tv[0] = zero_tv[1] = 0;
	}
	return done;
}

/* clone(@flags) whose child exits (60) at once, on the parent's stack
 * but without touching it; the parent gets the result. */
static long raw_clone(unsigned long flags)
{
	register long r10 __asm__("r10") = 0; /* child_tid */
	register long r8 __asm__("r8") = 0;   /* tls */
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "1:"
			 : "=a"(ret)
			 : "a"(SYS_clone), "D"(flags), "S"(0), "d"(0), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static void *tiny(void *arg)
{
	return (void *)((long)arg + 1);
}

static const unsigned long clone_bits[] = {
	0x100,	  /* CLONE_VM */
	0x200,	  /* CLONE_FS */
	0x400,	  /* CLONE_FILES */
	0x800,	  /* CLONE_SIGHAND */
	0x4000,	  /* CLONE_VFORK */
	0x10000,  /* CLONE_THREAD */
	0x40000,  /* CLONE_SYSVSEM */
	0x80000,  /* CLONE_SETTLS (0: the child never uses it) */
	0x100000, /* CLONE_PARENT_SETTID (at 0: not written) */
	0x200000, /* CLONE_CHILD_CLEARTID */
	0x400000, /* CLONE_DETACHED */
};

static long clones;

static void clone_storm(void)
{
	unsigned long flags = SIGCHLD;
	sigset_t all, old;
	pthread_t t;
	void *v;
	int st;

	if (pthread_create(&t, NULL, tiny, (void *)41) == 0 && pthread_join(t, &v) == 0 &&
	    v == (void *)42)
		clones++;
	for (int k = 0; k < 4; k++)
		flags |= clone_bits[next() % (sizeof(clone_bits) / sizeof(clone_bits[0]))];
	/* the child runs on this stack: no handler may run there */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if (raw_clone(flags) > 0)
		clones++;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(-1, &st, WNOHANG | __WALL) > 0)
		;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, done = 0;

	if (argc > 2)
		state = strtoull(argv[2], NULL, 0) | 1;
	for (long i = 0; i < n; i++) {
		long nr = (long)(next() % 340);

		if (skipped(nr))
			continue;
		syscall(nr, arg(), arg(), arg(), arg(), arg(), arg());
		done++;
		if (!(i & 63))
			self_signal();
		if (!(i & 255))
			clone_storm();
	}
	done += poll_storm(n / 20);
	printf("storm: %ld calls answered, %d signals handled, %ld clones\n", done, (int)delivered,
	       clones);
	return 0;
}

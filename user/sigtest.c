/*
 * The signals differential test: handlers with siginfo, masks during and
 * after a handler, SA_NODEFER/SA_RESETHAND/SA_RESTART, sigaltstack,
 * faults caught (SIGSEGV with siglongjmp, SIGFPE), sigsuspend,
 * sigtimedwait, sigpending, EINTR, pause with an itimer, alarm, kill to
 * a group, stop/continue with WUNTRACED/WCONTINUED and SIGCHLD codes,
 * default actions, SIGCHLD auto-reap and FPU state kept across a handler.
 * Prints only what is the same on every Linux (pids as relations), so
 * its output on Corvid must equal the host's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits, last_sig, last_code, pid_ok, in_mask_self, in_mask_other;
static volatile sig_atomic_t on_alt, fresh_fpu;
static volatile uintptr_t fault_addr;
static sigjmp_buf jb;
static char *altstack;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* Run @expr, then print its result and errno (in that order). */
#define TRY(label, expr)                                                         \
	do {                                                                     \
		errno = 0;                                                       \
		long r_ = (long)(expr);                                          \
		say("%s: %ld %s\n", label, r_, r_ < 0 ? strerror(errno) : "ok"); \
	} while (0)

static void set(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int masked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	if (sigaction(sig, &sa, NULL))
		say("sigaction %d: %s\n", sig, strerror(errno));
}

static int blocked(int sig)
{
	sigset_t cur;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, sig);
}

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	char probe;

	(void)uc;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	pid_ok = si->si_pid == getpid() && si->si_uid == getuid();
	in_mask_self = blocked(sig);
	in_mask_other = blocked(SIGUSR2);
	on_alt = altstack && &probe >= altstack && &probe < altstack + 65536;
}

static void test_basic(void)
{
	set(SIGUSR1, on_sig, 0, SIGUSR2);
	kill(getpid(), SIGUSR1);
	say("basic: hits %d sig %d code %d (SI_USER %d) pid ok %d self blocked %d sa_mask %d\n",
	    hits, last_sig, last_code, SI_USER, pid_ok, in_mask_self, in_mask_other);
	say("basic: after: usr1 blocked %d usr2 blocked %d\n", blocked(SIGUSR1), blocked(SIGUSR2));
	set(SIGUSR1, on_sig, SA_NODEFER, 0);
	raise(SIGUSR1);
	say("nodefer: self blocked in handler %d\n", in_mask_self);
	syscall(SYS_tgkill, getpid(), getpid(), SIGUSR1);
	say("tgkill: code %d (SI_TKILL %d)\n", last_code, SI_TKILL);
	set(SIGUSR1, on_sig, SA_RESETHAND, 0);
	raise(SIGUSR1);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	say("resethand: now default %d\n", old.sa_handler == SIG_DFL);
}

static void test_errors(void)
{
	struct sigaction sa = { 0 };
	sigset_t all, cur;

	sa.sa_handler = SIG_IGN;
	TRY("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
	TRY("sigaction SIGSTOP", sigaction(SIGSTOP, &sa, NULL));
	TRY("sigaction 0", syscall(SYS_rt_sigaction, 0, NULL, NULL, 8));
	TRY("sigaction 65", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
	TRY("sigaction size 4", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4));
	TRY("sigprocmask bad how", syscall(SYS_rt_sigprocmask, 7, &all, NULL, 8));
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &cur);
	say("block all: kill %d stop %d usr1 %d\n", blocked(SIGKILL), blocked(SIGSTOP),
	    blocked(SIGUSR1));
	sigprocmask(SIG_SETMASK, &cur, NULL);
	TRY("kill 65", kill(getpid(), 65));
	TRY("kill -1 sig", kill(getpid(), -1));
	say("kill probe: %d\n", kill(getpid(), 0));
	TRY("tgkill 0", syscall(SYS_tgkill, 0, getpid(), SIGUSR1));
	TRY("tgkill wrong group", syscall(SYS_tgkill, 1, getpid(), 0));
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	waitpid(c, NULL, 0);
	TRY("kill reaped child", kill(c, SIGTERM));
}

static volatile sig_atomic_t alt_flags_inside, alt_change_err;

static void on_alt_probe(int sig, siginfo_t *si, void *uc)
{
	stack_t o, n = { 0 };

	(void)sig, (void)si, (void)uc;
	sigaltstack(NULL, &o);
	alt_flags_inside = o.ss_flags;
	n.ss_flags = SS_DISABLE;
	alt_change_err = sigaltstack(&n, NULL) < 0 ? errno : 0;
}

static void test_altstack(void)
{
	stack_t ss = { 0 }, old;

	altstack = malloc(65536);
	ss.ss_sp = altstack;
	ss.ss_size = MINSIGSTKSZ - 1;
	TRY("altstack small", sigaltstack(&ss, NULL));
	ss.ss_size = 65536;
	ss.ss_flags = 99;
	TRY("altstack flags", sigaltstack(&ss, NULL));
	ss.ss_flags = 0;
	say("altstack set: %d\n", sigaltstack(&ss, NULL));
	sigaltstack(NULL, &old);
	say("altstack get: flags %d same %d\n", old.ss_flags, old.ss_sp == altstack);
	set(SIGUSR1, on_sig, SA_ONSTACK, 0);
	raise(SIGUSR1);
	say("altstack: handler on it %d\n", on_alt);
	set(SIGUSR1, on_sig, 0, 0);
	raise(SIGUSR1);
	say("altstack: without SA_ONSTACK on it %d\n", on_alt);
	set(SIGUSR1, on_alt_probe, SA_ONSTACK, 0);
	raise(SIGUSR1);
	say("altstack: inside flags %d (SS_ONSTACK %d), disabling it there: %s\n", alt_flags_inside,
	    SS_ONSTACK, strerror(alt_change_err));
	ss.ss_flags = SS_AUTODISARM;
	say("altstack autodisarm: %d\n", sigaltstack(&ss, NULL));
	raise(SIGUSR1);
	sigaltstack(NULL, &old);
	say("altstack autodisarm: inside flags %d (SS_DISABLE %d) after flags %#x same %d\n",
	    alt_flags_inside, SS_DISABLE, (unsigned)old.ss_flags, old.ss_sp == altstack);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &old);
	say("altstack disabled: flags %d\n", old.ss_flags);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_code = si->si_code;
	fault_addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

static volatile int zero;
static volatile uintptr_t bad10 = 0x10, bad20 = 0x20; /* hidden from gcc */
#define BAD10 (*(volatile char *)bad10)

static void test_faults(void)
{
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	set(SIGSEGV, on_fault, 0, 0);
	set(SIGFPE, on_fault, 0, 0);
	if (!sigsetjmp(jb, 1))
		BAD10 = 1;
	say("segv: sig %d code %d (MAPERR %d) addr ok %d segv blocked after %d\n", last_sig,
	    last_code, SEGV_MAPERR, fault_addr == 0x10, blocked(SIGSEGV));
	if (!sigsetjmp(jb, 1))
		*(volatile char *)ro = 1;
	say("segv ro: code %d (ACCERR %d) addr ok %d\n", last_code, SEGV_ACCERR,
	    fault_addr == (uintptr_t)ro);
	if (!sigsetjmp(jb, 1))
		zero = 10 / zero;
	say("fpe: sig %d code %d (INTDIV %d)\n", last_sig, last_code, FPE_INTDIV);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
}

static void child_status(const char *what, pid_t c)
{
	int st;

	if (waitpid(c, &st, 0) != c)
		say("%s: waitpid %s\n", what, strerror(errno));
	else if (WIFSIGNALED(st))
		say("%s: killed by %d\n", what, WTERMSIG(st));
	else
		say("%s: exit %d\n", what, WEXITSTATUS(st));
}

static void faulting_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	*(volatile char *)bad20 = 1;
}

static void test_fatal(void)
{
	pid_t c;
	sigset_t s;

	if (!(c = fork())) {
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, NULL);
		BAD10 = 1;
		_exit(1);
	}
	child_status("blocked segv", c);
	if (!(c = fork())) {
		set(SIGSEGV, faulting_handler, 0, 0);
		BAD10 = 1;
		_exit(1);
	}
	child_status("handler faults", c);
	if (!(c = fork())) {
		signal(SIGSEGV, SIG_IGN);
		BAD10 = 1;
		_exit(1);
	}
	child_status("ignored segv", c);
	if (!(c = fork())) {
		raise(SIGQUIT);
		_exit(1);
	}
	child_status("sigquit default", c);
	if (!(c = fork())) {
		raise(SIGTERM);
		_exit(1);
	}
	child_status("sigterm default", c);
	if (!(c = fork())) {
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		raise(SIGURG);
		raise(SIGCHLD);
		raise(SIGWINCH);
		raise(SIGCONT);
		_exit(3);
	}
	child_status("ignored and default-ignored", c);
}

static void test_masks(void)
{
	sigset_t s, pend, old;
	siginfo_t si;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	hits = 0;
	set(SIGUSR1, on_sig, 0, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, &old);
	raise(SIGUSR1);
	sigpending(&pend);
	say("pending: usr1 %d usr2 %d hits %d\n", sigismember(&pend, SIGUSR1),
	    sigismember(&pend, SIGUSR2), hits);
	sigprocmask(SIG_SETMASK, &old, NULL);
	say("unblocked: hits %d\n", hits);

	sigprocmask(SIG_BLOCK, &s, &old);
	raise(SIGUSR2);
	memset(&si, 0, sizeof(si));
	int r = sigtimedwait(&s, &si, &ts);
	say("sigtimedwait: %d signo %d code %d pid ok %d\n", r, si.si_signo, si.si_code,
	    si.si_pid == getpid());
	TRY("sigtimedwait empty", sigtimedwait(&s, &si, &ts));

	/* sigsuspend: a child sends SIGUSR1 while we wait with it unblocked */
	hits = 0;
	pid_t c = fork();
	if (!c) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigset_t none;
	sigemptyset(&none);
	r = sigsuspend(&none);
	say("sigsuspend: %d %s hits %d usr1 blocked after %d\n", r, strerror(errno), hits,
	    blocked(SIGUSR1));
	waitpid(c, NULL, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void on_plain(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	hits++;
	last_sig = sig;
}

/* A child that signals us after a while, then exits 5 later. */
static pid_t pinger(int sig)
{
	pid_t c = fork();

	if (!c) {
		usleep(100 * 1000);
		kill(getppid(), sig);
		usleep(100 * 1000);
		_exit(5);
	}
	return c;
}

static void test_eintr(void)
{
	int st;
	pid_t c;
	long r;
	struct timespec req = { 5, 0 }, rem = { 0, 0 };

	set(SIGUSR1, on_plain, 0, 0);
	c = pinger(SIGUSR1);
	r = waitpid(c, &st, 0);
	say("wait4 no SA_RESTART: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	waitpid(c, &st, 0);
	set(SIGUSR1, on_plain, SA_RESTART, 0);
	c = pinger(SIGUSR1);
	hits = 0;
	r = waitpid(c, &st, 0);
	say("wait4 SA_RESTART: same %d exit %d hits %d\n", r == c, WEXITSTATUS(st), hits);
	c = pinger(SIGUSR1);
	r = nanosleep(&req, &rem);
	say("nanosleep: %ld %s rem in (0,5s) %d\n", r, strerror(errno),
	    rem.tv_sec < 5 && (rem.tv_sec > 0 || rem.tv_nsec > 0));
	waitpid(c, &st, 0);
	c = pinger(SIGUSR1);
	r = pause();
	say("pause: %ld %s\n", r, strerror(errno));
	waitpid(c, &st, 0);

	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, got;
	set(SIGALRM, on_plain, 0, 0);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	r = pause();
	say("itimer: pause %ld %s sig %d hits %d\n", r, strerror(errno), last_sig, hits);
	getitimer(ITIMER_REAL, &got);
	say("itimer: disarmed %d\n", !got.it_value.tv_sec && !got.it_value.tv_usec);
	alarm(7);
	say("alarm: old %u\n", alarm(0));
	it.it_value.tv_usec = 1000000;
	TRY("setitimer bad usec", setitimer(ITIMER_REAL, &it, NULL));
	signal(SIGALRM, SIG_DFL);
	if (!(c = fork())) {
		alarm(1);
		pause();
		_exit(1);
	}
	child_status("alarm default", c);
}

static void on_usr1_exit(int sig)
{
	(void)sig;
	_exit(7);
}

static void test_groups_and_stops(void)
{
	pid_t a, b, c;
	int st;

	signal(SIGUSR1, on_usr1_exit);
	a = fork();
	if (!a) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(a, a);
	b = fork();
	if (!b) {
		setpgid(0, a);
		for (;;)
			pause();
	}
	setpgid(b, a);
	say("kill group: %d\n", kill(-a, SIGUSR1));
	child_status("group member 1", a);
	child_status("group member 2", b);
	TRY("kill empty group", kill(-a, SIGUSR1));

	/* SIGCHLD blocked and taken with sigtimedwait after each change:
	 * standard signals do not queue, so one per step */
	sigset_t chld, old;
	siginfo_t si;
	struct timespec ts = { 10, 0 };

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	c = fork();
	if (!c) {
		for (;;)
			pause();
	}
	kill(c, SIGSTOP);
	waitpid(c, &st, WUNTRACED);
	say("stop: stopped %d sig %d\n", WIFSTOPPED(st), WSTOPSIG(st));
	say("stop: reported once (WNOHANG) %d\n", waitpid(c, &st, WUNTRACED | WNOHANG));
	sigtimedwait(&chld, &si, &ts);
	say("stop: sigchld code %d (CLD_STOPPED %d) status %d pid ok %d\n", si.si_code, CLD_STOPPED,
	    si.si_status, si.si_pid == c);
	kill(c, SIGCONT);
	waitpid(c, &st, WCONTINUED);
	say("cont: continued %d\n", WIFCONTINUED(st));
	sigtimedwait(&chld, &si, &ts);
	say("cont: sigchld code %d (CLD_CONTINUED %d) status %d\n", si.si_code, CLD_CONTINUED,
	    si.si_status);
	kill(c, SIGTERM);
	waitpid(c, &st, 0);
	say("term: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
	sigtimedwait(&chld, &si, &ts);
	say("term: sigchld code %d (CLD_KILLED %d) status %d\n", si.si_code, CLD_KILLED,
	    si.si_status);
	c = fork();
	if (!c)
		_exit(42);
	waitpid(c, &st, 0);
	sigtimedwait(&chld, &si, &ts);
	say("exit: sigchld code %d (CLD_EXITED %d) status %d pid ok %d\n", si.si_code, CLD_EXITED,
	    si.si_status, si.si_pid == c);

	/* SA_NOCLDSTOP: no SIGCHLD for a stop; SA_NOCLDWAIT: no zombie */
	struct timespec short_ts = { 0, 100 * 1000 * 1000 };
	set(SIGCHLD, on_plain, SA_NOCLDSTOP, 0);
	c = fork();
	if (!c) {
		for (;;)
			pause();
	}
	kill(c, SIGSTOP);
	waitpid(c, &st, WUNTRACED);
	TRY("nocldstop: sigchld for the stop", sigtimedwait(&chld, &si, &short_ts));
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	sigtimedwait(&chld, &si, &ts);
	say("nocldstop: sigchld for the death code %d\n", si.si_code);
	set(SIGCHLD, on_plain, SA_NOCLDWAIT, 0);
	c = fork();
	if (!c)
		_exit(0);
	TRY("nocldwait: wait", waitpid(-1, &st, 0));
	sigtimedwait(&chld, &si, &ts);
	say("nocldwait: still a sigchld code %d\n", si.si_code);
	sigprocmask(SIG_SETMASK, &old, NULL);

	signal(SIGCHLD, SIG_IGN);
	c = fork();
	if (!c)
		_exit(0);
	TRY("sigchld ignored: wait", waitpid(-1, &st, 0));
	signal(SIGCHLD, SIG_DFL);
}

static void on_fpu(int sig, siginfo_t *si, void *uc)
{
	volatile double x = 1.5;

	(void)sig, (void)si, (void)uc;
	fresh_fpu = fegetround() == FE_TONEAREST;
	for (int i = 0; i < 10; i++)
		x = x * 3.25 + 0.125;
	fesetround(FE_UPWARD);
	hits++;
}

static volatile int order[16], norder;

static void on_order(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (norder < 16)
		order[norder++] =
			sig == SIGUSR1 ? 0 : (sig - SIGRTMIN) * 100 + si->si_value.sival_int;
}

/* Real-time signals queue (lowest number first, each in sending order);
 * a standard one sent three times while blocked arrives once. */
static void test_queueing(void)
{
	sigset_t s, old;

	set(SIGUSR1, on_order, 0, 0);
	set(SIGRTMIN + 1, on_order, 0, 0);
	set(SIGRTMIN + 2, on_order, 0, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGRTMIN + 1);
	sigaddset(&s, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &s, &old);
	for (int i = 0; i < 3; i++) {
		kill(getpid(), SIGRTMIN + 2);
		kill(getpid(), SIGUSR1);
	}
	kill(getpid(), SIGRTMIN + 1);
	norder = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	say("queueing: %d deliveries:", norder);
	for (int i = 0; i < norder; i++)
		say(" %d", order[i]);
	say("\n");
}

static void test_fpu(void)
{
	uint64_t out;
	long pid = getpid();

	set(SIGUSR1, on_fpu, 0, 0);
	fesetround(FE_DOWNWARD);
	__asm__ volatile("movabs $0x1122334455667788, %%rax\n\t"
			 "movq %%rax, %%xmm0\n\t"
			 "movl $62, %%eax\n\t"
			 "syscall\n\t"
			 "movq %%xmm0, %0"
			 : "=r"(out)
			 : "D"(pid), "S"((long)SIGUSR1)
			 : "rax", "rcx", "r11", "xmm0", "memory");
	say("fpu: xmm0 kept %d rounding kept %d handler's fresh %d\n", out == 0x1122334455667788ull,
	    fegetround() == FE_DOWNWARD, fresh_fpu);
	fesetround(FE_TONEAREST);
}

/* `sigtest read`: a console read interrupted by SIGALRM: -EINTR without
 * SA_RESTART; with it the read goes on until a line comes. */
static int test_console_read(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	char buf[64];
	long r;

	set(SIGALRM, on_plain, 0, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	r = read(0, buf, sizeof(buf));
	say("read: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	set(SIGALRM, on_plain, SA_RESTART, 0);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	say("restart: waiting\n");
	r = read(0, buf, sizeof(buf));
	say("restart: read %ld bytes, %d signal(s) on the way\n", r, (int)hits);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "read"))
		return test_console_read();
	test_basic();
	test_errors();
	test_altstack();
	test_faults();
	test_fatal();
	test_masks();
	test_eintr();
	test_groups_and_stops();
	test_queueing();
	test_fpu();
	say("== done\n");
	return 0;
}

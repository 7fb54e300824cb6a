/*
 * usertests: signals. Hostile arguments to the signal calls (bad
 * pointers, sizes, numbers), a garbage rt_sigreturn frame (SIGSEGV), a
 * handler without SA_RESTORER (SIGSEGV on x86_64), kill(0) reaching the
 * caller's group, a stopped child killed with SIGKILL, many signals in a
 * row, and exec resetting handlers but keeping ignored signals and the
 * mask. Then delivery itself: every register and the FPU state survive a
 * handler that clobbers them (and a handler's change to its ucontext is
 * what sigreturn restores), siginfo and ucontext fields, blocking pipe
 * reads, waits and sleeps ended by a handler (-EINTR) or restarted
 * (SA_RESTART), SA_NODEFER and SA_RESETHAND, the alternate stack (also
 * for a stack overflow), SIGSEGV/SIGFPE/SIGILL caught with their
 * si_addr, fork's pending and inherited state, sigsuspend, sigtimedwait's
 * timeout, SIGCHLD for exit, stop, continue and kill. Everything waits
 * for events with UT_DEADLINE_MS; timing is only ever a lower bound.
 * Linux man pages signal(7), sigaction(2), sigreturn(2), sigaltstack(2).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "ut.h"

#define KERNEL_PTR 0xffffffff80000000ul

static void bad_pointers(void)
{
	uint64_t set = 0;

	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, KERNEL_PTR, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, KERNEL_PTR, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigpending, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigpending, &set, 9), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, KERNEL_PTR, 8), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigsuspend, &set, 4), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigtimedwait, KERNEL_PTR, NULL, NULL, 8), EFAULT);
	CHECK_ERR(syscall(SYS_sigaltstack, KERNEL_PTR, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_sigaltstack, NULL, KERNEL_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_getitimer, 0, KERNEL_PTR), EFAULT);
	CHECK_ERR(syscall(SYS_setitimer, 0, KERNEL_PTR, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_getitimer, 3, &set), EINVAL);
	CHECK_ERR(syscall(SYS_kill, getpid(), 1000), EINVAL);
	CHECK_ERR(syscall(SYS_tkill, 0, SIGUSR1), EINVAL);
	CHECK_ERR(syscall(SYS_tkill, -5, SIGUSR1), EINVAL);
}

static void garbage_sigreturn(void *arg)
{
	(void)arg;
	/* rsp points at zeros and junk: rip 0 gives SIGSEGV at best */
	__asm__ volatile("xor %%esp, %%esp\n\tmov $15, %%eax\n\tsyscall" ::: "memory");
}

static void no_restorer(void *arg)
{
	uint64_t act[4] = { 1234, 0, 0, 0 }; /* a handler, no SA_RESTORER */

	(void)arg;
	syscall(SYS_rt_sigaction, SIGUSR1, act, NULL, 8);
	kill(getpid(), SIGUSR1);
	_exit(0);
}

static void bad_frames(void)
{
	ut_expect_signal(garbage_sigreturn, NULL, SIGSEGV, "rt_sigreturn with rsp 0");
	ut_expect_signal(no_restorer, NULL, SIGSEGV, "a handler without SA_RESTORER");
}

static volatile sig_atomic_t count;

static void on_usr(int sig)
{
	(void)sig;
	count++;
}

static void many_signals(void)
{
	signal(SIGUSR1, on_usr);
	count = 0;
	for (int i = 0; i < 2000; i++)
		CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(count == 2000);
	signal(SIGUSR1, SIG_DFL);
}

static void group_member(void *arg)
{
	(void)arg;
	for (;;)
		pause();
}

static void kill_zero_and_stopped(void)
{
	int st;
	pid_t c = fork();

	CHECK(c >= 0);
	if (!c)
		group_member(NULL);
	CHECK_OK(kill(c, SIGSTOP));
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_OK(kill(c, SIGKILL)); /* a stopped process dies of SIGKILL */
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	c = fork();
	CHECK(c >= 0);
	if (!c) {
		signal(SIGUSR2, SIG_IGN); /* we survive our own kill(0) */
		setpgid(0, 0);
		pid_t g = fork();
		if (!g) {
			signal(SIGUSR2, SIG_DFL);
			group_member(NULL);
		}
		ut_sleep_ms(20);
		kill(0, SIGUSR2);
		waitpid(g, &st, 0);
		_exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2 ? 0 : 1);
	}
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- Delivery: registers, FPU, siginfo, ucontext ---------------------- */

/* What the interrupted code had in its registers, and what it found after
 * the handler: xmm0-15, MXCSR, the x87 control word, then rbx rbp rdx r8
 * r9 r10 r12 r13 r14 r15 rdi rsi (rdi/rsi are kill's arguments), rax. */
struct reg_block {
	uint64_t xmm[32];
	uint32_t mxcsr;
	uint16_t fcw, pad;
	uint64_t gpr[13];
};
enum { G_RBX, G_RBP, G_RDX, G_R8, G_R9, G_R10, G_R12, G_R13, G_R14, G_R15, G_RDI, G_RSI, G_RAX };
static struct reg_block regs_in, regs_out;
static volatile sig_atomic_t handler_bad = -1, handler_mxcsr, handler_fcw;
#define NEW_R14 0x0bad0bad0bad0bad

/* Loads regs_in, calls kill(getpid(), SIGUSR1) with `syscall` (the signal
 * is delivered on its way back), stores everything into regs_out. */
static void kill_with_registers_loaded(void)
{
	__asm__ volatile(
		"sub $128, %%rsp\n\t" /* the frame goes below our red zone */
		"push %%rbp\n\t"
		"lea %[in], %%rax\n\t"
		"movdqu 0(%%rax), %%xmm0\n\tmovdqu 16(%%rax), %%xmm1\n\t"
		"movdqu 32(%%rax), %%xmm2\n\tmovdqu 48(%%rax), %%xmm3\n\t"
		"movdqu 64(%%rax), %%xmm4\n\tmovdqu 80(%%rax), %%xmm5\n\t"
		"movdqu 96(%%rax), %%xmm6\n\tmovdqu 112(%%rax), %%xmm7\n\t"
		"movdqu 128(%%rax), %%xmm8\n\tmovdqu 144(%%rax), %%xmm9\n\t"
		"movdqu 160(%%rax), %%xmm10\n\tmovdqu 176(%%rax), %%xmm11\n\t"
		"movdqu 192(%%rax), %%xmm12\n\tmovdqu 208(%%rax), %%xmm13\n\t"
		"movdqu 224(%%rax), %%xmm14\n\tmovdqu 240(%%rax), %%xmm15\n\t"
		"ldmxcsr 256(%%rax)\n\tfldcw 260(%%rax)\n\t"
		"mov 264(%%rax), %%rbx\n\tmov 272(%%rax), %%rbp\n\tmov 280(%%rax), %%rdx\n\t"
		"mov 288(%%rax), %%r8\n\tmov 296(%%rax), %%r9\n\tmov 304(%%rax), %%r10\n\t"
		"mov 312(%%rax), %%r12\n\tmov 320(%%rax), %%r13\n\tmov 328(%%rax), %%r14\n\t"
		"mov 336(%%rax), %%r15\n\tmov 344(%%rax), %%rdi\n\tmov 352(%%rax), %%rsi\n\t"
		"mov $62, %%eax\n\t" /* SYS_kill */
		"syscall\n\t"
		"mov %%rax, %%rcx\n\t"
		"lea %[out], %%rax\n\t"
		"mov %%rcx, 360(%%rax)\n\t"
		"movdqu %%xmm0, 0(%%rax)\n\tmovdqu %%xmm1, 16(%%rax)\n\t"
		"movdqu %%xmm2, 32(%%rax)\n\tmovdqu %%xmm3, 48(%%rax)\n\t"
		"movdqu %%xmm4, 64(%%rax)\n\tmovdqu %%xmm5, 80(%%rax)\n\t"
		"movdqu %%xmm6, 96(%%rax)\n\tmovdqu %%xmm7, 112(%%rax)\n\t"
		"movdqu %%xmm8, 128(%%rax)\n\tmovdqu %%xmm9, 144(%%rax)\n\t"
		"movdqu %%xmm10, 160(%%rax)\n\tmovdqu %%xmm11, 176(%%rax)\n\t"
		"movdqu %%xmm12, 192(%%rax)\n\tmovdqu %%xmm13, 208(%%rax)\n\t"
		"movdqu %%xmm14, 224(%%rax)\n\tmovdqu %%xmm15, 240(%%rax)\n\t"
		"stmxcsr 256(%%rax)\n\tfnstcw 260(%%rax)\n\t"
		"mov %%rbx, 264(%%rax)\n\tmov %%rbp, 272(%%rax)\n\tmov %%rdx, 280(%%rax)\n\t"
		"mov %%r8, 288(%%rax)\n\tmov %%r9, 296(%%rax)\n\tmov %%r10, 304(%%rax)\n\t"
		"mov %%r12, 312(%%rax)\n\tmov %%r13, 320(%%rax)\n\tmov %%r14, 328(%%rax)\n\t"
		"mov %%r15, 336(%%rax)\n\tmov %%rdi, 344(%%rax)\n\tmov %%rsi, 352(%%rax)\n\t"
		"pop %%rbp\n\t"
		"add $128, %%rsp\n\t"
		: [out] "=m"(regs_out)
		: [in] "m"(regs_in)
		: "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
		  "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
		  "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
}

/* Checks the ucontext against regs_in, changes r14 in it, then clobbers
 * every register it may (the kernel must bring them all back). */
static void clobbering_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *g = uc->uc_mcontext.gregs;
	uint32_t mxcsr;
	uint16_t fcw;
	sigset_t now;

	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(fcw));
	handler_mxcsr = (sig_atomic_t)mxcsr;
	handler_fcw = fcw;
	sigprocmask(SIG_BLOCK, NULL, &now);
	/* a bit for each thing that is wrong */
	int bad = 0;

	if (sig != SIGUSR1 || si->si_signo != SIGUSR1 || si->si_code != SI_USER)
		bad |= 1;
	if (si->si_pid != getpid() || si->si_uid != getuid())
		bad |= 2;
	if ((uint64_t)g[REG_RBX] != regs_in.gpr[G_RBX] || (uint64_t)g[REG_RBP] != regs_in.gpr[G_RBP] ||
	    (uint64_t)g[REG_R10] != regs_in.gpr[G_R10] || (uint64_t)g[REG_R15] != regs_in.gpr[G_R15])
		bad |= 4;
	if (g[REG_RAX] != 0 || g[REG_RDI] != getpid() || g[REG_RSI] != SIGUSR1)
		bad |= 8;
	if (!sigismember(&uc->uc_sigmask, SIGUSR2) || sigismember(&uc->uc_sigmask, SIGUSR1) ||
	    sigismember(&uc->uc_sigmask, SIGTERM))
		bad |= 16;
	if (!sigismember(&now, SIGUSR1) || !sigismember(&now, SIGTERM))
		bad |= 32;
	handler_bad = bad;
	g[REG_R14] = (greg_t)NEW_R14;
	__asm__ volatile("mov $0x2f80, %%eax\n\tmov %%eax, -4(%%rsp)\n\tldmxcsr -4(%%rsp)\n\t"
			 "fninit\n\tpcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm7, %%xmm7\n\t"
			 "pcmpeqd %%xmm8, %%xmm8\n\tpcmpeqd %%xmm15, %%xmm15\n\t"
			 "mov $-1, %%rdx\n\tmov $-1, %%r8\n\tmov $-1, %%r9\n\tmov $-1, %%r10\n\t"
			 "mov $-1, %%r11\n\tmov $-1, %%rcx\n\t"
			 :
			 :
			 : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "xmm0", "xmm7", "xmm8",
			   "xmm15", "memory");
}

static void registers_kept(void)
{
	struct sigaction sa = { 0 };
	sigset_t block;

	for (int i = 0; i < 32; i++)
		regs_in.xmm[i] = 0x0101010101010101ull * (uint64_t)(i + 1) ^ 0x8000000000000001ull;
	regs_in.mxcsr = 0x7f80; /* round toward zero, all masked */
	regs_in.fcw = 0x0f7f;	/* round toward zero, 64-bit precision */
	for (int i = 0; i < G_RDI; i++)
		regs_in.gpr[i] = 0x1111111111111111ull * (uint64_t)(i + 1) + 0x123;
	regs_in.gpr[G_RDI] = (uint64_t)getpid();
	regs_in.gpr[G_RSI] = SIGUSR1;
	sa.sa_sigaction = clobbering_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_SETMASK, &block, NULL));
	kill_with_registers_loaded();
	if (handler_bad)
		FAIL("the handler saw wrong (bits: 1 siginfo, 2 sender, 4 saved registers, "
		     "8 kill's registers, 16 uc_sigmask, 32 its mask): %#x",
		     (unsigned)handler_bad);
	if (handler_mxcsr != 0x1f80 || handler_fcw != 0x37f)
		FAIL("handler started with MXCSR %#x FCW %#x, want the initial 0x1f80 0x37f",
		     (unsigned)handler_mxcsr, (unsigned)handler_fcw);
	CHECK(regs_out.gpr[G_RAX] == 0); // kill's result
	regs_in.gpr[G_R14] = NEW_R14;	 // the handler's change to its ucontext
	for (int i = 0; i < G_RAX; i++)
		if (regs_out.gpr[i] != regs_in.gpr[i])
			FAIL("register %d: %#lx after the handler, want %#lx", i,
			     (unsigned long)regs_out.gpr[i], (unsigned long)regs_in.gpr[i]);
	for (int i = 0; i < 32; i++)
		if (regs_out.xmm[i] != regs_in.xmm[i])
			FAIL("xmm%d: %#lx after the handler, want %#lx", i / 2,
			     (unsigned long)regs_out.xmm[i], (unsigned long)regs_in.xmm[i]);
	CHECK((regs_out.mxcsr & ~0x3fu) == regs_in.mxcsr); // status flags may be set
	CHECK(regs_out.fcw == regs_in.fcw);
	sigprocmask(SIG_SETMASK, NULL, &block);
	CHECK(sigismember(&block, SIGUSR2) && !sigismember(&block, SIGTERM));
}

/* ---- Interrupted waits ------------------------------------------------ */

static volatile sig_atomic_t hits;

static void on_hit(int sig)
{
	(void)sig;
	hits++;
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		FAIL("sigaction %d: %s", sig, ut_errname(errno));
}

/*
 * A child that sends @sig to us every 20 ms, @count times (0: until it is
 * killed, at most UT_DEADLINE_MS), then writes a byte to @wfd (if >= 0)
 * and exits with @code. The first signal goes after 30 ms, so we are
 * most likely blocked by then; a test never relies on that.
 */
static pid_t pester(int sig, int count, int wfd, int code)
{
	pid_t parent = getpid(), pid = CHECK_OK(fork());

	if (pid)
		return pid;
	ut_sleep_ms(30);
	for (int i = 0; count ? i < count : i < UT_DEADLINE_MS / 20; i++) {
		if (kill(parent, sig) < 0)
			_exit(1);
		ut_sleep_ms(20);
	}
	if (wfd >= 0 && write(wfd, "z", 1) != 1)
		_exit(1);
	_exit(code);
}

static void stop_pester(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			FAIL("waitpid %d: %s", pid, ut_errname(errno));
}

static void eintr_waits(void)
{
	int p[2], st;
	char c;
	pid_t pid;
	struct timespec ts = { 30, 0 }, rem = { 0, 0 };

	alarm(UT_DEADLINE_MS / 1000 * 3); /* SIGALRM ends a hung test */
	handle(SIGUSR1, on_hit, 0);
	CHECK_OK(pipe(p));
	pid = pester(SIGUSR1, 0, -1, 0);
	CHECK_ERR(read(p[0], &c, 1), EINTR); // an empty pipe with a writer
	CHECK_ERR(waitpid(pid, &st, 0), EINTR);
	CHECK_ERR(nanosleep(&ts, &rem), EINTR);
	CHECK(rem.tv_sec < 30 && (rem.tv_sec > 0 || rem.tv_nsec > 0));
	CHECK_ERR(pause(), EINTR);
	/* sleeps and pause are never restarted, SA_RESTART or not */
	handle(SIGUSR1, on_hit, SA_RESTART);
	CHECK_ERR(nanosleep(&ts, NULL), EINTR);
	CHECK_ERR(pause(), EINTR);
	stop_pester(pid);
	CHECK(hits >= 5);
}

static void restarted_waits(void)
{
	int p[2], st;
	char c = 0;
	pid_t pid;

	alarm(UT_DEADLINE_MS / 1000 * 3);
	handle(SIGUSR1, on_hit, SA_RESTART);
	CHECK_OK(pipe(p));
	pid = pester(SIGUSR1, 3, p[1], 0);
	CHECK(read(p[0], &c, 1) == 1 && c == 'z'); // through three handlers
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(hits >= 1 && hits <= 3); // two sent close together may merge
	hits = 0;
	pid = pester(SIGUSR1, 3, -1, 7);
	CHECK(waitpid(pid, &st, 0) == pid); // wait4 restarts too
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	CHECK(hits >= 1 && hits <= 3);
}

/* ---- SA_NODEFER, SA_RESETHAND ----------------------------------------- */

static volatile sig_atomic_t depth, max_depth, self_blocked;

static void nesting_handler(int sig)
{
	sigset_t now;

	sigprocmask(SIG_BLOCK, NULL, &now);
	self_blocked = sigismember(&now, sig);
	hits++;
	if (++depth > max_depth)
		max_depth = depth;
	if (hits == 1)
		raise(sig); // nested now (SA_NODEFER) or after we return
	depth--;
}

static void reset_twice(void *arg)
{
	(void)arg;
	hits = 0;
	handle(SIGUSR2, on_hit, SA_RESETHAND);
	raise(SIGUSR2);
	if (hits != 1)
		_exit(3);
	raise(SIGUSR2); // SIG_DFL now: terminates
	_exit(4);
}

static void nodefer_resethand(void)
{
	struct sigaction old;

	handle(SIGUSR1, nesting_handler, 0);
	raise(SIGUSR1);
	CHECK(hits == 2 && max_depth == 1 && self_blocked);
	hits = max_depth = 0;
	handle(SIGUSR1, nesting_handler, SA_NODEFER);
	raise(SIGUSR1);
	CHECK(hits == 2 && max_depth == 2 && !self_blocked);
	hits = 0;
	handle(SIGUSR1, on_hit, SA_RESETHAND);
	raise(SIGUSR1);
	CHECK(hits == 1);
	CHECK_OK(sigaction(SIGUSR1, NULL, &old));
	CHECK(old.sa_handler == SIG_DFL);
	ut_expect_signal(reset_twice, NULL, SIGUSR2, "SA_RESETHAND's second signal");
}

/* ---- The alternate stack ---------------------------------------------- */

#define ALT_SIZE (64 * 1024)
static char *alt;
static volatile sig_atomic_t on_alt, alt_flags_inside;

static void alt_handler(int sig, siginfo_t *si, void *ctx)
{
	char probe;
	stack_t now;
	ucontext_t *uc = ctx;

	(void)si;
	on_alt = &probe >= alt && &probe < alt + ALT_SIZE && uc->uc_stack.ss_sp == alt &&
		 uc->uc_stack.ss_size == ALT_SIZE;
	alt_flags_inside = sigaltstack(NULL, &now) == 0 ? now.ss_flags : -1;
	if (sig == SIGSEGV) /* the overflow: the main stack is gone */
		_exit(on_alt && alt_flags_inside == SS_ONSTACK ? 42 : 43);
}

static void set_alt_handler(int sig)
{
	struct sigaction sa = { 0 };
	stack_t ss = { 0 };

	alt = malloc(ALT_SIZE);
	if (!alt)
		FAIL("malloc");
	ss.ss_sp = alt;
	ss.ss_size = ALT_SIZE;
	CHECK_OK(sigaltstack(&ss, NULL));
	sa.sa_sigaction = alt_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(sig, &sa, NULL));
}

static volatile int recurse_limit = 1 << 30;

static int __attribute__((noinline)) recurse(int n)
{
	volatile char frame[4096];

	if (n > recurse_limit)
		return 0;
	frame[0] = (char)n;
	frame[4095] = (char)n;
	return recurse(n + 1) + frame[0];
}

static void overflow(void *arg)
{
	(void)arg;
	set_alt_handler(SIGSEGV);
	recurse(0);
	_exit(44);
}

static void altstack(void)
{
	stack_t now;
	int st;

	set_alt_handler(SIGUSR1);
	raise(SIGUSR1);
	CHECK(on_alt && alt_flags_inside == SS_ONSTACK);
	CHECK_OK(sigaltstack(NULL, &now));
	CHECK(now.ss_flags == 0 && now.ss_sp == alt); // off it again
	st = ut_run_child(overflow, NULL);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 42)
		FAIL("stack overflow: wait status %#x, want exit 42 from the handler", st);
}

/* ---- Faults caught ---------------------------------------------------- */

static sigjmp_buf fault_jb;
static volatile uintptr_t fault_addr, fault_rip;
static volatile sig_atomic_t fault_sig, fault_code;

static void fault_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = (uintptr_t)si->si_addr;
	fault_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(fault_jb, 1);
}

static void catch_faults(int sig)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(sig, &sa, NULL));
}

static volatile int zero, one = 1;

static void faults_caught(void)
{
	char *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sigset_t now;

	CHECK(page != MAP_FAILED);
	catch_faults(SIGSEGV);
	catch_faults(SIGFPE);
	catch_faults(SIGILL);
	if (!sigsetjmp(fault_jb, 1)) {
		*(volatile char *)(page + 0x123) = 1;
		FAIL("wrote to a PROT_NONE page");
	}
	CHECK(fault_sig == SIGSEGV && fault_code == SEGV_ACCERR);
	CHECK(fault_addr == (uintptr_t)page + 0x123);
	CHECK_OK(munmap(page, 4096));
	if (!sigsetjmp(fault_jb, 1)) {
		(void)*(volatile char *)(page + 0x456);
		FAIL("read an unmapped page");
	}
	CHECK(fault_sig == SIGSEGV && fault_code == SEGV_MAPERR);
	CHECK(fault_addr == (uintptr_t)page + 0x456);
	if (!sigsetjmp(fault_jb, 1)) {
		volatile int q = one / zero;
		(void)q;
		FAIL("divided by zero");
	}
	CHECK(fault_sig == SIGFPE && fault_code == FPE_INTDIV && fault_addr == fault_rip);
	if (!sigsetjmp(fault_jb, 1)) {
		__asm__ volatile("ud2");
		FAIL("ud2 ran");
	}
	CHECK(fault_sig == SIGILL && fault_code == ILL_ILLOPN && fault_addr == fault_rip);
	CHECK(((unsigned char *)fault_addr)[0] == 0x0f && ((unsigned char *)fault_addr)[1] == 0x0b);
	/* siglongjmp restored the mask: none of them is blocked now */
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGSEGV) && !sigismember(&now, SIGFPE) &&
	      !sigismember(&now, SIGILL));
}

/* ---- fork, sigsuspend, sigtimedwait ----------------------------------- */

static void fork_state(void)
{
	sigset_t block, pend;
	struct sigaction old;
	int st;
	pid_t pid;

	handle(SIGUSR1, on_hit, 0);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	raise(SIGUSR1);
	CHECK_OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR1));
	pid = CHECK_OK(fork());
	if (pid == 0) {
		int bad = sigpending(&pend) < 0 || sigismember(&pend, SIGUSR1);

		bad |= (sigaction(SIGUSR1, NULL, &old) < 0 || old.sa_handler != on_hit) << 1;
		bad |= (sigaction(SIGUSR2, NULL, &old) < 0 || old.sa_handler != SIG_IGN) << 2;
		sigprocmask(SIG_BLOCK, NULL, &pend);
		bad |= !sigismember(&pend, SIGUSR1) << 3;
		sigprocmask(SIG_UNBLOCK, &block, NULL);
		bad |= (hits != 0) << 4; // nothing was pending here
		_exit(bad);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("child's signal state: wait status %#x (exit bits: 1 pending, 2 handler, "
		     "4 ignored, 8 mask, 16 delivered)", st);
	CHECK(hits == 0);
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
	CHECK(hits == 1); // ours was still pending
}

static void suspend_and_timedwait(void)
{
	sigset_t block, empty, now, set;
	siginfo_t si;
	struct timespec ts = { 0, 50 * 1000000L }, t0, t1;
	long ns;
	pid_t pid;

	alarm(UT_DEADLINE_MS / 1000 * 3);
	handle(SIGUSR1, on_hit, 0);
	sigemptyset(&empty);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	pid = pester(SIGUSR1, 1, -1, 0);
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK(hits == 1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1)); // the old mask is back
	stop_pester(pid);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
	if (ns < 50 * 1000000L)
		FAIL("sigtimedwait's 50 ms timeout came after %ld ns", ns);
	CHECK_OK(kill(getpid(), SIGUSR2)); // raise() would be SI_TKILL
	CHECK(sigtimedwait(&set, &si, &ts) == SIGUSR2);
	CHECK(si.si_signo == SIGUSR2 && si.si_code == SI_USER && si.si_pid == getpid());
	ts.tv_sec = UT_DEADLINE_MS / 1000;
	pid = pester(SIGUSR2, 1, -1, 0);
	CHECK(sigtimedwait(&set, &si, &ts) == SIGUSR2 && si.si_pid == pid);
	stop_pester(pid);
	CHECK_OK(sigpending(&now));
	CHECK(!sigismember(&now, SIGUSR2)); // taken, not left pending
}

/* ---- SIGCHLD ---------------------------------------------------------- */

static volatile sig_atomic_t chld_code, chld_pid, chld_status;

static void chld_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	chld_code = si->si_code;
	chld_pid = si->si_pid;
	chld_status = si->si_status;
}

/* Waits (SIGCHLD blocked outside) for a SIGCHLD with @code from @pid. */
static void expect_chld(pid_t pid, int code, int status)
{
	sigset_t empty;

	sigemptyset(&empty);
	while (chld_code != code)
		sigsuspend(&empty); /* alarm() bounds it */
	if (chld_pid != pid || chld_status != status)
		FAIL("SIGCHLD code %d: pid %d status %d, want %d %d", code, (int)chld_pid,
		     (int)chld_status, pid, status);
	chld_code = 0;
}

static void sigchld_codes(void)
{
	struct sigaction sa = { 0 };
	sigset_t block;
	int p[2], st;
	char c;
	pid_t pid;

	alarm(UT_DEADLINE_MS / 1000 * 3);
	sa.sa_sigaction = chld_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	CHECK_OK(pipe(p));
	pid = CHECK_OK(fork());
	if (pid == 0)
		_exit(5);
	expect_chld(pid, CLD_EXITED, 5);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5);
	pid = CHECK_OK(fork());
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(read(p[0], &c, 1) == 1 ? 3 : 1);
	}
	expect_chld(pid, CLD_STOPPED, SIGSTOP);
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK_OK(kill(pid, SIGCONT));
	expect_chld(pid, CLD_CONTINUED, SIGCONT);
	CHECK(write(p[1], "x", 1) == 1);
	expect_chld(pid, CLD_EXITED, 3);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3);
	pid = CHECK_OK(fork());
	if (pid == 0)
		for (;;)
			pause();
	CHECK_OK(kill(pid, SIGKILL));
	expect_chld(pid, CLD_KILLED, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

const struct ut_test ut_signal_tests[] = {
	{ "signal_bad_pointers", bad_pointers, 0 },
	{ "signal_bad_frames", bad_frames, 0 },
	{ "signal_many", many_signals, 0 },
	{ "signal_kill_zero_and_stopped", kill_zero_and_stopped, 0 },
	{ "signal_registers_kept", registers_kept, 0 },
	{ "signal_eintr_waits", eintr_waits, 0 },
	{ "signal_restarted_waits", restarted_waits, 0 },
	{ "signal_nodefer_resethand", nodefer_resethand, 0 },
	{ "signal_altstack", altstack, 0 },
	{ "signal_faults_caught", faults_caught, 0 },
	{ "signal_fork_state", fork_state, 0 },
	{ "signal_suspend_and_timedwait", suspend_and_timedwait, 0 },
	{ "signal_sigchld_codes", sigchld_codes, 0 },
	{ NULL, NULL, 0 },
};

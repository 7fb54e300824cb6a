/*
 * threadtest: musl pthreads and raw futexes, the threads differential
 * test (tests/qemu/test_thread.py compares its output on Corvid with the
 * host's). Every line is deterministic: no pids, tids or times, only
 * facts about them. Each part that ends a process (exit from a thread,
 * the leader's pthread_exit, exec from a thread) runs in a forked child.
 * Usage: threadtest            every part, then "== done"
 *        threadtest churn N    N rounds of 4 pthread_create + join (leak checks)
 *        threadtest bomb       threads until pthread_create fails (Corvid's cap)
 *        threadtest execd PID  what a thread's exec becomes (internal)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h>'s numbers (musl ships no kernel headers) */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY (-1)

#define NTHREADS 8
#define ROUNDS 20000

static const char *self;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static long futex(atomic_int *uaddr, int op, int val, const struct timespec *ts, atomic_int *u2,
		  int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, u2, val3);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- sums: atomics and a mutex, pthread_join's values ---- */

static atomic_long atomic_sum;
static long mutex_sum;
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread long tls_count = 100; /* each thread starts with the initial image's */

static void *adder(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < ROUNDS; i++) {
		atomic_fetch_add(&atomic_sum, 1);
		pthread_mutex_lock(&sum_lock);
		mutex_sum++;
		pthread_mutex_unlock(&sum_lock);
		tls_count++;
	}
	return (void *)(id * 1000 + (tls_count == 100 + ROUNDS)); /* its TLS was its own */
}

static void sums(void)
{
	pthread_t t[NTHREADS];
	long joined = 0;

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, adder, (void *)i))
			say("sums: pthread_create failed\n");
	for (int i = 0; i < NTHREADS; i++) {
		void *v;

		pthread_join(t[i], &v);
		joined += (long)v;
	}
	say("sums: atomic %ld mutex %ld joined %ld main tls %ld\n", (long)atomic_sum, mutex_sum,
	    joined, tls_count);
}

/* ---- condition variables: a bounded queue ---- */

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER, q_nonfull = PTHREAD_COND_INITIALIZER;
static int q_items[4], q_len, q_head;

static void *producer(void *arg)
{
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 4)
			pthread_cond_wait(&q_nonfull, &q_lock);
		q_items[(q_head + q_len++) % 4] = i;
		pthread_cond_signal(&q_nonempty);
		pthread_mutex_unlock(&q_lock);
	}
	return arg;
}

static void condvars(void)
{
	pthread_t p[2];
	long total = 0;

	for (int i = 0; i < 2; i++)
		pthread_create(&p[i], NULL, producer, NULL);
	for (int n = 0; n < 2000; n++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 0)
			pthread_cond_wait(&q_nonempty, &q_lock);
		total += q_items[q_head];
		q_head = (q_head + 1) % 4;
		q_len--;
		pthread_cond_broadcast(&q_nonfull);
		pthread_mutex_unlock(&q_lock);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(p[i], NULL);
	say("condvars: consumed total %ld\n", total);
}

/* ---- a thread that ends with pthread_exit while others run ---- */

static atomic_int spin_stop;

static void *quitter(void *arg)
{
	(void)arg;
	pthread_exit((void *)42);
}

static void *spinner(void *arg)
{
	long n = 0;

	while (!atomic_load(&spin_stop))
		n++;
	return arg;
}

static void early_exit(void)
{
	pthread_t s[3], q;
	void *v;

	for (int i = 0; i < 3; i++)
		pthread_create(&s[i], NULL, spinner, (void *)(long)i);
	pthread_create(&q, NULL, quitter, NULL);
	pthread_join(q, &v);
	say("pthread_exit: joined %ld while 3 spin\n", (long)v);
	atomic_store(&spin_stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(s[i], NULL);
	say("pthread_exit: spinners joined\n");
}

/* ---- the leader's pthread_exit; exit() from another thread ---- */

static void *late_printer(void *arg)
{
	usleep(100000);
	say("leader exit: the other thread still runs, getpid same %d\n",
	    getpid() == (pid_t)(long)arg);
	exit(5); /* musl's last pthread_exit would wait for the leader's tid word */
	return NULL;
}

static void *blocker(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static void *exiter(void *arg)
{
	usleep(50000);
	exit(7);
	return arg;
}

static int run_child(void (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		fn();
		_exit(99);
	}
	waitpid(pid, &st, 0);
	return st;
}

static void leader_part(void)
{
	pthread_t t;

	pthread_create(&t, NULL, late_printer, (void *)(long)getpid());
	pthread_exit(NULL);
}

static void exit_part(void)
{
	pthread_t t;

	for (int i = 0; i < 3; i++)
		pthread_create(&t, NULL, blocker, NULL);
	pthread_create(&t, NULL, exiter, NULL);
	for (;;)
		pause();
}

static void process_ends(void)
{
	int st = run_child(leader_part);

	say("leader exit: status exited %d code %d\n", WIFEXITED(st), WEXITSTATUS(st));
	st = run_child(exit_part);
	say("exit from a thread: status exited %d code %d\n", WIFEXITED(st), WEXITSTATUS(st));
}

/* ---- a robust mutex whose owner thread dies ---- */

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
	pthread_mutex_lock(&robust);
	return arg; /* ends holding it */
}

static void robust_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	int r;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, die_holding, NULL);
	pthread_join(t, NULL);
	r = pthread_mutex_lock(&robust);
	say("robust: lock after the owner died: %s\n",
	    r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	say("robust: consistent %d\n", pthread_mutex_consistent(&robust));
	pthread_mutex_unlock(&robust);
	say("robust: relock %d\n", pthread_mutex_lock(&robust));
	pthread_mutex_unlock(&robust);
}

/* ---- raw futexes: values, timeouts, requeue ---- */

static atomic_int f1, f2, woke;

static void *f1_waiter(void *arg)
{
	(void)arg;
	while (atomic_load(&f1) == 0)
		futex(&f1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	atomic_fetch_add(&woke, 1);
	return NULL;
}

static void futex_basics(void)
{
	struct timespec rel = { 0, 20 * 1000 * 1000 }, abs, bad = { 0, 1000000000 };
	long r;

	atomic_store(&f1, 1);
	r = futex(&f1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	say("futex: wait on a changed value: %ld %s\n", r, r ? strerror(errno) : "");
	r = futex(&f1, FUTEX_WAIT_PRIVATE, 1, &rel, NULL, 0);
	say("futex: relative timeout: %ld %s\n", r, r ? strerror(errno) : "");
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20 * 1000 * 1000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	r = futex(&f1, FUTEX_WAIT_BITSET_PRIVATE, 1, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
	say("futex: absolute monotonic timeout: %ld %s\n", r, r ? strerror(errno) : "");
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec -= 1; /* already past */
	r = futex(&f1, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &abs, NULL,
		  FUTEX_BITSET_MATCH_ANY);
	say("futex: absolute realtime in the past: %ld %s\n", r, r ? strerror(errno) : "");
	r = futex(&f1, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0);
	say("futex: bad timeout: %ld %s\n", r, r ? strerror(errno) : "");
	r = futex(&f1, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, NULL, 0);
	say("futex: zero bitset: %ld %s\n", r, r ? strerror(errno) : "");
	r = futex((atomic_int *)((char *)&f1 + 1), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	say("futex: unaligned: %ld %s\n", r, r ? strerror(errno) : "");
	r = futex((atomic_int *)8, FUTEX_WAIT, 0, NULL, NULL, 0);
	say("futex: unmapped: %ld %s\n", r, r ? strerror(errno) : "");
	r = futex(&f1, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &rel, NULL, 0);
	say("futex: CLOCK_REALTIME with FUTEX_WAIT: %ld %s\n", r, r ? strerror(errno) : "");
	r = futex(&f1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	say("futex: wake with no waiters: %ld\n", r);
	atomic_store(&f1, 0);
}

/* Wait until @n threads sleep on the futexes (the kernel's count is not
 * visible: give them time; a late sleeper is still woken below). */
static void settle(void)
{
	usleep(100000);
}

static void futex_requeue(void)
{
	pthread_t t[4];
	long r, total = 0;

	atomic_store(&f1, 0);
	atomic_store(&woke, 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, f1_waiter, NULL);
	settle();
	r = futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)(long)1, &f2, 1);
	say("futex: cmp_requeue with a wrong value: %ld %s\n", r, r < 0 ? strerror(errno) : "");
	/* wake one, move two to f2; the fourth stays on f1 */
	r = futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(long)2, &f2, 0);
	total += r;
	settle();
	say("futex: cmp_requeue woke+moved %ld, woken so far %d\n", r, atomic_load(&woke));
	r = futex(&f1, FUTEX_REQUEUE_PRIVATE, 0, (void *)(long)8, &f2, 0);
	say("futex: requeue moved %ld\n", r);
	atomic_store(&f1, 1); /* the moved ones re-check f1 once woken */
	r = futex(&f2, FUTEX_WAKE_PRIVATE, 8, NULL, NULL, 0);
	say("futex: woke %ld on the second word\n", r);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	say("futex: all %d waiters done\n", atomic_load(&woke));
}

/* Two processes, one MAP_SHARED word. */
static void futex_shared(void)
{
	atomic_int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int st;
	long r = 0;

	*w = 0;
	pid = fork();
	if (pid == 0) {
		while (atomic_load(w) == 0)
			futex(w, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(atomic_load(w));
	}
	for (int i = 0; i < 200 && r == 0; i++) { /* until the child sleeps on it */
		usleep(10000);
		atomic_store(w, 5);
		r = futex(w, FUTEX_WAKE, 1, NULL, NULL, 0);
		if (r == 0)
			atomic_store(w, 0);
	}
	if (r == 0)
		atomic_store(w, 5);
	waitpid(pid, &st, 0);
	say("futex shared: woke %ld, child exited with %d\n", r, WEXITSTATUS(st));
	munmap(w, 4096);
}

/* ---- signals and threads ---- */

static _Atomic pid_t handled_tid;
static atomic_int handled;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&handled_tid, gettid_());
	atomic_fetch_add(&handled, 1);
}

static _Atomic pid_t target_tid;
static atomic_int sig_stop;

static void *sig_thread(void *arg)
{
	sigset_t s;

	if (arg == (void *)2) {
		atomic_store(&target_tid, gettid_());
	} else if (arg) { /* the unblocked one */
		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
		atomic_store(&target_tid, gettid_());
	}
	while (!atomic_load(&sig_stop))
		usleep(1000);
	return NULL;
}

static void wait_handled(int n)
{
	for (int i = 0; i < 5000 && atomic_load(&handled) < n; i++)
		usleep(1000);
}

static void signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t t[3];
	sigset_t s;
	pid_t tids[3];

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL); /* every thread but one inherits it */
	/* tgkill to one thread: its handler runs there */
	pthread_create(&t[0], NULL, sig_thread, (void *)2);
	while (!atomic_load(&target_tid))
		usleep(1000);
	tids[0] = atomic_load(&target_tid);
	atomic_store(&target_tid, 0);
	pthread_kill(t[0], SIGUSR1);
	wait_handled(1);
	say("tgkill: handled %d, in the main thread %d, in the target %d\n", atomic_load(&handled),
	    atomic_load(&handled_tid) == gettid_(), atomic_load(&handled_tid) == tids[0]);
	/* a process-directed signal with every thread but one blocking it */
	pthread_create(&t[1], NULL, sig_thread, NULL);
	pthread_create(&t[2], NULL, sig_thread, (void *)1);
	while (!atomic_load(&target_tid))
		usleep(1000);
	kill(getpid(), SIGUSR2);
	wait_handled(2);
	tids[1] = atomic_load(&handled_tid);
	say("kill: handled %d, by the unblocked thread %d\n", atomic_load(&handled),
	    tids[1] == atomic_load(&target_tid));
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	atomic_store(&sig_stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* ---- exec from a thread that is not the leader ---- */

static void *exec_thread(void *arg)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%ld", (long)arg);
	execl(self, self, "execd", pid, (char *)NULL);
	say("exec from a thread: execl failed: %s\n", strerror(errno));
	_exit(1);
}

static void exec_part(void)
{
	pthread_t t;

	for (int i = 0; i < 2; i++)
		pthread_create(&t, NULL, blocker, NULL);
	pthread_create(&t, NULL, exec_thread, (void *)(long)getpid());
	for (;;)
		pause();
}

static int execd(const char *pid)
{
	say("exec from a thread: pid kept %d, tid is the pid %d\n", getpid() == atoi(pid),
	    gettid_() == getpid());
	return 3;
}

static void *nothing(void *arg)
{
	return arg;
}

static int churn(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t[4];

		for (int k = 0; k < 4; k++)
			if (pthread_create(&t[k], NULL, nothing, NULL)) {
				say("churn: round %ld failed\n", i);
				return 1;
			}
		for (int k = 0; k < 4; k++)
			pthread_join(t[k], NULL);
	}
	say("churn: %ld rounds\n", n);
	return 0;
}

static void *parked(void *arg)
{
	while (!atomic_load(&spin_stop))
		futex((atomic_int *)&spin_stop, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return arg;
}

static int bomb(void)
{
	static pthread_t t[4096];
	pthread_attr_t a;
	int n = 0, err = 0;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 16384);
	while (n < 4096 && !(err = pthread_create(&t[n], &a, parked, NULL)))
		n++;
	say("bomb: pthread_create failed with %s after %d threads\n", strerror(err), n);
	atomic_store(&spin_stop, 1);
	futex((atomic_int *)&spin_stop, FUTEX_WAKE_PRIVATE, 1 << 30, NULL, NULL, 0);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	say("bomb: all joined\n");
	return 0;
}

int main(int argc, char **argv)
{
	int st;

	self = argv[0];
	if (argc == 3 && !strcmp(argv[1], "execd"))
		return execd(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "churn"))
		return churn(atol(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "bomb"))
		return bomb();
	say("threadtest: pid is tid %d\n", getpid() == gettid_());
	sums();
	condvars();
	early_exit();
	process_ends();
	robust_mutex();
	futex_basics();
	futex_requeue();
	futex_shared();
	signals();
	st = run_child(exec_part);
	say("exec from a thread: status exited %d code %d\n", WIFEXITED(st), WEXITSTATUS(st));
	say("== done\n");
	return 0;
}

/*
 * The user-mode benchmark: what a process costs, through system calls
 * only, so the same static binary measures Corvid, the host's Linux and
 * Linux 6.1 in the same QEMU (tools/bench.py). Prints
 * "METRIC name value unit" lines:
 *   ubench_getppid             one trivial system call (entry and exit)
 *   ubench_write_devnull       a 1-byte write() to /dev/null
 *   ubench_fork_exit_wait      fork, the child _exit(0)s, the parent wait4()s
 *   ubench_fork_execve_wait    the same with the child execve()ing this
 *                              program with "--exit" (it exits at once)
 *   ubench_execve              the difference of the two: one execve (the
 *                              median of the differences of the RUNS pairs:
 *                              the two loops alternate, so that a burst of
 *                              load on the host skews a pair, not one side)
 *   ubench_mmap_touch_munmap_64m  map 64 MiB, write each page, unmap
 *   ubench_page_fault          one first-touch fault on an anonymous page
 *   ubench_file_page_fault     one first-touch read fault on a MAP_PRIVATE
 *                              mapping of a file in memory (/tmp or /)
 *   ubench_pipe_pingpong       a 1-byte round trip between two processes
 *                              over two pipes (write, the other reads and
 *                              answers, read)
 *   ubench_futex_pingpong      a round trip between two threads of one
 *                              process through two futex words (store,
 *                              FUTEX_WAKE, FUTEX_WAIT for the answer)
 *   ubench_thread_create_join  pthread_create + pthread_join of an empty
 *                              thread
 *   ubench_pipe_pingpong_1cpu  the same with both processes pinned to CPU 0
 *   ubench_pipe_pingpong_2cpu  the same, parent on CPU 0, child on CPU 1
 *                              (sched_setaffinity; skipped on one CPU)
 *   ubench_sh_1000_true        /bin/busybox sh -c running a loop of 1,000
 *                              external /bin/true (fork+exec each; skipped
 *                              without /bin/busybox or below SCALE 100)
 * Each figure is the median of 5 runs. As PID 1 (Linux's /init in QEMU)
 * it powers the machine off at the end. Usage: ubench [SCALE] (a
 * percentage of the default iteration counts, default 100).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5
#define PAGE 4096ul
#define MAP_64M (64ul << 20)

extern char **environ;
static const char *self;
static long scale = 100;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long count(long n)
{
	n = n * scale / 100;
	return n > 0 ? n : 1;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_of(double *v)
{
	qsort(v, RUNS, sizeof(v[0]), by_value);
	return v[RUNS / 2];
}

/* The median of RUNS runs of @fn(@n), each the mean ns of one of @n iterations. */
static double median(double (*fn)(long), long n)
{
	double v[RUNS];

	for (int i = 0; i < RUNS; i++)
		v[i] = fn(n);
	return median_of(v);
}

static void metric(const char *name, double ns, const char *unit)
{
	double div = !strcmp(unit, "us") ? 1e3 : !strcmp(unit, "ms") ? 1e6 : 1.0;

	if (ns < 0)
		return; /* the operation failed: no figure */
	printf("METRIC %s %.*f %s\n", name, div == 1.0 ? 0 : 1, ns / div, unit);
	fflush(stdout);
}

static double getppid_loop(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (double)(now_ns() - t0) / n;
}

static int devnull = -1;

static double write_loop(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (write(devnull, "x", 1) != 1)
			return -1;
	return (double)(now_ns() - t0) / n;
}

/* fork + (execve) + exit + wait, @n times; -1 if fork or exec fails. */
static double spawn_loop(long n, int do_exec)
{
	char *argv[] = { (char *)self, "--exit", NULL };
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0) {
			if (do_exec)
				execve(self, argv, environ);
			_exit(do_exec ? 127 : 0);
		}
		if (waitpid(pid, &st, 0) != pid || st != 0)
			return -1;
	}
	return (double)(now_ns() - t0) / n;
}

static double fork_loop(long n)
{
	return spawn_loop(n, 0);
}

static double exec_loop(long n)
{
	return spawn_loop(n, 1);
}

static double mmap_loop(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		volatile char *p = mmap(NULL, MAP_64M, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -1;
		for (size_t off = 0; off < MAP_64M; off += PAGE)
			p[off] = 1;
		munmap((void *)p, MAP_64M);
	}
	return (double)(now_ns() - t0) / n;
}

/* Only the touches of fresh pages of an n-page mapping are timed. */
static double fault_loop(long n)
{
	size_t len = (size_t)n * PAGE;
	volatile char *p =
		mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;
	double ns;

	if (p == MAP_FAILED)
		return -1;
	t0 = now_ns();
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = 1;
	ns = (double)(now_ns() - t0) / n;
	munmap((void *)p, len);
	return ns;
}

static int mapfd = -1;

/* An @n-page file to map (in /tmp, else /: tmpfs on both systems), or -1. */
static int make_map_file(long n)
{
	static char page[PAGE];
	const char *paths[] = { "/tmp/ubench.map", "/ubench.map" };

	memset(page, 'u', sizeof(page));
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDWR | O_CREAT | O_TRUNC, 0600);

		if (fd < 0)
			continue;
		unlink(paths[i]); /* the descriptor keeps it */
		for (long p = 0; p < n; p++)
			if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
				close(fd);
				return -1;
			}
		return fd;
	}
	return -1;
}

/* Only the first reads of the pages of an n-page file mapping are timed. */
static double file_fault_loop(long n)
{
	size_t len = (size_t)n * PAGE;
	volatile char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, mapfd, 0);
	uint64_t t0;
	double ns;
	char sum = 0;

	if (p == MAP_FAILED)
		return -1;
	t0 = now_ns();
	for (size_t off = 0; off < len; off += PAGE)
		sum += p[off];
	ns = (double)(now_ns() - t0) / n;
	munmap((void *)p, len);
	return sum == (char)('u' * n) ? ns : -1;
}

/* CPUs for pingpong_loop's parent and child (-1: wherever). */
static int parent_cpu = -1, child_cpu = -1;

/* Pin the caller to @cpu, or let it run anywhere (-1); 0 or -1. */
static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu < 0) {
		for (int i = 0; i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
	} else {
		CPU_SET(cpu, &set);
	}
	return sched_setaffinity(0, sizeof(set), &set);
}

/* @n round trips of one byte: parent -> child -> parent over two pipes;
 * -1 if the pipes, the fork or the pinning fail. */
static double pingpong_loop(long n)
{
	int to[2], from[2], st;
	uint64_t t0;
	pid_t pid;
	char c = 0;

	if (pipe(to) || pipe(from))
		return -1;
	if (parent_cpu >= 0 && pin(parent_cpu))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (child_cpu >= 0 && pin(child_cpu))
			_exit(1);
		close(to[1]);
		close(from[0]);
		while (read(to[0], &c, 1) == 1)
			if (write(from[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			break;
	t0 = now_ns() - t0;
	close(to[1]);
	close(from[0]);
	waitpid(pid, &st, 0);
	pin(-1);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return (double)t0 / n;
}

/* ---- threads: futex ping-pong and create + join ---- */

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static atomic_int ping, pong; /* round numbers: the thread answers ping with pong */
static long pp_rounds;

static void futex_wait_for(atomic_int *w, int old)
{
	while (atomic_load(w) == old)
		syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, old, NULL, NULL, 0);
}

static void futex_set(atomic_int *w, int v)
{
	atomic_store(w, v);
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *ponger(void *arg)
{
	for (long i = 1; i <= pp_rounds; i++) {
		futex_wait_for(&ping, (int)(i - 1));
		futex_set(&pong, (int)i);
	}
	return arg;
}

static double futex_pingpong_loop(long n)
{
	pthread_t t;
	uint64_t t0;

	atomic_store(&ping, 0);
	atomic_store(&pong, 0);
	pp_rounds = n;
	if (pthread_create(&t, NULL, ponger, NULL))
		return -1;
	t0 = now_ns();
	for (long i = 1; i <= n; i++) {
		futex_set(&ping, (int)i);
		futex_wait_for(&pong, (int)(i - 1));
	}
	t0 = now_ns() - t0;
	pthread_join(t, NULL);
	return (double)t0 / n;
}

static void *empty_thread(void *arg)
{
	return arg;
}

static double thread_loop(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, empty_thread, NULL))
			return -1;
		pthread_join(t, NULL);
	}
	return (double)(now_ns() - t0) / n;
}

#define SH_LOOP "i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done"

/* One run of BusyBox sh's 1,000 /bin/true loop, in ns; -1 on failure. */
static double sh_loop(long n)
{
	char *argv[] = { "sh", "-c", SH_LOOP, NULL };
	uint64_t t0 = now_ns();
	int st;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0) {
			execve("/bin/busybox", argv, environ);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			return -1;
	}
	return (double)(now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
	double fork_ns[RUNS], exec_ns[RUNS], diff_ns[RUNS];
	int failed = 0;

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	if (argc > 1)
		scale = atol(argv[1]) > 0 ? atol(argv[1]) : 100;
	self = strchr(argv[0], '/') ? argv[0] : "/bin/ubench";
	devnull = open("/dev/null", O_WRONLY);
	metric("ubench_getppid", median(getppid_loop, count(200000)), "ns");
	if (devnull >= 0)
		metric("ubench_write_devnull", median(write_loop, count(100000)), "ns");
	for (int i = 0; i < RUNS; i++) {
		fork_ns[i] = fork_loop(count(200));
		exec_ns[i] = exec_loop(count(100));
		diff_ns[i] = exec_ns[i] - fork_ns[i];
		failed |= fork_ns[i] < 0 || exec_ns[i] < 0;
	}
	metric("ubench_fork_exit_wait", failed ? -1 : median_of(fork_ns), "us");
	metric("ubench_fork_execve_wait", failed ? -1 : median_of(exec_ns), "us");
	metric("ubench_execve", failed ? -1 : median_of(diff_ns), "us");
	metric("ubench_mmap_touch_munmap_64m", median(mmap_loop, count(3)), "ms");
	metric("ubench_page_fault", median(fault_loop, count(4096)), "ns");
	mapfd = make_map_file(count(1024));
	if (mapfd >= 0) {
		metric("ubench_file_page_fault", median(file_fault_loop, count(1024)), "ns");
		close(mapfd);
	}
	metric("ubench_pipe_pingpong", median(pingpong_loop, count(5000)), "ns");
	metric("ubench_futex_pingpong", median(futex_pingpong_loop, count(5000)), "ns");
	metric("ubench_thread_create_join", median(thread_loop, count(500)), "us");
	parent_cpu = child_cpu = 0;
	metric("ubench_pipe_pingpong_1cpu", median(pingpong_loop, count(5000)), "ns");
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		child_cpu = 1;
		metric("ubench_pipe_pingpong_2cpu", median(pingpong_loop, count(5000)), "ns");
	}
	/* Five runs of a loop of 1,000 execs: seconds under TCG. Only at the
	 * full scale (make bench), not in the quick runs tests make. */
	if (scale >= 100 && access("/bin/busybox", X_OK) == 0)
		metric("ubench_sh_1000_true", median(sh_loop, 1), "ms");
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}

/*
 * System-call round trips, for comparing Corvid with Linux: the mean
 * cost of getppid() (the entry/exit path and nothing else) and of a
 * 1-byte write() to /dev/null, printed as "METRIC name value unit".
 * Usage: sysbench [ITERATIONS]  (default 200000)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	int fd = open("/dev/null", O_WRONLY);
	double t0, t1, t2;

	if (n <= 0 || fd < 0)
		return 2;
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	t1 = now_ns();
	for (long i = 0; i < n; i++)
		if (write(fd, "x", 1) != 1)
			return 1;
	t2 = now_ns();
	printf("METRIC syscall_getppid %.0f ns\n", (t1 - t0) / n);
	printf("METRIC syscall_write_devnull %.0f ns\n", (t2 - t1) / n);
	return 0;
}

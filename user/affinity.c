/*
 * sched_setaffinity(2) and sched_getaffinity(2), differentially
 * (tests/qemu/test_affinity.py): the same static binary on the host's
 * Linux and in Corvid, with 2 or more CPUs; it prints only checks that
 * hold on any such machine, one line each, then "affinity: done".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static cpu_set_t online;

static const char *err(long r)
{
	return r == 0 ? "0" : errno == EINVAL ? "EINVAL" : errno == EFAULT ? "EFAULT"
		: errno == ESRCH ? "ESRCH" : strerror(errno);
}

static long set_one(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

/* "the mask is exactly {cpu}" (or the online set for -1) */
static int mask_is(int cpu)
{
	cpu_set_t s, want;

	if (sched_getaffinity(0, sizeof(s), &s))
		return 0;
	if (cpu < 0)
		return CPU_EQUAL(&s, &online);
	CPU_ZERO(&want);
	CPU_SET(cpu, &want);
	return CPU_EQUAL(&s, &want);
}

int main(void)
{
	cpu_set_t s;
	int st;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("getaffinity %s\n", err(sched_getaffinity(0, sizeof(online), &online)));
	printf("online cpus >= 2 %s\n", CPU_COUNT(&online) >= 2 ? "yes" : "no");
	printf("setaffinity {0} %s\n", err(set_one(0)));
	printf("mask is {0} %s\n", mask_is(0) ? "yes" : "no");
	printf("getcpu is 0 %s\n", sched_getcpu() == 0 ? "yes" : "no");
	pid = fork();
	if (pid == 0) {
		printf("child inherits {0} %s\n", mask_is(0) ? "yes" : "no");
		printf("child setaffinity {1} %s\n", err(set_one(1)));
		printf("child mask is {1} %s\n", mask_is(1) ? "yes" : "no");
		for (int i = 0; i < 1000; i++)
			getppid(); // run a while there
		printf("child still {1} %s\n", mask_is(1) ? "yes" : "no");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	printf("parent still {0} %s\n", mask_is(0) ? "yes" : "no");
	CPU_ZERO(&s);
	printf("empty mask %s\n", err(sched_setaffinity(0, sizeof(s), &s)));
	CPU_SET(1000, &s);
	printf("only cpu 1000 %s\n", err(sched_setaffinity(0, sizeof(s), &s)));
	printf("bad pointer %s\n", err(syscall(SYS_sched_setaffinity, 0, 128, (void *)16)));
	printf("no such pid %s\n", err(sched_setaffinity(99999, sizeof(online), &online)));
	printf("own pid back to all %s\n", err(sched_setaffinity(getpid(), sizeof(online), &online)));
	printf("mask is online %s\n", mask_is(-1) ? "yes" : "no");
	printf("affinity: done\n");
	return 0;
}

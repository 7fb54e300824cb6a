/*
 * Commands that keep the shell busy on purpose: `sleep MS` (sleeps on the
 * scheduler's timer) and `prime N` (the N-th
 * prime by trial division, the scheduling demo; `prime N &` runs it as a
 * background job, see shell/job.h). Both stop at ^C through
 * shell_interrupted() when run in the foreground.
 */
#include "core/console.h"
#include "lib/string.h"
#include "sched/task.h"
#include "shell/prime.h"
#include "shell/shell.h"
#include "time/ktime.h"

#define SLEEP_STEP_NS (20 * NSEC_PER_MSEC)
#define SLEEP_MS_MAX (24ull * 3600 * 1000) /* one day */

static int cmd_sleep(int argc, char **argv)
{
	unsigned long long ms;

	if (argc != 2 || kstrtoull(argv[1], 10, &ms) < 0 || ms > SLEEP_MS_MAX)
		return shell_usage(shell_find("sleep"));
	/* Sleep on the timer in short steps so ^C is noticed promptly. */
	uint64_t start = ktime_ns(), end = start + ms * NSEC_PER_MSEC, now;

	while ((now = ktime_ns()) < end) {
		if (shell_interrupted()) {
			kprintf("sleep: interrupted after %llu ms\n",
				(unsigned long long)((now - start) / NSEC_PER_MSEC));
			return SHELL_STATUS_INTERRUPTED;
		}
		task_sleep_ns(MIN(end - now, SLEEP_STEP_NS));
	}
	return 0;
}

SHELL_COMMAND(sleep, .name = "sleep", .group = "time",
	      .summary = "wait MS milliseconds (^C stops it)", .usage = "sleep MS   (0..86400000)",
	      .fn = cmd_sleep);

static bool prime_should_stop(void *ctx)
{
	return shell_interrupted();
}

static int cmd_prime(int argc, char **argv)
{
	unsigned long long n;
	uint64_t start, p;

	if (argc != 2 || kstrtoull(argv[1], 10, &n) < 0 || n == 0 || n > PRIME_N_MAX)
		return shell_usage(shell_find("prime"));
	start = ktime_ns();
	p = prime_nth(n, prime_should_stop, NULL);
	if (!p) {
		kprintf("prime: interrupted\n");
		return SHELL_STATUS_INTERRUPTED;
	}
	kprintf("prime %llu = %lu (%lu ms)\n", n, (unsigned long)p,
		(unsigned long)((ktime_ns() - start) / NSEC_PER_MSEC));
	return 0;
}

SHELL_COMMAND(prime, .name = "prime", .group = "demo",
	      .summary = "find the N-th prime (with & in the background)",
	      .usage = "prime N [&]   (1 <= N <= 100000000; ^C stops it)", .fn = cmd_prime);

/*
 * Commands that keep the shell busy on purpose: `sleep MS` (busy-waits
 * until the scheduler can put the task to sleep) and `prime N` (the N-th
 * prime by trial division, the scheduling demo; `prime N &` runs it as a
 * background job once the scheduler exists, see shell/job.h). Both stop at
 * ^C through shell_interrupted(). Shell task only.
 */
#include "core/console.h"
#include "lib/string.h"
#include "shell/prime.h"
#include "shell/shell.h"
#include "time/ktime.h"

#define SLEEP_MS_MAX (24ull * 3600 * 1000) /* one day */

static int cmd_sleep(int argc, char **argv)
{
	unsigned long long ms;

	if (argc != 2 || kstrtoull(argv[1], 10, &ms) < 0 || ms > SLEEP_MS_MAX)
		return shell_usage(shell_find("sleep"));
	/* FIXME: sleep on a timer once sched/ exists instead of spinning. */
	for (unsigned long long i = 0; i < ms; i++) {
		if (shell_interrupted()) {
			kprintf("sleep: interrupted after %llu ms\n", i);
			return SHELL_STATUS_INTERRUPTED;
		}
		mdelay(1);
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

/*
 * The benchmark runner and the `bench` shell command. Benchmarks run one at
 * a time on the calling task; each prints its own METRIC lines.
 */
#include "bench/bench.h"

#include "core/console.h"
#include "lib/string.h"
#include "shell/shell.h"

extern const struct bench __bench_start[], __bench_end[];

void bench_metric(const char *name, uint64_t value, const char *unit)
{
	kprintf("METRIC %s %lu %s\n", name, (unsigned long)value, unit);
}

int bench_run(const char *const *prefixes, int nprefix)
{
	int ran = 0;

	for (const struct bench *b = __bench_start; b < __bench_end; b++) {
		if (!str_has_any_prefix(b->name, prefixes, nprefix))
			continue;
		b->fn();
		ran++;
	}
	return ran;
}

static int cmd_bench(int argc, char **argv)
{
	if (bench_run((const char *const *)argv + 1, argc - 1) == 0) {
		kprintf("bench: no benchmark matches\n");
		return 1;
	}
	return 0;
}

SHELL_COMMAND(
	bench, .name = "bench", .group = "debug",
	.summary = "run in-kernel benchmarks (METRIC lines)",
	.usage = "bench [NAME...]   run the benchmarks whose names start with a NAME (all if none)",
	.fn = cmd_bench);

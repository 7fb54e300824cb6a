/*
 * Boot benchmarks: the kernel's own boot time (TSC at entry to the first
 * prompt), recorded by the shell when it first prints its prompt.
 */
#include "bench/bench.h"
#include "shell/shell.h"
#include "time/ktime.h"

BENCH(boot)
{
	bench_metric("kernel_boot_to_prompt_us", shell_first_prompt_ns() / 1000, "us");
}

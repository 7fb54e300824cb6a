/*
 * Boot benchmarks: the kernel's own boot time (TSC at the 32-bit entry to
 * the shell being ready, just before the boot commands and first prompt)
 * and the size of the kernel image in memory.
 */
#include "bench/bench.h"
#include "shell/shell.h"
#include "time/ktime.h"

BENCH(boot)
{
	extern const char __text_start[], __kernel_end[];

	bench_metric("kernel_entry_to_shell_us", shell_first_prompt_ns() / 1000, "us");
	bench_metric("kernel_image_kib", (uint64_t)(__kernel_end - __text_start) / 1024, "KiB");
}

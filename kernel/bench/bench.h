/*
 * In-kernel benchmarks. BENCH(name) { ... } registers a benchmark in the
 * .bench linker section; the shell's `bench [NAME...]` runs those whose
 * names start with a NAME (all when none) and each reports its results with
 * bench_metric(), printed as "METRIC name value unit" lines that
 * `make bench` collects. Benchmarks measure; they never pass or fail.
 */
#pragma once

#include <stdint.h>

#include "include/compiler.h"

struct bench {
	const char *name;
	void (*fn)(void);
};

#define BENCH(bname)                                                       \
	static void bench_fn_##bname(void);                                \
	static const struct bench bench_##bname __used __section(".bench") \
		__aligned(8) = { #bname, bench_fn_##bname };               \
	static void bench_fn_##bname(void)

/* Print "METRIC @name @value @unit". */
void bench_metric(const char *name, uint64_t value, const char *unit);

/* Run the benchmarks whose names start with one of @prefixes (all when
 * @nprefix is 0). Returns how many ran. */
int bench_run(const char *const *prefixes, int nprefix);

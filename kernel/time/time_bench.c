/*
 * Interrupt and time benchmarks (`make bench`): self-IPI round trip,
 * periodic tick jitter and the cost of ktime_ns(). Targets under TCG
 * (issue 3): round trip <= 10 us, jitter <= 1 period, ktime_ns <= 200 ns.
 */
#include <stddef.h>

#include "arch/arch.h"
#include "bench/bench.h"
#include "core/console.h"
#include "irq/irq.h"
#include "time/ktime.h"
#include "time/tick.h"

#define IPI_ROUNDS 2000
#define KTIME_CALLS 200000
#define JITTER_WINDOW_NS NSEC_PER_SEC

static volatile uint64_t ipi_seen;

static void ipi_handler(struct irq_ctx *ctx, void *data)
{
	ipi_seen++;
}

/* Mean time from sending a self-IPI to its handler having run. */
BENCH(irq_self_ipi)
{
	int v = irq_alloc_vector();
	uint64_t start, total;

	if (v < 0 || irq_attach((unsigned int)v, ipi_handler, NULL, "bench")) {
		kprintf("bench: no vector for the self-IPI benchmark\n");
		goto out;
	}
	ipi_seen = 0;
	start = arch_cycles();
	for (uint64_t i = 1; i <= IPI_ROUNDS; i++) {
		irq_raise_self((unsigned int)v);
		while (ipi_seen != i)
			arch_cpu_relax();
	}
	total = ktime_cycles_to_ns(arch_cycles() - start);
	bench_metric("irq_self_ipi_roundtrip_ns", total / IPI_ROUNDS, "ns");
out:
	if (v >= 0 && irq_free((unsigned int)v))
		kprintf("bench: cannot free vector %d\n", v);
}

/* Largest deviation of a tick-to-tick interval from the period over 1 s.
 * Intervals that span several ticks (the poller was late) are compared
 * against as many periods. */
BENCH(time_tick_jitter)
{
	uint64_t period = NSEC_PER_SEC / tick_hz(), worst = 0;
	uint64_t j = tick_jiffies(), t = tick_last_ns(), end = ktime_ns() + JITTER_WINDOW_NS;

	while (ktime_ns() < end) {
		uint64_t nj = tick_jiffies(), nt, want, dev;

		if (nj == j) {
			arch_cpu_relax();
			continue;
		}
		nt = tick_last_ns();
		want = (nj - j) * period;
		dev = nt - t > want ? nt - t - want : want - (nt - t);
		if (dev > worst)
			worst = dev;
		j = nj;
		t = nt;
	}
	bench_metric("tick_jitter_max_ns", worst, "ns");
	bench_metric("tick_period_ns", period, "ns");
}

BENCH(time_ktime_cost)
{
	uint64_t start = arch_cycles(), sink = 0;

	for (int i = 0; i < KTIME_CALLS; i++)
		sink += ktime_ns();
	bench_metric("ktime_ns_cost_ns", ktime_cycles_to_ns(arch_cycles() - start) / KTIME_CALLS,
		     "ns");
	(void)sink;
}

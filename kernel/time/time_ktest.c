/*
 * In-kernel time tests: ktime is monotonic, the LAPIC tick keeps its rate
 * against the HPET (independent of the clock it was calibrated with, when
 * ktime runs on the TSC), one-shot events fire once and on time, udelay
 * waits at least as asked, and the RTC gives a plausible date.
 */
#include <stddef.h>

#include "arch/arch.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/muldiv.h"
#include "sched/sched.h"
#include "time/clocksource.h"
#include "time/ktime.h"
#include "time/rtc.h"
#include "time/tick.h"

#define RATE_WINDOW_MS 200
/* Rate windows tried before a rate check gives up: a host that deschedules
 * the emulator skews some windows, a miscalibrated device all of them. */
#define RATE_ATTEMPTS 10
/* Generous waits for events that must come (only a broken kernel waits
 * this long). */
#define EVENT_WAIT_NS (10 * NSEC_PER_SEC)
#define PAIR_TRIES 8

KTEST(time_ktime_never_goes_backwards)
{
	uint64_t prev = ktime_ns(), now, start = prev;

	for (int i = 0; i < 200000; i++) {
		now = ktime_ns();
		KASSERT(now >= prev);
		prev = now;
	}
	KASSERT(prev > start);
	/* Across CPUs against a shared maximum: smp_ktime_monotonic_across_cpus. */
}

/* The reference for rate checks: the HPET when present, else ktime. */
static uint64_t ref_ns(void)
{
	const struct clocksource *h = clocksource_find("hpet");

	return h ? mul_div_u64(h->read(), NSEC_PER_SEC, h->hz) : ktime_ns();
}

/*
 * The tick's generator: the clock-event device counts at its calibrated
 * rate, within 1% of the HPET over 200 ms. Read back from the device's
 * counter, so it holds even when the emulator delivers ticks late.
 */
/* The device's count read between two reference reads, the closest pair of
 * a few tries (a host that deschedules the emulator between the reads of
 * one pair would skew the window by as much); *@t gets the midpoint. */
static uint64_t paired_remaining(const struct clockevent *ce, uint64_t *t)
{
	uint64_t best_gap = UINT64_MAX, c = 0;

	for (int i = 0; i < PAIR_TRIES; i++) {
		uint64_t a = ref_ns(), x = ce->remaining(), b = ref_ns();

		if (b - a < best_gap) {
			best_gap = b - a;
			c = x;
			*t = a + (b - a) / 2;
		}
	}
	return c;
}

/* The device's rate over one window, in Hz. */
static uint64_t device_rate_once(const struct clockevent *ce)
{
	uint64_t t0 = 0, t1 = 0, c0, c1;
	unsigned long flags = arch_irq_save();

	ce->program(ce->max_count, false);
	c0 = paired_remaining(ce, &t0);
	while (ref_ns() - t0 < RATE_WINDOW_MS * NSEC_PER_MSEC)
		arch_cpu_relax();
	c1 = paired_remaining(ce, &t1);
	arch_irq_restore(flags);
	return mul_div_u64(c0 - c1, NSEC_PER_SEC, t1 - t0);
}

/* Paired reads bound the skew of each window; a miscalibrated timer is
 * off in all RATE_ATTEMPTS of them, at the same 1%. */
KTEST(time_tick_device_rate_matches_hpet)
{
	const struct clockevent *ce = tick_device();
	uint64_t hz = 0;
	bool ok = false;

	KASSERT(ce && ce->hz);
	preempt_disable(); /* reprograms this CPU's timer, then restarts it */
	for (int attempt = 0; attempt < RATE_ATTEMPTS && !ok; attempt++) {
		hz = device_rate_once(ce);
		ok = hz * 100 >= ce->hz * 99 && hz * 100 <= ce->hz * 101;
	}
	KASSERT_EQ(tick_start_periodic(), 0);
	preempt_enable();
	if (!ok)
		ktest_fail(__FILE__, __LINE__, "timer counts at %lu Hz, calibrated %lu Hz",
			   (unsigned long)hz, (unsigned long)ce->hz);
}

/*
 * Ticks counted over one RATE_WINDOW_MS window of the reference clock,
 * starting right after a tick. Returns the count; @expect gets what
 * CONFIG_HZ predicts for the measured window.
 */
static uint64_t tick_window(uint64_t *expect, uint64_t *window_ns)
{
	uint64_t prev = tick_jiffies(), j0, j1, t0, t1, end = ktime_ns() + EVENT_WAIT_NS;

	/* t0 is read before the jiffies read that sees the new tick, and t1
	 * after the last one: every tick counted lies inside [t0, t1], however
	 * long the host stalls the emulator between two reads. */
	do {
		t0 = ref_ns();
		j0 = tick_jiffies();
	} while (j0 == prev && ktime_ns() < end);
	KASSERT(j0 != prev); /* ticks arrive at all */
	while (ref_ns() - t0 < RATE_WINDOW_MS * NSEC_PER_MSEC)
		arch_cpu_relax();
	j1 = tick_jiffies();
	t1 = ref_ns();
	*window_ns = t1 - t0;
	*expect = mul_div_u64(t1 - t0, tick_hz(), NSEC_PER_SEC);
	return j1 - j0;
}

/*
 * Delivered ticks. The timer's rate is checked against the HPET by
 * time_tick_device_rate_matches_hpet (the LAPIC counter runs in the
 * emulator's virtual time, so that check is exact). How many of those ticks
 * reach the CPU depends on the host: a starved QEMU drops some, so counting
 * them against a 1% bound is a measurement of the machine, not of the
 * kernel (make bench reports tick jitter). What the kernel must guarantee:
 * ticks do arrive in every window, and never faster than CONFIG_HZ.
 */
KTEST(time_tick_delivery_never_too_fast)
{
	uint64_t got, expect = 0, window = 0;

	KASSERT(tick_device_hz() > 0);
	for (int attempt = 0; attempt < 3; attempt++) {
		got = tick_window(&expect, &window);
		/* One tick of slack for the window's ragged end. */
		if (got * 100 > expect * 101 + 100)
			ktest_fail(__FILE__, __LINE__,
				   "%lu ticks in %lu ns, more than the %lu expected",
				   (unsigned long)got, (unsigned long)window,
				   (unsigned long)expect);
	}
}

struct shot {
	volatile int fired;
	volatile uint64_t at_ns;
};

static void shot_fn(void *data)
{
	struct shot *s = data;

	s->fired++;
	s->at_ns = ktime_ns();
}

/* The periodic tick is back before anything is checked, so a failure here
 * does not leave the CPU without its tick. The early bound is exact; the
 * late one is generous: a virtual CPU on a busy host can be descheduled
 * for a long time, and only a one-shot that never fires must fail. */
KTEST(time_oneshot_fires_once)
{
	static struct shot s;
	uint64_t start, j, ticks_during, fired, at;
	int too_long, restart;

	s = (struct shot){ 0 };
	preempt_disable(); /* the one-shot is this CPU's (the runner re-enables on failure) */
	start = ktime_ns();
	KASSERT_EQ(tick_oneshot(5 * NSEC_PER_MSEC, shot_fn, &s), 0);
	j = tick_cpu_ticks();
	while (!s.fired && ktime_ns() - start < EVENT_WAIT_NS)
		arch_cpu_relax();
	mdelay(10); /* a one-shot must not repeat */
	fired = s.fired;
	at = s.at_ns;
	ticks_during = tick_cpu_ticks() - j;
	too_long = tick_oneshot(1000ull * NSEC_PER_SEC, shot_fn, &s);
	restart = tick_start_periodic();
	j += ticks_during; /* ticks before the restart */
	for (uint64_t end = ktime_ns() + EVENT_WAIT_NS; tick_cpu_ticks() == j && ktime_ns() < end;)
		arch_cpu_relax();
	j = tick_cpu_ticks() - j;
	preempt_enable();
	KASSERT_EQ(restart, 0);
	KASSERT_EQ(fired, 1);
	KASSERT(at - start >= 5 * NSEC_PER_MSEC - NSEC_PER_MSEC / 10);
	KASSERT(at - start < EVENT_WAIT_NS);
	KASSERT_EQ(ticks_during, 0); /* the periodic tick was stopped */
	KASSERT_EQ(too_long, -ERANGE);
	KASSERT(j > 0); /* and runs again */
}

KTEST(time_udelay_waits_long_enough)
{
	uint64_t t0 = ref_ns();

	udelay(3000);
	KASSERT(ref_ns() - t0 >= 3000 * NSEC_PER_USEC - 10 * NSEC_PER_USEC);
}

KTEST(time_rtc_date_plausible)
{
	struct cal_date d;

	KASSERT_EQ(rtc_read(&d), 0);
	KASSERT(d.year >= 2024);
	KASSERT(d.year < 2200);
	KASSERT(cal_is_valid(&d));
	KASSERT_EQ(rtc_boot_date(&d), 0);
	KASSERT(d.year >= 2024);
	KASSERT(rtc_unix_now() >= cal_to_unix(&d));
}

/* The TSC read between two HPET reads, the closest pair of a few tries;
 * *@h gets the HPET midpoint. */
static uint64_t paired_tsc(const struct clocksource *tsc, const struct clocksource *hpet,
			   uint64_t *h)
{
	uint64_t best_gap = UINT64_MAX, c = 0;

	for (int i = 0; i < PAIR_TRIES; i++) {
		uint64_t a = hpet->read(), x = tsc->read(), b = hpet->read();

		if (b - a < best_gap) {
			best_gap = b - a;
			c = x;
			*h = a + (b - a) / 2;
		}
	}
	return c;
}

/* Do the TSC and the HPET agree within 1% over @ms? */
static bool clocks_agree(const struct clocksource *tsc, const struct clocksource *hpet,
			 unsigned int ms)
{
	uint64_t h0 = 0, h1 = 0, c0, c1, hns, cns;

	c0 = paired_tsc(tsc, hpet, &h0);
	mdelay(ms);
	c1 = paired_tsc(tsc, hpet, &h1);
	hns = mul_div_u64(h1 - h0, NSEC_PER_SEC, hpet->hz);
	cns = mul_div_u64(c1 - c0, NSEC_PER_SEC, tsc->hz);
	return cns * 100 > hns * 99 && cns * 100 < hns * 101;
}

/* Paired reads bound each window's skew; a descheduled virtual CPU can
 * still skew some windows, a miscalibrated clock skews all of them. */
KTEST(time_clock_sources_agree)
{
	const struct clocksource *tsc = clocksource_find("tsc");
	const struct clocksource *hpet = clocksource_find("hpet");
	bool ok = false;

	KASSERT(tsc && tsc->hz);
	KASSERT(hpet && hpet->hz);
	for (int i = 0; i < RATE_ATTEMPTS && !ok; i++)
		ok = clocks_agree(tsc, hpet, 50);
	KASSERT(ok);
}

/*
 * The tick: the clock-event device calibrated against ktime, then run
 * periodically at CONFIG_HZ (jiffies) or armed one-shot. The timer's
 * interrupt handler is the driver's; it calls tick_event() via ce->event,
 * after which the dispatcher sends the EOI and runs irq_exit() (where the
 * scheduler will preempt).
 * Locking: `ce` and its hz are immutable after tick_init(). jiffies and
 * last_tick_ns are written only by the boot CPU's tick handler (atomic
 * 64-bit stores) and read anywhere. The one-shot slot is owner-CPU state,
 * changed with interrupts off.
 */
#include "time/tick.h"

#include "arch/arch.h"
#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/muldiv.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "time/ktime.h"

#define LOG_PREFIX "tick: "

#define CALIBRATE_NS (10 * NSEC_PER_MSEC) /* as clocksource.c's window */

_Static_assert(CONFIG_HZ >= 10 && CONFIG_HZ <= 10000, "CONFIG_HZ out of range");

static struct clockevent *ce;
static uint64_t period_count;
static uint64_t jiffies;
static uint64_t last_tick_ns;

/* Each CPU's device state (owner CPU only, interrupts off). */
struct tick_cpu {
	bool periodic;
	uint64_t ticks; /* periodic ticks taken on this CPU */
	void (*oneshot_fn)(void *data);
	void *oneshot_data;
	uint64_t oneshot_early_ns; /* ktime before which an interrupt is stale */
};
static struct tick_cpu tick_cpus[MAX_CPUS];

static void tick_event(void)
{
	struct tick_cpu *tc = &tick_cpus[this_cpu_id()];
	void (*fn)(void *data);

	if (tc->periodic) {
		tc->ticks++;
		if (this_cpu_id() == 0) { /* one CPU keeps the jiffies */
			WRITE_ONCE(jiffies, jiffies + 1);
			WRITE_ONCE(last_tick_ns, ktime_ns());
		}
		sched_tick();
		return;
	}
	/* A periodic interrupt already pending when the device was switched
	 * to one-shot arrives at once: not the one-shot, which stays armed. */
	if (tc->oneshot_fn && ktime_ns() < tc->oneshot_early_ns)
		return;
	fn = tc->oneshot_fn;
	tc->oneshot_fn = NULL;
	if (fn)
		fn(tc->oneshot_data);
}

void clockevent_register(struct clockevent *dev)
{
	ce = dev;
}

/* The device's count between two close-together ktime reads (the best
 * of a few tries: see clocksource.c's paired_read); *@t gets the time. */
static uint64_t paired_remaining(uint64_t *t)
{
	uint64_t best_gap = UINT64_MAX, c = 0;

	for (int i = 0; i < 5; i++) {
		uint64_t a = ktime_ns(), x = ce->remaining(), b = ktime_ns();

		if (b - a < best_gap) {
			best_gap = b - a;
			c = x;
			*t = a + (b - a) / 2;
		}
	}
	return c;
}

/* Count the device down for CALIBRATE_NS of ktime, interrupts masked. */
static int calibrate(void)
{
	unsigned long flags = arch_irq_save();
	uint64_t t0, t1, c0, c1;

	ce->program(ce->max_count, false);
	c0 = paired_remaining(&t0);
	while (ktime_ns() - t0 < CALIBRATE_NS)
		arch_cpu_relax();
	c1 = paired_remaining(&t1);
	ce->program(0, false);
	arch_irq_restore(flags);
	if (c1 >= c0)
		return -EIO;
	ce->hz = mul_div_u64(c0 - c1, NSEC_PER_SEC, t1 - t0);
	return 0;
}

int tick_start_periodic(void)
{
	unsigned long flags;

	if (!ce || !period_count)
		return -ENODEV;
	flags = arch_irq_save();
	tick_cpus[this_cpu_id()].oneshot_fn = NULL;
	tick_cpus[this_cpu_id()].periodic = true;
	ce->program(period_count, true);
	arch_irq_restore(flags);
	return 0;
}

int tick_init(void)
{
	int err;

	if (!ce)
		return -ENODEV;
	err = calibrate();
	if (err)
		return err;
	period_count = (ce->hz + CONFIG_HZ / 2) / CONFIG_HZ;
	if (!period_count || period_count > ce->max_count)
		return -EIO;
	ce->event = tick_event;
	log_info("%s at %lu kHz, period %lu counts, HZ=%u\n", ce->name,
		 (unsigned long)(ce->hz / 1000), (unsigned long)period_count, CONFIG_HZ);
	return tick_start_periodic();
}

void tick_init_cpu(void)
{
	if (tick_start_periodic())
		log_warn("no clock-event device on this CPU\n");
}

int tick_oneshot(uint64_t ns, void (*fn)(void *data), void *data)
{
	uint64_t count;
	unsigned long flags;

	if (!ce || !ce->hz)
		return -ENODEV;
	count = mul_div_u64(ns, ce->hz, NSEC_PER_SEC);
	if (count > ce->max_count)
		return -ERANGE;
	flags = arch_irq_save();
	tick_cpus[this_cpu_id()].periodic = false;
	tick_cpus[this_cpu_id()].oneshot_fn = fn;
	tick_cpus[this_cpu_id()].oneshot_data = data;
	/* Three quarters of the delay: no calibration error is that large. */
	tick_cpus[this_cpu_id()].oneshot_early_ns = ktime_ns() + ns - ns / 4;
	ce->program(count ? count : 1, false);
	arch_irq_restore(flags);
	return 0;
}

uint64_t tick_cpu_ticks(void)
{
	return READ_ONCE(tick_cpus[this_cpu_id()].ticks);
}

uint64_t tick_jiffies(void)
{
	return READ_ONCE(jiffies);
}

uint64_t tick_last_ns(void)
{
	return READ_ONCE(last_tick_ns);
}

const struct clockevent *tick_device(void)
{
	return ce;
}

uint64_t tick_device_hz(void)
{
	return ce ? ce->hz : 0;
}

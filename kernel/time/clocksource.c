/*
 * Clock-source registry, calibration and selection for ktime. Sources are
 * registered by arch code during time_init() and never removed.
 * Locking: none; the registry is written on the boot CPU before other CPUs
 * and interrupts use it, and is immutable afterwards.
 */
#include "time/clocksource.h"

#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/muldiv.h"
#include "lib/string.h"
#include "time/ktime.h"

#define LOG_PREFIX "clocksource: "

/* Paired reads bound each end of the window to a few microseconds, so 10 ms
 * is within 0.1%; every boot waits for it (twice, with the tick's). */
#define CALIBRATE_MS 10

static struct clocksource *sources[CLOCKSOURCE_MAX];
static size_t nr_sources;

int clocksource_register(struct clocksource *cs)
{
	if (nr_sources == CLOCKSOURCE_MAX)
		return -ENOSPC;
	sources[nr_sources++] = cs;
	return 0;
}

struct clocksource *clocksource_find(const char *name)
{
	for (size_t i = 0; i < nr_sources; i++)
		if (strcmp(sources[i]->name, name) == 0)
			return sources[i];
	return NULL;
}

struct clocksource *clocksource_get(size_t i)
{
	return i < nr_sources ? sources[i] : NULL;
}

/*
 * Read @cs between two reads of @ref, keeping the closest-together of a
 * few tries: a virtual CPU can be descheduled between any two
 * instructions, and a pause between reading the reference and the clock
 * at either end of the window skews the result by its length. Returns
 * @cs's reading; *@r gets the reference's at the same moment.
 */
static uint64_t paired_read(const struct clocksource *cs, const struct clocksource *ref,
			    uint64_t *r)
{
	uint64_t best_gap = UINT64_MAX, c = 0;

	for (int i = 0; i < 5; i++) {
		uint64_t a = ref->read(), x = cs->read(), b = ref->read();
		uint64_t gap = clocksource_delta(ref, a, b);

		if (gap < best_gap) {
			best_gap = gap;
			c = x;
			*r = (a + gap / 2) & ref->mask;
		}
	}
	return c;
}

int clocksource_calibrate(struct clocksource *cs, const struct clocksource *ref, unsigned int ms)
{
	uint64_t want, r0, r1, c0, c1, dr;

	if (!ref->hz)
		return -EINVAL;
	want = ref->hz * ms / 1000;
	c0 = paired_read(cs, ref, &r0);
	do {
		r1 = ref->read();
	} while (clocksource_delta(ref, r0, r1) < want);
	c1 = paired_read(cs, ref, &r1);
	dr = clocksource_delta(ref, r0, r1);
	if (!dr || c1 == c0)
		return -EINVAL;
	cs->hz = mul_div_u64(clocksource_delta(cs, c0, c1), ref->hz, dr);
	return 0;
}

/* The highest-rated source with a known frequency, or NULL. */
static struct clocksource *best_known(void)
{
	struct clocksource *best = NULL;

	for (size_t i = 0; i < nr_sources; i++)
		if (sources[i]->hz && sources[i]->rating > 0 &&
		    (!best || sources[i]->rating > best->rating))
			best = sources[i];
	return best;
}

const struct clocksource *clocksource_select(void)
{
	struct clocksource *ref = best_known(), *best;

	for (size_t i = 0; i < nr_sources; i++) {
		struct clocksource *cs = sources[i];

		if (cs->hz)
			continue;
		if (!ref || clocksource_calibrate(cs, ref, CALIBRATE_MS)) {
			log_warn("%s: frequency unknown, not used\n", cs->name);
			continue;
		}
		log_info("%s calibrated against %s: %lu kHz\n", cs->name, ref->name,
			 (unsigned long)(cs->hz / 1000));
	}
	for (size_t i = 0; i < nr_sources; i++)
		if (sources[i]->cycles && sources[i]->hz)
			ktime_set_cycles_hz(sources[i]->hz);
	best = best_known();
	if (best)
		ktime_set_source(best->read, best->mask, best->hz, best->name);
	return best;
}

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

#define CALIBRATE_MS 20

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

int clocksource_calibrate(struct clocksource *cs, const struct clocksource *ref, unsigned int ms)
{
	uint64_t want, r0, r1, c0, c1, dr;

	if (!ref->hz)
		return -EINVAL;
	want = ref->hz * ms / 1000;
	r0 = ref->read();
	c0 = cs->read();
	do {
		r1 = ref->read();
	} while (clocksource_delta(ref, r0, r1) < want);
	c1 = cs->read();
	r1 = ref->read();
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

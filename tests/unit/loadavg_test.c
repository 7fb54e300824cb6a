/*
 * Host tests of lib/loadavg.c against the continuous model it
 * approximates, avg(t) = load * (1 - e^(-t/T)) from 0, within the error of
 * 11-bit fixed point; and the /proc/loadavg rounding.
 */
#include <math.h>

#include "lib/loadavg.h"
#include "unit.h"

static double as_double(unsigned long avg)
{
	return (double)avg / LOADAVG_FIXED_1;
}

TEST(constant_load_follows_the_exponential)
{
	static const double minutes[3] = { 1, 5, 15 };
	struct loadavg la = { { 0, 0, 0 } };

	for (int sample = 1; sample <= 12 * 30; sample++) { // 30 minutes of 4 runnable tasks
		loadavg_sample(&la, 4);
		for (int i = 0; i < 3; i++) {
			double t = sample * 5.0, want = 4 * (1 - exp(-t / (60 * minutes[i])));

			CHECKF(fabs(as_double(la.avg[i]) - want) < 0.02 + 0.002 * sample / 12,
			       "sample %d avg %d: %.4f, model %.4f", sample, i,
			       as_double(la.avg[i]), want);
		}
	}
	CHECK_EQ(loadavg_int(la.avg[0]), 4u); // reached, not approached forever
	CHECK_EQ(loadavg_frac(la.avg[0]), 0u);
}

TEST(idle_decays_to_zero)
{
	struct loadavg la = { { 3 * LOADAVG_FIXED_1, 3 * LOADAVG_FIXED_1, 3 * LOADAVG_FIXED_1 } };

	for (int sample = 0; sample < 12 * 60 * 3; sample++)
		loadavg_sample(&la, 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(la.avg[i], 0u);
}

TEST(printing_rounds_to_two_decimals)
{
	CHECK_EQ(loadavg_int(0), 0u);
	CHECK_EQ(loadavg_frac(0), 0u);
	CHECK_EQ(loadavg_int(LOADAVG_FIXED_1), 1u);
	CHECK_EQ(loadavg_frac(LOADAVG_FIXED_1), 0u);
	CHECK_EQ(loadavg_frac(LOADAVG_FIXED_1 / 2), 50u);
	CHECK_EQ(loadavg_frac(LOADAVG_FIXED_1 / 4), 25u);
	/* 0.999 prints as 1.00, as Linux's does. */
	CHECK_EQ(loadavg_int(LOADAVG_FIXED_1 - 2), 1u);
	CHECK_EQ(loadavg_frac(LOADAVG_FIXED_1 - 2), 0u);
}

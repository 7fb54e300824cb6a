/*
 * The fixed-point update of lib/loadavg.h. Each average moves towards the
 * sample by a factor of 1 - e^(-5s / T): 1884/2048, 2014/2048 and
 * 2037/2048 are e^(-5/60), e^(-5/300) and e^(-5/900) in 11-bit fixed
 * point, the constants Linux uses (EXP_1, EXP_5, EXP_15). A rising average
 * rounds up, so a constant load is reached rather than approached forever.
 * Pure: host-testable.
 */
#include "lib/loadavg.h"

static const unsigned long decay[3] = { 1884, 2014, 2037 };

static unsigned long fold(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long next = load * exp + active * (LOADAVG_FIXED_1 - exp);

	if (active >= load)
		next += LOADAVG_FIXED_1 - 1;
	return next / LOADAVG_FIXED_1;
}

void loadavg_sample(struct loadavg *la, unsigned long active)
{
	unsigned long a = active * LOADAVG_FIXED_1;

	for (int i = 0; i < 3; i++)
		la->avg[i] = fold(la->avg[i], decay[i], a);
}

/* Half of the last printed digit, added before cutting (FIXED_1 / 200). */
static unsigned long rounded(unsigned long avg)
{
	return avg + LOADAVG_FIXED_1 / 200;
}

unsigned long loadavg_int(unsigned long avg)
{
	return rounded(avg) >> LOADAVG_FSHIFT;
}

unsigned long loadavg_frac(unsigned long avg)
{
	return ((rounded(avg) & (LOADAVG_FIXED_1 - 1)) * 100) >> LOADAVG_FSHIFT;
}

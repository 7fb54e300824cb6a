/*
 * N-th prime by trial division by odd numbers up to the square root: slow
 * on purpose, simple to check (see prime.h).
 * Pure: host-testable.
 */
#include "shell/prime.h"

#define STOP_CHECK_EVERY 1024 /* candidates between @stop calls */

static bool is_odd_prime(uint64_t v)
{
	for (uint64_t d = 3; d * d <= v; d += 2)
		if (v % d == 0)
			return false;
	return true;
}

uint64_t prime_nth(uint64_t n, bool (*stop)(void *ctx), void *ctx)
{
	uint64_t found = 1, cand = 1; /* 2 is the first prime */
	unsigned int since_check = 0;

	if (n == 0 || n > PRIME_N_MAX)
		return 0;
	while (found < n) {
		cand += 2;
		if (++since_check == STOP_CHECK_EVERY) {
			since_check = 0;
			if (stop && stop(ctx))
				return 0;
		}
		if (is_odd_prime(cand))
			found++;
	}
	return n == 1 ? 2 : cand;
}

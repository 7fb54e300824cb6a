/*
 * Tests for kernel/shell/prime.c: known N-th primes, the limits, and the
 * stop callback cutting a long search short.
 */
#include "shell/prime.h"
#include "unit.h"

TEST(prime_known_values)
{
	static const struct {
		uint64_t n, p;
	} known[] = {
		{ 1, 2 },     { 2, 3 },	      { 3, 5 },	       { 6, 13 },	  { 25, 97 },
		{ 100, 541 }, { 1000, 7919 }, { 2000, 17389 }, { 10000, 104729 },
	};

	for (unsigned int i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		CHECK_EQ(prime_nth(known[i].n, NULL, NULL), known[i].p);
}

/* Against a sieve for every n up to 5000. */
TEST(prime_matches_sieve)
{
	static bool composite[50000];
	uint64_t n = 0;

	for (uint64_t v = 2; v < 50000 && n < 5000; v++) {
		if (composite[v])
			continue;
		n++;
		CHECK_EQ(prime_nth(n, NULL, NULL), v);
		for (uint64_t m = v * v; m < 50000; m += v)
			composite[m] = true;
	}
	CHECK_EQ(n, 5000);
}

TEST(prime_limits)
{
	CHECK_EQ(prime_nth(0, NULL, NULL), 0);
	CHECK_EQ(prime_nth(PRIME_N_MAX + 1, NULL, NULL), 0);
}

static bool stop_after(void *ctx)
{
	unsigned int *calls = ctx;

	return ++*calls >= 3;
}

TEST(prime_stop)
{
	unsigned int calls = 0;

	CHECK_EQ(prime_nth(PRIME_N_MAX, stop_after, &calls), 0);
	CHECK_EQ(calls, 3);
	calls = 0;
	CHECK_EQ(prime_nth(10, stop_after, &calls), 29); /* too short to ask */
	CHECK_EQ(calls, 0);
}

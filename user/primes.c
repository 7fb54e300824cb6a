/*
 * primes [N]: counts the primes below N (default 15000) by trial division
 * and prints "primes below N: COUNT". Pure CPU work, the Rust kernel's
 * demo: `exec 20 /bin/primes 15000` runs twenty of them.
 */
#include <stdio.h>
#include <stdlib.h>

static int is_prime(long n)
{
	if (n < 2)
		return 0;
	for (long d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 15000, count = 0;

	if (n < 0) {
		fprintf(stderr, "usage: primes [N]\n");
		return 2;
	}
	for (long i = 2; i < n; i++)
		count += is_prime(i);
	printf("primes below %ld: %ld\n", n, count);
	return 0;
}

/*
 * The N-th prime, by trial division: the CPU-bound job behind the shell's
 * `prime N [&]` demo (it is meant to take a while for large N, so it can
 * show the scheduler sharing the CPU and Ctrl-C stopping a command).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define PRIME_N_MAX 100000000ull /* the 10^8-th prime is 2038074743 */

/*
 * Return the @n-th prime (prime_nth(1) == 2), or 0 when @n is 0 or above
 * PRIME_N_MAX, or when @stop (may be NULL) returned true; @stop(@ctx) is
 * called about every thousand candidates.
 */
uint64_t prime_nth(uint64_t n, bool (*stop)(void *ctx), void *ctx);

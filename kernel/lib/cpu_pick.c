/*
 * Interrupt CPU choice (lib/cpu_pick.h).
 * Pure: host-testable.
 */
#include "lib/cpu_pick.h"

unsigned int cpu_pick_online(uint64_t online, unsigned int nr_cpus, unsigned int n)
{
	unsigned int k, want;

	if (nr_cpus < 64)
		online &= (1ull << nr_cpus) - 1;
	if (!online)
		return 0;
	k = 0; /* no libgcc in the kernel: count the bits by hand */
	for (uint64_t m = online; m; m &= m - 1)
		k++;
	want = n % k;
	for (unsigned int cpu = 0;; cpu++)
		if ((online >> cpu) & 1 && want-- == 0)
			return cpu;
}

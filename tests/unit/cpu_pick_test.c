/*
 * Tests for kernel/lib/cpu_pick.c: devices go round the online CPUs only,
 * skipping one that has per-CPU data but never came up (an AP that timed
 * out at start-up keeps its slot, so percpu_count() counts it).
 */
#include "lib/cpu_pick.h"
#include "unit.h"

TEST(cpu_pick_all_online)
{
	CHECK_EQ(cpu_pick_online(0xf, 4, 0), 0);
	CHECK_EQ(cpu_pick_online(0xf, 4, 1), 1);
	CHECK_EQ(cpu_pick_online(0xf, 4, 5), 1);
	CHECK_EQ(cpu_pick_online(0x1, 1, 7), 0);
}

TEST(cpu_pick_skips_offline)
{
	/* CPU 1 did not start; 0 and 2 did. */
	CHECK_EQ(cpu_pick_online(0x5, 3, 0), 0);
	CHECK_EQ(cpu_pick_online(0x5, 3, 1), 2);
	CHECK_EQ(cpu_pick_online(0x5, 3, 2), 0);
	CHECK_EQ(cpu_pick_online(0x5, 3, 3), 2);
	/* Bits past nr_cpus do not count; nothing online gives CPU 0. */
	CHECK_EQ(cpu_pick_online(0x9, 3, 1), 0);
	CHECK_EQ(cpu_pick_online(0, 4, 3), 0);
	CHECK_EQ(cpu_pick_online(1ull << 63, 64, 5), 63);
}

/*
 * Tests for kernel/proc/futex_core.c: op decoding (the private and
 * realtime flags, Linux's -ENOSYS for FUTEX_CLOCK_REALTIME outside the
 * bitset and PI waits), relative and absolute timeouts (bad ones
 * -EINVAL, past ones due now, huge ones saturating), and the key hash
 * (in range, spreading nearby words and different mms).
 */
#include <stdint.h>

#include "include/uapi/errno.h"
#include "proc/futex_core.h"
#include "unit.h"

TEST(futex_decode_op)
{
	struct futex_cmd c;

	CHECK_EQ(futex_decode_op(FUTEX_WAIT | FUTEX_PRIVATE_FLAG, &c), 0);
	CHECK_EQ(c.cmd, FUTEX_WAIT);
	CHECK(c.private && !c.clockrt);
	CHECK_EQ(futex_decode_op(FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, &c), 0);
	CHECK(c.clockrt && !c.private);
	CHECK_EQ(futex_decode_op(FUTEX_WAIT | FUTEX_CLOCK_REALTIME, &c), -ENOSYS);
	CHECK_EQ(futex_decode_op(FUTEX_WAKE | FUTEX_CLOCK_REALTIME, &c), -ENOSYS);
	CHECK_EQ(futex_decode_op(FUTEX_LOCK_PI2 | FUTEX_CLOCK_REALTIME, &c), 0);
	CHECK(futex_cmd_has_timeout(FUTEX_WAIT));
	CHECK(!futex_cmd_has_timeout(FUTEX_REQUEUE));
}

TEST(futex_deadline_relative_and_absolute)
{
	uint64_t d;

	CHECK_EQ(futex_deadline(1, 500, false, 0, 1000, &d), 0);
	CHECK_EQ(d, 1000001500ull);
	CHECK_EQ(futex_deadline(0, 1000000000, false, 0, 0, &d), -EINVAL);
	CHECK_EQ(futex_deadline(-1, 0, false, 0, 0, &d), -EINVAL);
	CHECK_EQ(futex_deadline(0, -1, true, 0, 0, &d), -EINVAL);
	/* absolute on a clock at 10 s: 12 s is 2 s from the monotonic now */
	CHECK_EQ(futex_deadline(12, 0, true, 10000000000ll, 5, &d), 0);
	CHECK_EQ(d, 2000000005ull);
	/* in the past: due now */
	CHECK_EQ(futex_deadline(9, 0, true, 10000000000ll, 77, &d), 0);
	CHECK_EQ(d, 77);
	/* huge: saturates instead of wrapping */
	CHECK_EQ(futex_deadline(INT64_MAX, 0, false, 0, 100, &d), 0);
	CHECK_EQ(d, UINT64_MAX);
	CHECK_EQ(futex_deadline(INT64_MAX / 1000000000 - 2, 0, false, 0, UINT64_MAX - 5, &d), 0);
	CHECK_EQ(d, UINT64_MAX);
}

TEST(futex_hash_spreads)
{
	unsigned int seen[256] = { 0 };
	unsigned int used = 0;

	for (uint64_t a = 0; a < 1024; a++) {
		unsigned int h = futex_hash(0xffff800000100000ull, 0x7f0000001000ull + a * 4, 8);

		CHECK(h < 256);
		if (!seen[h]++)
			used++;
	}
	CHECK(used > 200); /* 1024 neighbouring words over most buckets */
	CHECK(futex_hash(1, 0x1000, 8) != futex_hash(2, 0x1000, 8) ||
	      futex_hash(1, 0x2000, 8) != futex_hash(2, 0x2000, 8));
	CHECK_EQ(futex_hash(5, 6, 0), 0);
}

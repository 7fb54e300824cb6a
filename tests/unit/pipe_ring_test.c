/*
 * Host tests of lib/pipe_ring.c: FIFO order across the wrap, partial and
 * atomic writes, reads of more than is held, against a simple model.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/pipe_ring.h"
#include "unit.h"

TEST(fifo_order_across_wrap)
{
	uint8_t buf[16], out[16];
	struct pipe_ring r;

	pipe_ring_init(&r, buf, sizeof(buf));
	CHECK_EQ(pipe_ring_write(&r, "abcdefghij", 10, false), 10u);
	CHECK_EQ(pipe_ring_read(&r, out, 6), 6u);
	CHECK(!memcmp(out, "abcdef", 6));
	CHECK_EQ(pipe_ring_write(&r, "0123456789AB", 12, false), 12u); // wraps
	CHECK_EQ(pipe_ring_room(&r), 0u);
	CHECK_EQ(pipe_ring_read(&r, out, 16), 16u);
	CHECK(!memcmp(out, "ghij0123456789AB", 16));
	CHECK_EQ(r.len, 0u);
}

TEST(partial_and_atomic_writes)
{
	uint8_t buf[8], out[8];
	struct pipe_ring r;

	pipe_ring_init(&r, buf, sizeof(buf));
	CHECK_EQ(pipe_ring_write(&r, "xyz", 3, false), 3u);
	CHECK_EQ(pipe_ring_write(&r, "123456", 6, true), 0u); // all or nothing
	CHECK_EQ(r.len, 3u);
	CHECK_EQ(pipe_ring_write(&r, "123456", 6, false), 5u); // what fits
	CHECK_EQ(pipe_ring_read(&r, out, 8), 8u);
	CHECK(!memcmp(out, "xyz12345", 8));
	CHECK_EQ(pipe_ring_read(&r, out, 8), 0u);
}

TEST(random_against_model)
{
	static uint8_t buf[64], model[100000], out[64];
	size_t mhead = 0, mtail = 0;
	struct pipe_ring r;
	uint8_t next = 0;

	srand(7);
	pipe_ring_init(&r, buf, sizeof(buf));
	for (int i = 0; i < 2000 && mtail + 64 < sizeof(model); i++) {
		size_t n = (size_t)rand() % 70;
		uint8_t in[70];

		if (rand() & 1) {
			for (size_t k = 0; k < n; k++)
				in[k] = next + (uint8_t)k;
			size_t w = pipe_ring_write(&r, in, n, false);

			memcpy(model + mtail, in, w);
			mtail += w;
			next += (uint8_t)w;
		} else {
			size_t got = pipe_ring_read(&r, out, n > 64 ? 64 : n);

			CHECK(got <= mtail - mhead);
			CHECK(!memcmp(out, model + mhead, got));
			mhead += got;
		}
		CHECK_EQ(r.len, mtail - mhead);
	}
}

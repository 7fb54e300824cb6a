/*
 * Host tests of fs/ext2/bmap.c: the boundaries of every indirection level
 * for 1, 2 and 4 KiB blocks, a round trip of path -> logical block for
 * random blocks, and the indirect-block count against a slow model.
 */
#include "fs/ext2/bmap.h"
#include "include/uapi/errno.h"
#include "unit.h"

/* Logical block from a path: the inverse the walk relies on. */
static uint64_t unpath(const uint32_t path[4], int depth, uint32_t p)
{
	uint64_t lb = ext2_bmap_slot_base(p, (int)path[0]);

	for (int l = 1; l <= depth; l++)
		lb += path[l] * ext2_bmap_span(p, depth - l);
	return lb;
}

TEST(boundaries_1k)
{
	uint32_t path[4];

	CHECK_EQ(ext2_bmap_path(0, 256, path), 0);
	CHECK_EQ(path[0], 0);
	CHECK_EQ(ext2_bmap_path(11, 256, path), 0);
	CHECK_EQ(path[0], 11);
	CHECK_EQ(ext2_bmap_path(12, 256, path), 1);
	CHECK_EQ(path[0], 12);
	CHECK_EQ(path[1], 0);
	CHECK_EQ(ext2_bmap_path(267, 256, path), 1);
	CHECK_EQ(path[1], 255);
	CHECK_EQ(ext2_bmap_path(268, 256, path), 2);
	CHECK_EQ(path[0], 13);
	CHECK_EQ(path[1], 0);
	CHECK_EQ(path[2], 0);
	CHECK_EQ(ext2_bmap_path(268 + 65535, 256, path), 2);
	CHECK_EQ(path[1], 255);
	CHECK_EQ(path[2], 255);
	CHECK_EQ(ext2_bmap_path(268 + 65536, 256, path), 3);
	CHECK_EQ(path[0], 14);
	CHECK_EQ(path[1] | path[2] | path[3], 0);
	CHECK_EQ(ext2_bmap_capacity(256), 12 + 256 + 65536 + 16777216ull);
	CHECK_EQ(ext2_bmap_path(ext2_bmap_capacity(256) - 1, 256, path), 3);
	CHECK_EQ(path[1] & path[2] & path[3], 255);
	CHECK_EQ(ext2_bmap_path(ext2_bmap_capacity(256), 256, path), -EFBIG);
}

TEST(boundaries_4k)
{
	uint32_t path[4];

	CHECK_EQ(ext2_bmap_path(12 + 1023, 1024, path), 1);
	CHECK_EQ(ext2_bmap_path(12 + 1024, 1024, path), 2);
	CHECK_EQ(ext2_bmap_path(12 + 1024 + 1048576, 1024, path), 3);
	CHECK_EQ(ext2_bmap_slot_level(11), 0);
	CHECK_EQ(ext2_bmap_slot_level(14), 3);
}

TEST(round_trip)
{
	static const uint32_t ptrs[] = { 256, 512, 1024 };

	for (int k = 0; k < 3; k++) {
		uint32_t p = ptrs[k];

		for (int i = 0; i < 20000; i++) {
			uint64_t lb = unit_rand_below(ext2_bmap_capacity(p));
			uint32_t path[4];
			int depth = ext2_bmap_path(lb, p, path);

			CHECK(depth >= 0 && depth <= 3);
			CHECK_EQ(ext2_bmap_slot_level((int)path[0]), depth);
			for (int l = 1; l <= depth; l++)
				CHECK(path[l] < p);
			CHECK_EQ(unpath(path, depth, p), lb);
		}
	}
}

/* Indirect blocks for n mapped blocks, counted one block at a time. */
static uint64_t meta_model(uint64_t n, uint32_t p)
{
	uint64_t meta = 0;
	uint32_t last[4] = { ~0u, ~0u, ~0u, ~0u }, path[4];

	for (uint64_t lb = 0; lb < n; lb++) {
		int depth = ext2_bmap_path(lb, p, path);

		/* a new indirect block starts wherever a path prefix changes */
		for (int l = 1; l <= depth; l++) {
			bool fresh = path[0] != last[0];

			for (int j = 1; j < l; j++)
				fresh |= path[j] != last[j];
			meta += fresh;
		}
		for (int l = 0; l < 4; l++)
			last[l] = l <= depth ? path[l] : ~0u;
	}
	return meta;
}

TEST(meta_blocks)
{
	static const uint64_t ns[] = { 0, 1, 12, 13, 268, 269, 300, 268 + 256, 268 + 257, 70000 };

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		CHECK_EQ(ext2_bmap_meta_blocks(ns[i], 256), meta_model(ns[i], 256));
	CHECK_EQ(ext2_bmap_meta_blocks(12 + 256 + 65536 + 1, 256), 1 + 1 + 256 + 1 + 1 + 1);
}

/*
 * Fuzz FAT entry decoding and the chain walker (kernel/fs/fat/fatent.c):
 * the input's first bytes pick the FAT width and the cluster count, the
 * rest is the FAT. Every chain from every start cluster must end (the
 * walker's loop detection) within twice the cluster count plus a few
 * steps, and only ever visit valid clusters. Encoding a value and
 * decoding it again must give it back without touching the neighbours.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fat/fatent.h"
#include "include/uapi/errno.h"

static uint32_t get(enum fat_type t, const uint8_t *fat, size_t len, uint32_t cl)
{
	uint64_t off = fat_ent_offset(t, cl);
	uint8_t raw[4] = { 0 };

	for (unsigned int i = 0; i < fat_ent_bytes(t); i++)
		raw[i] = off + i < len ? fat[off + i] : 0;
	return fat_ent_decode(t, cl, raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum fat_type types[3] = { FAT12, FAT16, FAT32 };
	struct fat_geom g = { 0 };
	const uint8_t *fat;
	size_t len;

	if (size < 3)
		return 0;
	g.type = types[data[0] % 3];
	g.nr_clusters = 1 + (uint32_t)(data[1] | data[2] << 8) % 4000;
	g.max_cluster = g.nr_clusters + 1;
	fat = data + 3;
	len = size - 3;
	for (uint32_t start = 0; start <= g.max_cluster + 1; start++) {
		struct fat_chain c;
		uint32_t steps = 0;
		int r = fat_chain_start(&c, &g, start);

		if (r) {
			assert(!fat_cluster_valid(&g, start));
			continue;
		}
		while ((r = fat_chain_next(&c, &g, get(g.type, fat, len, c.cur))) == 1) {
			assert(fat_cluster_valid(&g, c.cur));
			assert(++steps <= 2 * g.nr_clusters + 2);
		}
		assert(r == 0 || r == -EUCLEAN || r == -EIO);
	}
	if (len >= 8) {
		uint8_t buf[8];
		uint32_t v = (uint32_t)fat[0] | (uint32_t)fat[1] << 8 | (uint32_t)fat[2] << 16 |
			     (uint32_t)fat[3] << 24;
		uint32_t cl = fat[4] & 1;

		memcpy(buf, fat, 8);
		fat_ent_encode(g.type, cl, buf + (g.type == FAT12 ? cl : 0), v);
		assert(fat_ent_decode(g.type, cl, buf + (g.type == FAT12 ? cl : 0)) ==
		       (v & fat_eoc(g.type)));
	}
	return 0;
}

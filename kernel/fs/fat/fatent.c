/*
 * FAT entry packing and chain walking (fatgen103 §4). FAT12 entry N lies
 * at byte N + N/2: an even N is the low 12 bits of the little-endian
 * 16-bit word there, an odd N the high 12. FAT32 entries are 28 bits;
 * the top four are reserved and preserved on writes (§4, "FAT32 ... the
 * high 4 bits ... must be preserved").
 * Pure: host-testable.
 */
#include "fs/fat/fatent.h"

#include "include/uapi/errno.h"

uint32_t fat_eoc(enum fat_type t)
{
	return t == FAT12 ? 0xFFF : t == FAT16 ? 0xFFFF : 0x0FFFFFFF;
}

static uint32_t bad_mark(enum fat_type t)
{
	return t == FAT12 ? 0xFF7 : t == FAT16 ? 0xFFF7 : 0x0FFFFFF7;
}

uint32_t fat_ent_decode(enum fat_type t, uint32_t cl, const uint8_t *raw)
{
	uint16_t w;

	switch (t) {
	case FAT12:
		w = fat_le16(raw);
		return cl & 1 ? w >> 4 : w & 0xFFF;
	case FAT16:
		return fat_le16(raw);
	default:
		return fat_le32(raw) & 0x0FFFFFFF;
	}
}

void fat_ent_encode(enum fat_type t, uint32_t cl, uint8_t *raw, uint32_t val)
{
	uint16_t w;

	switch (t) {
	case FAT12:
		w = fat_le16(raw);
		if (cl & 1)
			w = (uint16_t)((w & 0x000F) | (val & 0xFFF) << 4);
		else
			w = (uint16_t)((w & 0xF000) | (val & 0xFFF));
		fat_put16(raw, w);
		break;
	case FAT16:
		fat_put16(raw, (uint16_t)val);
		break;
	default:
		fat_put32(raw, (fat_le32(raw) & 0xF0000000u) | (val & 0x0FFFFFFF));
		break;
	}
}

enum fat_ent_kind fat_ent_classify(const struct fat_geom *g, uint32_t val)
{
	uint32_t bad = bad_mark(g->type);

	if (val == 0)
		return FAT_ENT_FREE;
	if (val > bad)
		return FAT_ENT_EOC; // 0xFF8..0xFFF and the wider equivalents
	if (val == bad)
		return FAT_ENT_BAD;
	return fat_cluster_valid(g, val) ? FAT_ENT_NEXT : FAT_ENT_RANGE;
}

int fat_chain_start(struct fat_chain *c, const struct fat_geom *g, uint32_t first)
{
	*c = (struct fat_chain){ .cur = first, .saved = first, .power = 1, .lam = 0 };
	if (!fat_cluster_valid(g, first)) {
		c->why = FAT_ENT_RANGE;
		return -EUCLEAN;
	}
	return 0;
}

int fat_chain_next(struct fat_chain *c, const struct fat_geom *g, uint32_t val)
{
	enum fat_ent_kind k = fat_ent_classify(g, val);

	if (k == FAT_ENT_EOC)
		return 0;
	if (k != FAT_ENT_NEXT) {
		c->why = k;
		return k == FAT_ENT_BAD ? -EIO : -EUCLEAN;
	}
	/* Brent: compare with a saved cluster, re-saved at powers of two. */
	if (c->power == c->lam) {
		c->saved = c->cur;
		c->power *= 2;
		c->lam = 0;
	}
	c->cur = val;
	c->index++;
	c->lam++;
	if (c->cur == c->saved || c->index >= g->nr_clusters) {
		c->why = FAT_ENT_NEXT;
		return -EUCLEAN;
	}
	return 1;
}

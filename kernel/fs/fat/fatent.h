/*
 * FAT entries and cluster chains (fatgen103 §4): where entry N lies in a
 * FAT of each width, how to read and write it without touching its
 * neighbours (FAT12 packs two entries in three bytes; FAT32's top four
 * bits are reserved and kept), what a value means, and a chain walker
 * that detects loops (Brent's algorithm) and stops at free, reserved,
 * bad or out-of-range links. Pure: host-testable (fatent.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "fs/fat/bpb.h"
#include "include/compiler.h"

enum fat_ent_kind {
	FAT_ENT_FREE,  // 0
	FAT_ENT_NEXT,  // a link to a valid cluster
	FAT_ENT_EOC,   // end of chain
	FAT_ENT_BAD,   // the bad-cluster mark
	FAT_ENT_RANGE, // 1, or a cluster past the volume's end
};

/* The end-of-chain value written for new chain ends. */
uint32_t fat_eoc(enum fat_type t);

/* Byte offset of entry @cl in a FAT; it spans 2 bytes (FAT12/16) or 4. */
static inline uint64_t fat_ent_offset(enum fat_type t, uint32_t cl)
{
	return t == FAT12 ? cl + cl / 2 : (uint64_t)cl * (t == FAT16 ? 2 : 4);
}

/* Bytes an entry's offset spans (2 for FAT12 and 16, 4 for FAT32). */
static inline unsigned int fat_ent_bytes(enum fat_type t)
{
	return t == FAT32 ? 4 : 2;
}

/* The value of entry @cl from the bytes at its offset. */
uint32_t fat_ent_decode(enum fat_type t, uint32_t cl, const uint8_t *raw);

/* Store @val as entry @cl into the bytes at its offset, keeping the
 * neighbouring FAT12 nibble and FAT32's reserved top bits. */
void fat_ent_encode(enum fat_type t, uint32_t cl, uint8_t *raw, uint32_t val);

/* What @val means on volume @g. */
enum fat_ent_kind fat_ent_classify(const struct fat_geom *g, uint32_t val);

/* Is @cl a data cluster of @g? */
static inline bool fat_cluster_valid(const struct fat_geom *g, uint32_t cl)
{
	return cl >= 2 && cl <= g->max_cluster;
}

/*
 * A chain walk: fat_chain_start() at the first cluster, then feed the
 * FAT value of the current cluster to fat_chain_next() until it returns
 * 0 (the end) or an error. Loops are found in O(chain length) steps by
 * Brent's cycle detection; a chain can also never be longer than the
 * volume's cluster count.
 */
struct fat_chain {
	uint32_t cur;	// the current cluster
	uint32_t index; // its position in the chain (0 = first)
	/* Brent's cycle detection: */
	uint32_t saved, power, lam;
	enum fat_ent_kind why; // what ended a failed walk
};

/* Start at @first; -EUCLEAN when it is not a data cluster of @g. */
int fat_chain_start(struct fat_chain *c, const struct fat_geom *g, uint32_t first) __must_check;

/*
 * Move on, @val being the FAT entry of c->cur. Returns 1 (c->cur is the
 * next cluster), 0 (end of chain), -EUCLEAN (a free, reserved or
 * out-of-range link, or a loop: c->why says which, FAT_ENT_NEXT for a
 * loop) or -EIO (a cluster marked bad).
 */
int fat_chain_next(struct fat_chain *c, const struct fat_geom *g, uint32_t val) __must_check;

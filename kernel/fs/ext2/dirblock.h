/*
 * ext2 directory blocks: checking, walking, inserting into and removing
 * from one block of entries, with the rec_len rules (each rec_len a
 * multiple of 4, at least 8 + name_len rounded up to 4, entries tiling
 * the block exactly). Pure: no I/O, no locks (fs/ext2/dirblock.c).
 * Every function but ext2_dirblock_check assumes a block it has passed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/types.h"

/* One entry, as read. */
struct ext2_de {
	uint32_t off; // in the block
	uint32_t inode;
	uint32_t rec_len;
	uint32_t name_len;
	uint8_t type; // EXT2_FT_*, 0 without the filetype feature
	const char *name;
};

/* Bytes an entry with an @name_len-byte name needs. */
static inline uint32_t ext2_de_size(uint32_t name_len)
{
	return (8 + name_len + 3) & ~3u;
}

/* Is the @bs-byte block @blk a valid run of entries (@filetype: the
 * feature is on)? Returns 0 or -EUCLEAN, with the bad entry's offset in
 * *@bad_off. Entries with inode 0 may have any name_len that fits. */
int ext2_dirblock_check(const uint8_t *blk, uint32_t bs, bool filetype, uint32_t *bad_off);

/* The entry at @off of a checked block; returns the offset of the next
 * one (== bs at the end). */
uint32_t ext2_dirblock_get(const uint8_t *blk, uint32_t off, bool filetype, struct ext2_de *de);

/* Look @name up in a checked block: 0 with *@de filled, or -ENOENT. */
int ext2_dirblock_find(const uint8_t *blk, uint32_t bs, bool filetype, const char *name, size_t len,
		       struct ext2_de *de);

/* Where an entry of @name_len bytes fits in a checked block: the offset
 * of the entry to take or split, or -ENOSPC. */
int64_t ext2_dirblock_find_space(const uint8_t *blk, uint32_t bs, uint32_t name_len);

/* Put the entry (@ino, @name, @type) at @off, a place that
 * ext2_dirblock_find_space() returned. */
void ext2_dirblock_insert(uint8_t *blk, uint32_t off, uint32_t ino, const char *name, size_t len,
			  uint8_t type, bool filetype);

/* Remove the entry at @off of a checked block: the previous entry of the
 * block absorbs it, or (the first entry) its inode becomes 0. */
void ext2_dirblock_remove(uint8_t *blk, uint32_t bs, uint32_t off);

/* Set the entry at @off to point at @ino with @type (rename over, "..").*/
void ext2_dirblock_retarget(uint8_t *blk, uint32_t off, uint32_t ino, uint8_t type, bool filetype);

/* An empty block: one unused entry spanning it. */
void ext2_dirblock_init_empty(uint8_t *blk, uint32_t bs);

/* A new directory's first block: "." (@self) and ".." (@parent). */
void ext2_dirblock_init_dots(uint8_t *blk, uint32_t bs, uint32_t self, uint32_t parent,
			     bool filetype);

/* Does a checked block hold names other than "." and ".."? */
bool ext2_dirblock_has_names(const uint8_t *blk, uint32_t bs, bool filetype);

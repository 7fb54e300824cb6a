/*
 * VFAT long names (fatgen103 §7): UTF-8 (the kernel's names) to and from
 * UTF-16 (the disk's, surrogate pairs for characters past U+FFFF), the
 * checksum that ties long-name slots to their short entry, packing and
 * unpacking the 13 characters of one slot, the names FAT cannot hold,
 * and the case-insensitive comparison lookups use (ASCII letters fold;
 * other characters compare exactly, as Linux's vfat with utf8 does).
 * Pure: host-testable (lfn.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

#define FAT_LFN_MAX 255	      // UTF-16 units in a long name
#define FAT_LFN_CHARS 13      // per slot
#define FAT_LFN_SLOTS_MAX 20  // ceil(255 / 13)
#define FAT_NAME_UTF8_MAX 765 // 255 units, at most 3 UTF-8 bytes each
#define FAT_LFN_LAST 0x40     // LDIR_Ord: the last (first stored) slot
#define FAT_ATTR_LFN 0x0F

/* Offsets in a long-name slot (fatgen103 §7, "FAT Long Directory Entries"). */
enum {
	LDIR_ORD = 0,
	LDIR_NAME1 = 1, // 5 units
	LDIR_ATTR = 11,
	LDIR_TYPE = 12,
	LDIR_CHKSUM = 13,
	LDIR_NAME2 = 14, // 6 units
	LDIR_FST_CLUS_LO = 26,
	LDIR_NAME3 = 28, // 2 units
};

/* UTF-8 @s (@len bytes) to UTF-16 in @out (room for @max units). Returns
 * the units, -EINVAL (malformed UTF-8, overlong forms, surrogates,
 * NUL) or -ENAMETOOLONG (more than @max units). */
int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t max) __must_check;

/* UTF-16 @in (@n units) to UTF-8 in @out (room for @max bytes, no NUL
 * written). An unpaired surrogate becomes U+FFFD. Returns the bytes or
 * -ENAMETOOLONG. */
int fat_utf16_to_utf8(const uint16_t *in, size_t n, char *out, size_t max) __must_check;

/* The checksum of an 11-byte short name (fatgen103 §7, ChkSum()). */
uint8_t fat_lfn_checksum(const uint8_t name11[11]);

/* Slots a name of @units UTF-16 units takes. */
static inline unsigned int fat_lfn_nslots(size_t units)
{
	return (unsigned int)((units + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS);
}

/* Fill slot @ent (32 bytes) as number @seq (1-based) of a name of
 * @units units at @name, checksum @csum; the last slot gets 0x40. */
void fat_lfn_pack(uint8_t *ent, const uint16_t *name, size_t units, unsigned int seq, uint8_t csum);

/* The 13 units of slot @ent into @chars. */
void fat_lfn_unpack(const uint8_t *ent, uint16_t chars[FAT_LFN_CHARS]);

/* Can @name (@len bytes of UTF-8, not "." or "..") be a FAT long name?
 * 0, -EINVAL (a character FAT forbids: control characters and
 * `"*:<>?\|`, malformed UTF-8, or a name that is all dots and spaces or
 * ends in a dot or a space) or -ENAMETOOLONG (over 255 UTF-16 units). */
int fat_name_check(const char *name, size_t len) __must_check;

/* Are two UTF-8 names equal, ASCII letters compared without case? */
bool fat_name_eq(const char *a, size_t alen, const char *b, size_t blen);

/*
 * 8.3 short names (fatgen103 §6.1 and §7, "Basis-Name Generation" and
 * "Numeric-Tail Generation"): whether a long name fits 8.3 as it is (up
 * to the case Windows NT records in DIR_NTRes bits 3 and 4), the basis
 * name of one that does not, the candidates with ~N tails a new entry
 * tries in order, and the display form of a short entry's name.
 * Pure: host-testable (shortname.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAT_NT_LOWER_BASE 0x08 // DIR_NTRes: the base is shown in lower case
#define FAT_NT_LOWER_EXT 0x10  // DIR_NTRes: the extension is
#define FAT_SN_CANDIDATES 24   // tried per create before giving up (-EEXIST)

/*
 * Does @name (@len bytes) fit an 8.3 entry with no long name? Yes when it
 * is 1-8 valid short-name characters, optionally a dot and 1-3 more, and
 * each part is all upper or all lower case (then *@ntres says which are
 * lower). Fills @out (space padded, upper case).
 */
bool fat_sn_fits(const char *name, size_t len, uint8_t out[11], uint8_t *ntres);

/*
 * The candidate short names for a new entry called @name, best first,
 * into @out; returns how many (at most FAT_SN_CANDIDATES). The first is
 * the basis itself when only its case was lost; then ~1..~4 on the
 * basis; then two characters of it, four hex digits of a hash of the
 * name and ~1..~9 (the scheme Windows uses past ~4), so a directory of
 * thousands of similar names still finds a free one in one pass.
 */
unsigned int fat_sn_candidates(const char *name, size_t len, uint8_t out[][11]);

/* The display name of the short entry @name11 with DIR_NTRes @ntres into
 * @out (room for 12 bytes + NUL); returns its length. Bytes >= 0x80 (an
 * OEM code page) are shown as Latin-1, in UTF-8 (then up to 24 bytes). */
size_t fat_sn_display(const uint8_t name11[11], uint8_t ntres, char out[25]);

/* Is @c allowed in a short name (after upper-casing)? */
bool fat_sn_char_ok(uint8_t c);

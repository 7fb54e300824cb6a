/*
 * FAT directory entries (fatgen103 §6 and §7): the 32-byte short entry's
 * fields, DOS dates and times, and a parser that reads a directory one
 * entry at a time, joins the long-name slots in front of a short entry
 * (checking order, count and checksum; a broken run is dropped and the
 * short name used, as §7 says), and reports each visible entry with its
 * name in UTF-8 and where its slots begin. Pure: host-testable (dirent.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/fat/lfn.h"

/* Offsets in a short entry (fatgen103 §6). */
enum {
	DIR_NAME = 0, // 11 bytes
	DIR_ATTR = 11,
	DIR_NTRES = 12,
	DIR_CRT_TIME_TENTH = 13,
	DIR_CRT_TIME = 14,
	DIR_CRT_DATE = 16,
	DIR_LST_ACC_DATE = 18,
	DIR_FST_CLUS_HI = 20,
	DIR_WRT_TIME = 22,
	DIR_WRT_DATE = 24,
	DIR_FST_CLUS_LO = 26,
	DIR_FILE_SIZE = 28,
};

enum {
	FAT_ATTR_READ_ONLY = 0x01,
	FAT_ATTR_HIDDEN = 0x02,
	FAT_ATTR_SYSTEM = 0x04,
	FAT_ATTR_VOLUME_ID = 0x08,
	FAT_ATTR_DIRECTORY = 0x10,
	FAT_ATTR_ARCHIVE = 0x20,
};

#define FAT_DIR_FREE 0xE5 // DIR_Name[0] of a deleted entry
#define FAT_DIR_END 0x00  // DIR_Name[0]: this and every later entry are free

/* A short entry's fields. */
struct fat_short {
	uint8_t name[11];
	uint8_t attr, ntres, ctime_tenth;
	uint16_t ctime, cdate, adate, mtime, mdate;
	uint32_t cluster; // FAT12/16: the high half is ignored
	uint32_t size;
};

void fat_short_decode(const uint8_t *ent, struct fat_short *s);
void fat_short_encode(uint8_t *ent, const struct fat_short *s);

/* DOS date and time (fatgen103 §6.1, "Date and Time Formats") to and from
 * seconds since 1970 (UTC; FAT has no time zone). Dates before 1980 and
 * invalid fields read as 1980-01-01; times after 2107 are clamped. */
int64_t fat_time_to_unix(uint16_t date, uint16_t time);
void fat_time_from_unix(int64_t secs, uint16_t *date, uint16_t *time);

/* One visible entry as the parser reports it. */
struct fat_dir_item {
	struct fat_short de;
	uint64_t slot_pos;  // byte offset of its first slot (long or short)
	uint64_t short_pos; // byte offset of the short entry
	bool has_lfn;	    // a valid long name was joined
	size_t len;
	char name[FAT_NAME_UTF8_MAX + 1]; // UTF-8, NUL-terminated
};

struct fat_dir_parser {
	uint16_t units[FAT_LFN_SLOTS_MAX * FAT_LFN_CHARS];
	unsigned int nslots; // slots of the run being joined (0: none)
	unsigned int expect; // the next slot number expected (descending)
	uint8_t csum;	     // the run's checksum
	uint64_t start;	     // byte offset of its first slot
};

enum fat_dir_event {
	FAT_DIR_SKIP, // a free slot, a long-name slot, a volume label
	FAT_DIR_ITEM, // *item is a visible entry (including "." and "..")
	FAT_DIR_STOP, // the end marker: nothing follows
};

void fat_dir_parser_init(struct fat_dir_parser *p);

/* Feed the 32-byte entry @ent found at byte @pos of the directory.
 * Returns what it was; for FAT_DIR_ITEM fills @item. Any bytes are
 * accepted: a bad long-name run is dropped, never an error. */
enum fat_dir_event fat_dir_feed(struct fat_dir_parser *p, const uint8_t *ent, uint64_t pos,
				struct fat_dir_item *item);

/* Is @name11 "." or ".." (the entries every subdirectory starts with)? */
bool fat_short_is_dot(const uint8_t name11[11]);

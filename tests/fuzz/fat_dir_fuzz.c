/*
 * Fuzz the FAT directory parser and the name code (kernel/fs/fat/
 * dirent.c, lfn.c, shortname.c): the input is a directory, fed 32 bytes
 * at a time as the driver reads one. Each reported entry must have a
 * NUL-terminated name of the length given, valid UTF-8 (the VFS passes
 * it on), no '/' when it came from a long name, and its slots before its
 * short entry. Each name is then put through the checks a create does:
 * name validation, 8.3 fitting and short-name candidates (all of valid
 * short-name characters; two may coincide, which only wastes a try).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fat/dirent.h"
#include "fs/fat/lfn.h"
#include "fs/fat/shortname.h"

static struct fat_dir_item item;
static struct fat_dir_parser parser;
static uint16_t units[FAT_LFN_MAX];

static void check_create_path(const char *name, size_t len)
{
	uint8_t sn[11], nt, cand[FAT_SN_CANDIDATES][11];
	unsigned int n;

	if (fat_name_check(name, len))
		return;
	assert(fat_utf8_to_utf16(name, len, units, FAT_LFN_MAX) > 0);
	if (fat_sn_fits(name, len, sn, &nt))
		return;
	n = fat_sn_candidates(name, len, cand);
	assert(n == FAT_SN_CANDIDATES);
	for (unsigned int i = 0; i < n; i++) {
		assert(cand[i][0] != ' ');
		for (int k = 0; k < 11; k++)
			assert(cand[i][k] == ' ' || fat_sn_char_ok(cand[i][k]) ||
			       cand[i][k] == 0x05);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fat_dir_parser_init(&parser);
	for (size_t off = 0; off + 32 <= size; off += 32) {
		enum fat_dir_event e = fat_dir_feed(&parser, data + off, off, &item);

		if (e == FAT_DIR_STOP)
			break;
		if (e != FAT_DIR_ITEM)
			continue;
		assert(item.name[item.len] == '\0' && strlen(item.name) == item.len);
		assert(item.slot_pos <= item.short_pos && item.short_pos == off);
		if (item.has_lfn) {
			assert(item.len > 0 && !memchr(item.name, '/', item.len));
			assert(fat_utf8_to_utf16(item.name, item.len, units, FAT_LFN_MAX) > 0);
		}
		check_create_path(item.name, item.len);
	}
	if (size && size <= 300)
		check_create_path((const char *)data, size);
	return 0;
}

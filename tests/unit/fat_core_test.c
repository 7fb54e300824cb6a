/*
 * Host tests of FAT's pure cores (kernel/fs/fat/{bpb,fatent,lfn,
 * shortname,dirent}.c): type detection at the spec's cluster-count
 * boundaries and refusal of zero or absurd BPB fields; FAT12/16/32 entry
 * packing against neighbours; chain walks that end, loop (short and
 * long), run into free or out-of-range clusters; UTF-8/UTF-16 round trips
 * with surrogate pairs and refusals; the LFN checksum against the spec's
 * algorithm on known names; short-name generation and NT case flags; the
 * directory parser joining, rejecting and resetting long-name runs.
 */
#include <string.h>

#include "fs/fat/bpb.h"
#include "fs/fat/dirent.h"
#include "fs/fat/fatent.h"
#include "fs/fat/lfn.h"
#include "fs/fat/shortname.h"
#include "include/uapi/errno.h"
#include "unit.h"

/* A boot sector with the given geometry (FAT32 when @fat32). */
static void make_bs(uint8_t *bs, uint16_t bps, uint8_t spc, uint16_t rsvd, uint8_t nfats,
		    uint16_t root_ents, uint32_t total, uint32_t fatsz, bool fat32)
{
	memset(bs, 0, 512);
	bs[0] = 0xEB, bs[1] = 0x3C, bs[2] = 0x90;
	fat_put16(bs + BPB_BYTS_PER_SEC, bps);
	bs[BPB_SEC_PER_CLUS] = spc;
	fat_put16(bs + BPB_RSVD_SEC_CNT, rsvd);
	bs[BPB_NUM_FATS] = nfats;
	fat_put16(bs + BPB_ROOT_ENT_CNT, root_ents);
	if (total < 65536)
		fat_put16(bs + BPB_TOT_SEC16, (uint16_t)total);
	else
		fat_put32(bs + BPB_TOT_SEC32, total);
	bs[BPB_MEDIA] = 0xF8;
	if (fat32) {
		fat_put32(bs + BPB32_FAT_SZ32, fatsz);
		fat_put32(bs + BPB32_ROOT_CLUS, 2);
		fat_put16(bs + BPB32_FS_INFO, 1);
	} else {
		fat_put16(bs + BPB_FAT_SZ16, (uint16_t)fatsz);
	}
	bs[510] = 0x55, bs[511] = 0xAA;
}

/* A volume with exactly @clusters data clusters of one sector. */
static int geom_for(uint32_t clusters, bool fat32, struct fat_geom *g)
{
	uint8_t bs[512];
	const char *why;
	uint32_t fatsz = (clusters + 2) * 4 / 512 + 1;
	uint32_t root = fat32 ? 0 : 512;
	uint32_t total = 1 + 2 * fatsz + root * 32 / 512 + clusters;

	make_bs(bs, 512, 1, 1, 2, (uint16_t)root, total, fatsz, fat32);
	return fat_bpb_parse(bs, 512, (uint64_t)total * 512, g, &why);
}

TEST(type_by_cluster_count)
{
	struct fat_geom g;

	CHECK_EQ(geom_for(1, false, &g), 0);
	CHECK_EQ(g.type, FAT12);
	CHECK_EQ(geom_for(4084, false, &g), 0);
	CHECK_EQ(g.type, FAT12);
	CHECK_EQ(geom_for(4085, false, &g), 0);
	CHECK_EQ(g.type, FAT16);
	CHECK_EQ(g.nr_clusters, 4085u);
	CHECK_EQ(geom_for(65524, false, &g), 0);
	CHECK_EQ(g.type, FAT16);
	CHECK_EQ(geom_for(65525, true, &g), 0);
	CHECK_EQ(g.type, FAT32);
	CHECK_EQ(g.root_cluster, 2u);
	/* 65525 clusters with FAT16 fields is FAT32 by count: refused. */
	CHECK_EQ(geom_for(65525, false, &g), -EINVAL);
	/* FAT32 fields on a small volume: it is FAT12 by count, no root. */
	CHECK_EQ(geom_for(100, true, &g), -EINVAL);
}

TEST(bpb_refuses_bad_fields)
{
	uint8_t bs[512], b2[512];
	struct fat_geom g;
	const char *why = NULL;

	make_bs(bs, 512, 4, 1, 2, 224, 2880, 9, false);
	CHECK_EQ(fat_bpb_parse(bs, 512, 2880 * 512, &g, &why), 0);
	CHECK_EQ(g.type, FAT12);
	CHECK_EQ(g.root_start, 19u);
	CHECK_EQ(g.data_start, 33u);
	CHECK_EQ(fat_bpb_parse(bs, 512, 2879 * 512, &g, &why), -EINVAL); // device too small
	static const struct {
		int off, width;
		uint32_t val;
	} bad[] = {
		{ BPB_BYTS_PER_SEC, 2, 0 },
		{ BPB_BYTS_PER_SEC, 2, 513 },
		{ BPB_BYTS_PER_SEC, 2, 8192 },
		{ BPB_SEC_PER_CLUS, 1, 0 },
		{ BPB_SEC_PER_CLUS, 1, 3 },
		{ BPB_RSVD_SEC_CNT, 2, 0 },
		{ BPB_NUM_FATS, 1, 0 },
		{ BPB_NUM_FATS, 1, 9 },
		{ BPB_ROOT_ENT_CNT, 2, 0 },
		{ BPB_TOT_SEC16, 2, 0 },
		{ BPB_FAT_SZ16, 2, 0 },
		{ BPB_FAT_SZ16, 2, 1 },
		{ BPB_MEDIA, 1, 0x12 },
		{ 510, 1, 0 },
		{ 0, 1, 0 },
		{ BPB_TOT_SEC16, 2, 30 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(b2, bs, 512);
		b2[bad[i].off] = (uint8_t)bad[i].val;
		if (bad[i].width == 2)
			b2[bad[i].off + 1] = (uint8_t)(bad[i].val >> 8);
		why = NULL;
		CHECK_EQ(fat_bpb_parse(b2, 512, 2880 * 512, &g, &why), -EINVAL);
		CHECK(why != NULL);
	}
	memset(b2, 0, 512);
	CHECK_EQ(fat_bpb_parse(b2, 512, 1 << 20, &g, &why), -EINVAL);
}

TEST(fat_entries_keep_neighbours)
{
	uint8_t fat[64];
	static const enum fat_type types[] = { FAT12, FAT16, FAT32 };

	for (int t = 0; t < 3; t++) {
		enum fat_type ty = types[t];
		uint32_t mask = fat_eoc(ty);

		memset(fat, 0xA5, sizeof(fat));
		for (uint32_t cl = 0; cl < 12; cl++)
			fat_ent_encode(ty, cl, fat + fat_ent_offset(ty, cl),
				       (cl * 0x1234567u) & mask);
		for (uint32_t cl = 0; cl < 12; cl++)
			CHECK_EQ(fat_ent_decode(ty, cl, fat + fat_ent_offset(ty, cl)),
				 (cl * 0x1234567u) & mask);
	}
	memset(fat, 0xFF, 8);
	fat_ent_encode(FAT32, 1, fat + 4, 5);
	CHECK_EQ(fat[7], 0xF0); // reserved bits kept
	/* FAT12: entries 0 and 1 share byte 1. */
	memset(fat, 0, 8);
	fat_ent_encode(FAT12, 0, fat, 0xABC);
	fat_ent_encode(FAT12, 1, fat + 1, 0x123);
	CHECK_EQ(fat[0], 0xBC);
	CHECK_EQ(fat[1], 0x3A);
	CHECK_EQ(fat[2], 0x12);
}

/* Walk a chain in @next (cluster -> FAT value); returns the length or
 * the error. */
static int walk(const struct fat_geom *g, const uint32_t *next, uint32_t first)
{
	struct fat_chain c;
	int r = fat_chain_start(&c, g, first);

	if (r)
		return r;
	while ((r = fat_chain_next(&c, g, next[c.cur])) == 1)
		;
	return r ? r : (int)c.index + 1;
}

TEST(chain_walks_and_loops)
{
	static uint32_t next[70000];
	struct fat_geom g;

	CHECK_EQ(geom_for(65600, true, &g), 0);
	for (uint32_t i = 2; i < 100; i++)
		next[i] = i + 1;
	next[100] = 0x0FFFFFFF;
	CHECK_EQ(walk(&g, next, 2), 99);
	CHECK_EQ(walk(&g, next, 100), 1);
	CHECK_EQ(walk(&g, next, 0), -EUCLEAN);
	CHECK_EQ(walk(&g, next, 1), -EUCLEAN);
	CHECK_EQ(walk(&g, next, 65602), -EUCLEAN);
	next[100] = 50; // a loop back
	CHECK_EQ(walk(&g, next, 2), -EUCLEAN);
	next[100] = 100; // onto itself
	CHECK_EQ(walk(&g, next, 2), -EUCLEAN);
	next[100] = 0; // into a free cluster
	CHECK_EQ(walk(&g, next, 2), -EUCLEAN);
	next[100] = 0x0FFFFFF7; // bad
	CHECK_EQ(walk(&g, next, 2), -EIO);
	next[100] = 70000; // past the end
	CHECK_EQ(walk(&g, next, 2), -EUCLEAN);
	/* A long loop is found in a few times its length. */
	for (uint32_t i = 2; i < 60000; i++)
		next[i] = i + 1;
	next[60000] = 3;
	CHECK_EQ(walk(&g, next, 2), -EUCLEAN);
}

TEST(utf_round_trips)
{
	const char *s = "Gr\xc3\xbc\xc3\x9f"
			"e, \xe6\x97\xa5\xe6\x9c\xac.txt \xf0\x9f\x98\x80";
	uint16_t u[300];
	char back[800];
	int n = fat_utf8_to_utf16(s, strlen(s), u, 300), m;

	CHECK_EQ(n, 16); // the emoji is a surrogate pair
	CHECK_EQ(u[2], 0xFC);
	CHECK_EQ(u[14], 0xD83D);
	CHECK_EQ(u[15], 0xDE00);
	m = fat_utf16_to_utf8(u, (size_t)n, back, sizeof(back));
	CHECK_EQ(m, (int)strlen(s));
	CHECK(!memcmp(back, s, strlen(s)));
	CHECK_EQ(fat_utf8_to_utf16("\xc0\xaf", 2, u, 300), -EINVAL);	 // overlong
	CHECK_EQ(fat_utf8_to_utf16("\xed\xa0\x80", 3, u, 300), -EINVAL); // surrogate
	CHECK_EQ(fat_utf8_to_utf16("\xe6\x97", 2, u, 300), -EINVAL);	 // cut
	CHECK_EQ(fat_utf8_to_utf16("abc", 3, u, 2), -ENAMETOOLONG);
	u[0] = 0xDC00, u[1] = 'a';
	m = fat_utf16_to_utf8(u, 2, back, sizeof(back));
	CHECK_EQ(m, 4);
	CHECK(!memcmp(back,
		      "\xef\xbf\xbd"
		      "a",
		      4));
}

TEST(lfn_checksum_and_slots)
{
	/* The spec's algorithm, written out independently. */
	const uint8_t *n = (const uint8_t *)"FOO     BAR";
	uint8_t sum = 0, ent[32];
	uint16_t name[26], back[13];

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)((sum >> 1 | sum << 7) + n[i]);
	CHECK_EQ(fat_lfn_checksum(n), sum);
	for (int i = 0; i < 26; i++)
		name[i] = (uint16_t)('a' + i);
	CHECK_EQ(fat_lfn_nslots(26), 2u);
	CHECK_EQ(fat_lfn_nslots(27), 3u);
	fat_lfn_pack(ent, name, 20, 2, 0x42);
	CHECK_EQ(ent[0], 0x42);
	CHECK_EQ(ent[11], 0x0F);
	CHECK_EQ(ent[13], 0x42);
	fat_lfn_unpack(ent, back);
	CHECK_EQ(back[0], 'n');
	CHECK_EQ(back[6], 't');
	CHECK_EQ(back[7], 0);
	CHECK_EQ(back[8], 0xFFFF);
	CHECK_EQ(ent[1], 'n');
	CHECK_EQ(ent[14], 'r' + 1);
}

TEST(name_rules)
{
	static const char *const badnames[] = { "a:b",	"a*",  "?",    "\"q\"",	 "<",
						">",	"a|b", "a\\b", "tab\tx", "end.",
						"end ", "...", " " };
	char longname[300];

	for (size_t i = 0; i < sizeof(badnames) / sizeof(badnames[0]); i++)
		CHECK_EQ(fat_name_check(badnames[i], strlen(badnames[i])), -EINVAL);
	CHECK_EQ(fat_name_check("Gr\xc3\xbc\xc3\x9f"
				"e, x.txt",
				13),
		 0);
	CHECK_EQ(fat_name_check(".hidden", 7), 0);
	CHECK_EQ(fat_name_check("a b+c,d;e=f[g]", 14), 0);
	memset(longname, 'x', sizeof(longname));
	CHECK_EQ(fat_name_check(longname, 255), 0);
	CHECK_EQ(fat_name_check(longname, 256), -ENAMETOOLONG);
	CHECK(fat_name_eq("ReadMe.TXT", 10, "readme.txt", 10));
	CHECK(!fat_name_eq("readme.txt", 10, "readme.txu", 10));
	CHECK(!fat_name_eq("\xc3\xbc", 2, "\xc3\x9c", 2)); // only ASCII folds
}

static void check_fits(const char *name, const char *want11, uint8_t want_nt)
{
	uint8_t out[11], nt = 0xFF;

	CHECK(fat_sn_fits(name, strlen(name), out, &nt));
	CHECK(!memcmp(out, want11, 11));
	CHECK_EQ(nt, want_nt);
}

TEST(short_names)
{
	uint8_t out[11], nt, cand[FAT_SN_CANDIDATES][11];
	char disp[25];
	unsigned int n;

	check_fits("README.TXT", "README  TXT", 0);
	check_fits("readme.txt", "README  TXT", FAT_NT_LOWER_BASE | FAT_NT_LOWER_EXT);
	check_fits("readme.TXT", "README  TXT", FAT_NT_LOWER_BASE);
	check_fits("A", "A          ", 0);
	check_fits("12345678.123", "12345678123", 0);
	CHECK(!fat_sn_fits("ReadMe.txt", 10, out, &nt));
	CHECK(!fat_sn_fits("123456789", 9, out, &nt));
	CHECK(!fat_sn_fits("a.b.c", 5, out, &nt));
	CHECK(!fat_sn_fits(".x", 2, out, &nt));
	CHECK(!fat_sn_fits("a b", 3, out, &nt));
	CHECK(!fat_sn_fits("a+b", 3, out, &nt));
	CHECK(!fat_sn_fits("x.", 2, out, &nt));
	n = fat_sn_candidates("ReadMe.txt", 10, cand);
	CHECK_EQ(n, (unsigned int)FAT_SN_CANDIDATES);
	CHECK(!memcmp(cand[0], "README  TXT", 11)); // only case was lost
	CHECK(!memcmp(cand[1], "README~1TXT", 11));
	n = fat_sn_candidates("The quick brown fox.jpeg", 24, cand);
	CHECK(!memcmp(cand[0], "THEQUI~1JPE", 11));
	CHECK(!memcmp(cand[3], "THEQUI~4JPE", 11));
	CHECK(cand[4][6] == '~' && cand[4][7] == '1' && cand[4][0] == 'T' && cand[4][1] == 'H');
	n = fat_sn_candidates("Gr\xc3\xbc\xc3\x9f"
			      "e, \xe6\x97\xa5\xe6\x9c\xac.txt",
			      19, cand);
	CHECK(!memcmp(cand[0], "GR__E_~1TXT", 11));
	n = fat_sn_candidates("...", 3, cand);
	CHECK(cand[0][0] == '_');
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < i; j++)
			CHECK(memcmp(cand[i], cand[j], 11));
	CHECK_EQ(fat_sn_display((const uint8_t *)"README  TXT", FAT_NT_LOWER_EXT, disp), 10u);
	CHECK_STR_EQ(disp, "README.txt");
	CHECK_EQ(fat_sn_display((const uint8_t *)"NOEXT      ", 0, disp), 5u);
	CHECK_STR_EQ(disp, "NOEXT");
	CHECK_EQ(fat_sn_display((const uint8_t *)"\x05"
						 "BC     X  ",
				0, disp),
		 6u);
}

/* Write the slots of @name before short entry @sn into @dir. */
static size_t put_named(uint8_t *dir, const char *name, const char *sn)
{
	uint16_t u[FAT_LFN_MAX];
	int n = fat_utf8_to_utf16(name, strlen(name), u, FAT_LFN_MAX);
	unsigned int slots = fat_lfn_nslots((size_t)n);
	uint8_t csum = fat_lfn_checksum((const uint8_t *)sn);
	struct fat_short s = { .attr = FAT_ATTR_ARCHIVE, .cluster = 0x12345, .size = 77 };

	for (unsigned int i = 0; i < slots; i++)
		fat_lfn_pack(dir + 32 * i, u, (size_t)n, slots - i, csum);
	memcpy(s.name, sn, 11);
	fat_short_encode(dir + 32 * slots, &s);
	return 32 * (slots + 1);
}

static enum fat_dir_event feed_all(uint8_t *dir, size_t len, struct fat_dir_item *it, int *items)
{
	struct fat_dir_parser p;
	enum fat_dir_event e = FAT_DIR_SKIP;

	fat_dir_parser_init(&p);
	*items = 0;
	for (size_t off = 0; off < len; off += 32) {
		e = fat_dir_feed(&p, dir + off, off, it);
		if (e == FAT_DIR_ITEM)
			(*items)++;
		if (e != FAT_DIR_SKIP)
			return e;
	}
	return e;
}

TEST(dir_parser_joins_and_rejects)
{
	static uint8_t dir[2048];
	static struct fat_dir_item it;
	const char *name = "A long name with \xe6\x97\xa5 in it.text";
	size_t n;
	int items;

	memset(dir, 0, sizeof(dir));
	n = put_named(dir, name, "ALONGN~1TEX");
	CHECK_EQ(feed_all(dir, n, &it, &items), FAT_DIR_ITEM);
	CHECK_STR_EQ(it.name, name);
	CHECK(it.has_lfn);
	CHECK_EQ(it.slot_pos, 0u);
	CHECK_EQ(it.short_pos, n - 32);
	CHECK_EQ(it.de.cluster, 0x12345u);
	CHECK_EQ(it.de.size, 77u);
	/* A wrong checksum: the short name is shown. */
	dir[n - 32] = 'B';
	CHECK_EQ(feed_all(dir, n, &it, &items), FAT_DIR_ITEM);
	CHECK_STR_EQ(it.name, "BLONGN~1.TEX");
	CHECK(!it.has_lfn);
	dir[n - 32] = 'A';
	/* A slot missing from the middle. */
	memmove(dir + 32, dir + 64, n - 64);
	CHECK_EQ(feed_all(dir, n - 32, &it, &items), FAT_DIR_ITEM);
	CHECK(!it.has_lfn);
	/* The end marker stops. */
	memset(dir, 0, sizeof(dir));
	CHECK_EQ(feed_all(dir, 64, &it, &items), FAT_DIR_STOP);
	/* Deleted and label entries are skipped. */
	dir[0] = 0xE5;
	memcpy(dir + 32, "LABEL      ", 11);
	dir[32 + 11] = FAT_ATTR_VOLUME_ID;
	put_named(dir + 64, "x", "X          ");
	CHECK_EQ(feed_all(dir, 128, &it, &items), FAT_DIR_ITEM);
	CHECK_STR_EQ(it.name, "x");
	CHECK_EQ(it.slot_pos, 64u);
}

TEST(dos_times)
{
	uint16_t d, t;

	fat_time_from_unix(1700000000, &d, &t); // 2023-11-14 22:13:20
	CHECK_EQ(d, (uint16_t)((43 << 9) | (11 << 5) | 14));
	CHECK_EQ(t, (uint16_t)((22 << 11) | (13 << 5) | 10));
	CHECK_EQ(fat_time_to_unix(d, t), 1700000000);
	fat_time_from_unix(1700000001, &d, &t);
	CHECK_EQ(fat_time_to_unix(d, t), 1700000000); // 2-second resolution
	fat_time_from_unix(0, &d, &t);
	CHECK_EQ(fat_time_to_unix(d, t), 315532800);
	CHECK_EQ(fat_time_to_unix(0, 0), 315532800); // month 0: invalid
}

/*
 * Directory entry decoding and the long-name joiner (fatgen103 §6-7). A
 * run of long-name slots is stored last-first: the slot with 0x40 in its
 * ordinal comes first and carries the count; each following one must be
 * exactly one lower, all with the same checksum, and the short entry
 * right after must match that checksum. Anything else resets the run.
 * Pure: host-testable.
 */
#include "fs/fat/dirent.h"

#include "fs/fat/bpb.h"
#include "fs/fat/shortname.h"
#include "time/calendar.h"

void fat_short_decode(const uint8_t *ent, struct fat_short *s)
{
	for (int i = 0; i < 11; i++)
		s->name[i] = ent[DIR_NAME + i];
	s->attr = ent[DIR_ATTR];
	s->ntres = ent[DIR_NTRES];
	s->ctime_tenth = ent[DIR_CRT_TIME_TENTH];
	s->ctime = fat_le16(ent + DIR_CRT_TIME);
	s->cdate = fat_le16(ent + DIR_CRT_DATE);
	s->adate = fat_le16(ent + DIR_LST_ACC_DATE);
	s->mtime = fat_le16(ent + DIR_WRT_TIME);
	s->mdate = fat_le16(ent + DIR_WRT_DATE);
	s->cluster =
		(uint32_t)fat_le16(ent + DIR_FST_CLUS_HI) << 16 | fat_le16(ent + DIR_FST_CLUS_LO);
	s->size = fat_le32(ent + DIR_FILE_SIZE);
}

void fat_short_encode(uint8_t *ent, const struct fat_short *s)
{
	for (int i = 0; i < 11; i++)
		ent[DIR_NAME + i] = s->name[i];
	ent[DIR_ATTR] = s->attr;
	ent[DIR_NTRES] = s->ntres;
	ent[DIR_CRT_TIME_TENTH] = s->ctime_tenth;
	fat_put16(ent + DIR_CRT_TIME, s->ctime);
	fat_put16(ent + DIR_CRT_DATE, s->cdate);
	fat_put16(ent + DIR_LST_ACC_DATE, s->adate);
	fat_put16(ent + DIR_FST_CLUS_HI, (uint16_t)(s->cluster >> 16));
	fat_put16(ent + DIR_WRT_TIME, s->mtime);
	fat_put16(ent + DIR_WRT_DATE, s->mdate);
	fat_put16(ent + DIR_FST_CLUS_LO, (uint16_t)s->cluster);
	fat_put32(ent + DIR_FILE_SIZE, s->size);
}

int64_t fat_time_to_unix(uint16_t date, uint16_t time)
{
	struct cal_date d = {
		.year = 1980 + (date >> 9),
		.month = (date >> 5) & 0xF,
		.day = date & 0x1F,
		.hour = time >> 11,
		.min = (time >> 5) & 0x3F,
		.sec = (time & 0x1F) * 2,
	};

	if (!cal_is_valid(&d))
		d = (struct cal_date){ .year = 1980, .month = 1, .day = 1 };
	return cal_to_unix(&d);
}

void fat_time_from_unix(int64_t secs, uint16_t *date, uint16_t *time)
{
	struct cal_date d;

	if (secs < 315532800) // 1980-01-01
		secs = 315532800;
	cal_from_unix(secs, &d);
	if (d.year > 2107) {
		*date = (uint16_t)(127 << 9 | 12 << 5 | 31);
		*time = (uint16_t)(23 << 11 | 59 << 5 | 29);
		return;
	}
	*date = (uint16_t)((d.year - 1980) << 9 | d.month << 5 | d.day);
	*time = (uint16_t)(d.hour << 11 | d.min << 5 | d.sec / 2);
}

bool fat_short_is_dot(const uint8_t name11[11])
{
	static const uint8_t dot[11] = ".          ", dotdot[11] = "..         ";

	for (int i = 0; i < 11; i++)
		if (name11[i] != dot[i])
			goto not_dot;
	return true;
not_dot:
	for (int i = 0; i < 11; i++)
		if (name11[i] != dotdot[i])
			return false;
	return true;
}

void fat_dir_parser_init(struct fat_dir_parser *p)
{
	p->nslots = 0;
	p->expect = 0;
}

/* A long-name slot: start, continue or break the run. */
static void feed_lfn(struct fat_dir_parser *p, const uint8_t *ent, uint64_t pos)
{
	unsigned int ord = ent[LDIR_ORD] & 0x3F;

	if (ent[LDIR_ORD] & FAT_LFN_LAST) {
		p->nslots = 0;
		if (ord < 1 || ord > FAT_LFN_SLOTS_MAX)
			return;
		p->nslots = ord;
		p->expect = ord;
		p->csum = ent[LDIR_CHKSUM];
		p->start = pos;
	} else if (!p->nslots || ord != p->expect || ent[LDIR_CHKSUM] != p->csum) {
		p->nslots = 0;
		return;
	}
	fat_lfn_unpack(ent, &p->units[(ord - 1) * FAT_LFN_CHARS]);
	p->expect = ord - 1;
}

/* The joined long name, if the run is whole and matches @s; else 0. */
static size_t joined_name(struct fat_dir_parser *p, const struct fat_short *s, uint64_t pos,
			  char *out)
{
	size_t n = 0, max = (size_t)p->nslots * FAT_LFN_CHARS;
	int len;

	if (!p->nslots || p->expect != 0 || fat_lfn_checksum(s->name) != p->csum ||
	    pos != p->start + (uint64_t)p->nslots * 32)
		return 0;
	while (n < max && p->units[n] != 0x0000)
		n++;
	if (n == 0 || n > FAT_LFN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p->units[i] == '/')
			return 0; // not a name the VFS can show
	len = fat_utf16_to_utf8(p->units, n, out, FAT_NAME_UTF8_MAX);
	return len > 0 ? (size_t)len : 0;
}

enum fat_dir_event fat_dir_feed(struct fat_dir_parser *p, const uint8_t *ent, uint64_t pos,
				struct fat_dir_item *item)
{
	size_t n;

	if (ent[0] == FAT_DIR_END) {
		p->nslots = 0;
		return FAT_DIR_STOP;
	}
	if (ent[0] == FAT_DIR_FREE) {
		p->nslots = 0;
		return FAT_DIR_SKIP;
	}
	if ((ent[DIR_ATTR] & 0x3F) == FAT_ATTR_LFN) {
		feed_lfn(p, ent, pos);
		return FAT_DIR_SKIP;
	}
	if (ent[DIR_ATTR] & FAT_ATTR_VOLUME_ID) {
		p->nslots = 0;
		return FAT_DIR_SKIP;
	}
	fat_short_decode(ent, &item->de);
	item->short_pos = pos;
	n = joined_name(p, &item->de, pos, item->name);
	item->has_lfn = n > 0;
	item->slot_pos = n ? p->start : pos;
	if (!n)
		n = fat_sn_display(item->de.name, item->de.ntres, item->name);
	item->name[n] = '\0';
	item->len = n;
	p->nslots = 0;
	return FAT_DIR_ITEM;
}

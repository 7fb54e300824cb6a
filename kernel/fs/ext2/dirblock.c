/*
 * ext2 directory-entry packing (see dirblock.h; ext2-doc "Linked
 * Directory Entries"). An htree directory's index blocks are valid
 * linear blocks too (a fake unused entry spanning the block, or "." and
 * a ".." whose rec_len covers the index), so this code reads them as
 * Linux's ext2 does. Pure: host-testable.
 */
#include "fs/ext2/dirblock.h"

#include "fs/ext2/ext2_layout.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

uint32_t ext2_dirblock_get(const uint8_t *blk, uint32_t off, bool filetype, struct ext2_de *de)
{
	const uint8_t *p = blk + off;

	de->off = off;
	de->inode = get32(p);
	de->rec_len = get16(p + 4);
	de->name_len = filetype ? p[6] : get16(p + 6);
	de->type = filetype ? p[7] : 0;
	de->name = (const char *)p + EXT2_DIRENT_HDR;
	return off + de->rec_len;
}

int ext2_dirblock_check(const uint8_t *blk, uint32_t bs, bool filetype, uint32_t *bad_off)
{
	uint32_t off = 0;

	while (off < bs) {
		struct ext2_de de;

		*bad_off = off;
		if (bs - off < EXT2_DIRENT_HDR)
			return -EUCLEAN;
		ext2_dirblock_get(blk, off, filetype, &de);
		if (de.rec_len < EXT2_DIRENT_HDR || de.rec_len % 4 || de.rec_len > bs - off)
			return -EUCLEAN;
		if (de.inode && (de.name_len == 0 || de.name_len > EXT2_NAME_LEN ||
				 ext2_de_size(de.name_len) > de.rec_len))
			return -EUCLEAN;
		if (de.inode && memchr(de.name, '/', de.name_len))
			return -EUCLEAN;
		off += de.rec_len;
	}
	return 0;
}

int ext2_dirblock_find(const uint8_t *blk, uint32_t bs, bool filetype, const char *name, size_t len,
		       struct ext2_de *de)
{
	for (uint32_t off = 0; off < bs;) {
		off = ext2_dirblock_get(blk, off, filetype, de);
		if (de->inode && de->name_len == len && !memcmp(de->name, name, len))
			return 0;
	}
	return -ENOENT;
}

int64_t ext2_dirblock_find_space(const uint8_t *blk, uint32_t bs, uint32_t name_len)
{
	uint32_t need = ext2_de_size(name_len);
	struct ext2_de de;

	for (uint32_t off = 0; off < bs;) {
		uint32_t next = ext2_dirblock_get(blk, off, true, &de);
		uint32_t used = de.inode ? ext2_de_size(blk[off + 6]) : 0;

		if (de.rec_len >= used + need)
			return off;
		off = next;
	}
	return -ENOSPC;
}

static void set_name(uint8_t *p, const char *name, size_t len, uint8_t type, bool filetype)
{
	if (filetype) {
		p[6] = (uint8_t)len;
		p[7] = type;
	} else {
		put16(p + 6, (uint32_t)len);
	}
	memcpy(p + EXT2_DIRENT_HDR, name, len);
}

void ext2_dirblock_insert(uint8_t *blk, uint32_t off, uint32_t ino, const char *name, size_t len,
			  uint8_t type, bool filetype)
{
	uint8_t *p = blk + off;
	uint32_t rec_len = get16(p + 4);

	if (get32(p)) { // split: the old entry keeps what it needs
		uint32_t used = ext2_de_size(filetype ? p[6] : get16(p + 6));

		put16(p + 4, used);
		p += used;
		rec_len -= used;
	}
	put32(p, ino);
	put16(p + 4, rec_len);
	set_name(p, name, len, type, filetype);
}

void ext2_dirblock_remove(uint8_t *blk, uint32_t bs, uint32_t off)
{
	struct ext2_de de;
	uint32_t prev = bs;

	for (uint32_t o = 0; o < off;) {
		prev = o;
		o = ext2_dirblock_get(blk, o, true, &de);
	}
	if (prev == bs) {
		put32(blk + off, 0);
		return;
	}
	put16(blk + prev + 4, get16(blk + prev + 4) + get16(blk + off + 4));
}

void ext2_dirblock_retarget(uint8_t *blk, uint32_t off, uint32_t ino, uint8_t type, bool filetype)
{
	put32(blk + off, ino);
	if (filetype)
		blk[off + 7] = type;
}

void ext2_dirblock_init_empty(uint8_t *blk, uint32_t bs)
{
	memset(blk, 0, bs);
	put16(blk + 4, bs);
}

void ext2_dirblock_init_dots(uint8_t *blk, uint32_t bs, uint32_t self, uint32_t parent,
			     bool filetype)
{
	memset(blk, 0, bs);
	put32(blk, self);
	put16(blk + 4, 12);
	set_name(blk, ".", 1, EXT2_FT_DIR, filetype);
	put32(blk + 12, parent);
	put16(blk + 16, bs - 12);
	set_name(blk + 12, "..", 2, EXT2_FT_DIR, filetype);
}

bool ext2_dirblock_has_names(const uint8_t *blk, uint32_t bs, bool filetype)
{
	struct ext2_de de;

	for (uint32_t off = 0; off < bs;) {
		off = ext2_dirblock_get(blk, off, filetype, &de);
		if (!de.inode)
			continue;
		if ((de.name_len == 1 && de.name[0] == '.') ||
		    (de.name_len == 2 && de.name[0] == '.' && de.name[1] == '.'))
			continue;
		return true;
	}
	return false;
}

/*
 * FAT directories: scanning entries through the buffer cache (the fixed
 * FAT12/16 root region or a cluster chain), finding a name (long or
 * short, ASCII case folded), adding a name with its long-name slots and a
 * fresh 8.3 alias, removing one, and the lookup and readdir operations.
 * A directory may hold at most 65536 entries (fatgen103 §6); one that
 * runs past that without an end marker is reported as corrupt.
 * Locking: the directory inode's lock, held by the VFS around each call.
 */
#include "fs/fat/fat_internal.h"

#include "core/log.h"
#include "fs/dcache.h"
#include "fs/fat/lfn.h"
#include "fs/fat/shortname.h"
#include "fs/file.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/dirent.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "fat: "
#define DIR_MAX_BYTES (65536ull * FAT_DIRENT_SIZE)

/* Bytes @dir can hold without growing. */
static uint64_t dir_capacity(struct fat_sb *fs, struct inode *dir)
{
	if (fat_is_fixed_root(fs, fat_i(dir)))
		return (uint64_t)fs->g.root_entries * FAT_DIRENT_SIZE;
	return (uint64_t)fat_i(dir)->nr_clusters * fs->g.cluster_size;
}

/* The device byte of directory offset @off; -ENOENT past the end. */
static int dir_byte(struct fat_sb *fs, struct inode *dir, uint64_t off, bool alloc, uint64_t *at)
{
	struct fat_inode *fi = fat_i(dir);
	uint32_t cl;
	int err;

	if (off >= DIR_MAX_BYTES)
		return alloc ? -ENOSPC
			     : fat_corrupt(fs, "directory without an end, cluster", fi->first);
	if (fat_is_fixed_root(fs, fi)) {
		if (off >= dir_capacity(fs, dir))
			return alloc ? -ENOSPC : -ENOENT;
		*at = fs->g.root_start * fs->g.sector_size + off;
		return 0;
	}
	err = fat_map(fs, fi, (uint32_t)(off / fs->g.cluster_size), alloc, true, &cl);
	if (err)
		return err;
	if (alloc) {
		dir->size = (int64_t)fi->nr_clusters * fs->g.cluster_size;
		dir->blocks = dir->size / 512;
	}
	*at = fat_cluster_byte(fs, cl) + off % fs->g.cluster_size;
	return 0;
}

int fat_dir_scan(struct fat_sb *fs, struct inode *dir, uint64_t from, struct fat_dir_scan *s,
		 uint64_t *end)
{
	struct fat_dir_parser *p = kmalloc(sizeof(*p));
	uint64_t off = from & ~(uint64_t)(FAT_DIRENT_SIZE - 1), at;
	int err = 0;

	if (!p)
		return -ENOMEM;
	fat_dir_parser_init(p);
	for (;;) {
		struct buf *b;
		uint32_t in;

		err = dir_byte(fs, dir, off, false, &at);
		if (err == -ENOENT) {
			err = 0; // the end of the chain: a full directory
			break;
		}
		if (err || (err = fat_bread(fs, at, &b, &in)))
			break;
		for (; in < fs->bsize; in += FAT_DIRENT_SIZE, off += FAT_DIRENT_SIZE) {
			enum fat_dir_event e;

			if (s->raw)
				s->raw(s, b->data + in, off);
			e = fat_dir_feed(p, b->data + in, off, s->it);
			if (e == FAT_DIR_STOP)
				break;
			if (e == FAT_DIR_ITEM && s->item) {
				/* Callbacks do no I/O: the block stays held. */
				uint64_t slot = (b->block * fs->bsize + in) / FAT_DIRENT_SIZE;

				err = s->item(s, s->it, slot);
				if (err) {
					brelse(b);
					goto out;
				}
			}
		}
		brelse(b);
		if (in < fs->bsize)
			break; // the end marker
	}
	if (!err) { // the whole directory was seen: remember where it ends
		fat_i(dir)->dir_end = off;
		fat_i(dir)->end_known = true;
	}
out:
	if (end)
		*end = off;
	kfree(p);
	return err;
}

int fat_dir_get(struct fat_sb *fs, struct inode *dir, uint64_t off, uint8_t *ent)
{
	struct buf *b;
	uint64_t at;
	uint32_t in;
	int err = dir_byte(fs, dir, off, false, &at);

	if (err || (err = fat_bread(fs, at, &b, &in)))
		return err == -ENOENT ? -EUCLEAN : err;
	memcpy(ent, b->data + in, FAT_DIRENT_SIZE);
	brelse(b);
	return 0;
}

int fat_dir_put(struct fat_sb *fs, struct inode *dir, uint64_t off, const uint8_t *ent,
		uint64_t *slot)
{
	struct buf *b;
	uint64_t at;
	uint32_t in;
	int err = dir_byte(fs, dir, off, true, &at);

	if (err || (err = fat_bread(fs, at, &b, &in)))
		return err;
	memcpy(b->data + in, ent, FAT_DIRENT_SIZE);
	bdirty(b);
	brelse(b);
	if (slot)
		*slot = at / FAT_DIRENT_SIZE;
	return 0;
}

struct find_ctx {
	struct fat_dir_scan s;
	const char *name;
	size_t len;
	uint64_t slot;
};

static int find_item(struct fat_dir_scan *s, const struct fat_dir_item *it, uint64_t slot)
{
	struct find_ctx *c = container_of(s, struct find_ctx, s);
	char sn[25];
	size_t n;

	if (fat_short_is_dot(it->de.name))
		return 0;
	if (fat_name_eq(it->name, it->len, c->name, c->len))
		goto found;
	if (!it->has_lfn)
		return 0;
	n = fat_sn_display(it->de.name, 0, sn);
	if (!fat_name_eq(sn, n, c->name, c->len))
		return 0;
found:
	c->slot = slot;
	return 1;
}

int fat_dir_find(struct fat_sb *fs, struct inode *dir, const char *name, size_t len,
		 struct fat_dir_item *it, uint64_t *slot)
{
	struct find_ctx c = { .s = { .item = find_item, .it = it }, .name = name, .len = len };
	int err = fat_dir_scan(fs, dir, 0, &c.s, NULL);

	if (err < 0)
		return err;
	if (!err)
		return -ENOENT;
	*slot = c.slot;
	return 0;
}

/* The free-slot search and short-name check of fat_dir_add, one pass. */
struct add_ctx {
	struct fat_dir_scan s;
	unsigned int need;  // slots wanted
	uint64_t run, nrun; // the current run of free slots
	uint64_t found;	    // the first run long enough, or UINT64_MAX
	unsigned int ncand;
	uint8_t (*cand)[11];
	uint32_t used; // candidate bits taken
};

static void add_raw(struct fat_dir_scan *s, const uint8_t *ent, uint64_t off)
{
	struct add_ctx *c = container_of(s, struct add_ctx, s);

	if (ent[0] != FAT_DIR_FREE && ent[0] != FAT_DIR_END) {
		c->nrun = 0;
		return;
	}
	if (!c->nrun++)
		c->run = off;
	if (c->nrun >= c->need && c->found == UINT64_MAX)
		c->found = c->run;
}

static int add_item(struct fat_dir_scan *s, const struct fat_dir_item *it, uint64_t slot)
{
	struct add_ctx *c = container_of(s, struct add_ctx, s);

	(void)slot;
	for (unsigned int i = 0; i < c->ncand; i++)
		if (!memcmp(it->de.name, c->cand[i], 11))
			c->used |= 1u << i;
	return 0;
}

/* Where @c->need free slots are: a run found, else from the end marker
 * on (growing the directory as needed). */
static int add_place(struct fat_sb *fs, struct inode *dir, struct add_ctx *c, uint64_t *where)
{
	uint64_t end, start;
	int err = fat_dir_scan(fs, dir, 0, &c->s, &end);

	if (err)
		return err;
	if (c->found != UINT64_MAX) {
		*where = c->found;
		return 0;
	}
	/* The run going at the end marker continues to the capacity. */
	start = c->nrun && c->run + c->nrun * FAT_DIRENT_SIZE >= end ? c->run : end;
	if (start + (uint64_t)c->need * FAT_DIRENT_SIZE > DIR_MAX_BYTES)
		return -ENOSPC;
	*where = start;
	return 0;
}

/* Write the long-name slots for @u (@n units) and the short entry. */
static int add_write(struct fat_sb *fs, struct inode *dir, uint64_t where, const uint16_t *u, int n,
		     const struct fat_short *de, uint64_t *slot)
{
	unsigned int lfn = n > 0 ? fat_lfn_nslots((size_t)n) : 0;
	uint8_t csum = fat_lfn_checksum(de->name), ent[FAT_DIRENT_SIZE];
	int err;

	/* The short entry first, so a failed growth leaves no orphan slots
	 * before a missing short entry visible to anyone. */
	fat_short_encode(ent, de);
	err = fat_dir_put(fs, dir, where + (uint64_t)lfn * FAT_DIRENT_SIZE, ent, slot);
	for (unsigned int i = 0; !err && i < lfn; i++) {
		fat_lfn_pack(ent, u, (size_t)n, lfn - i, csum);
		err = fat_dir_put(fs, dir, where + (uint64_t)i * FAT_DIRENT_SIZE, ent, NULL);
	}
	return err;
}

int fat_dir_add(struct fat_sb *fs, struct inode *dir, const char *name, size_t len,
		struct fat_short *de, uint64_t *slots_off, uint64_t *dir_off, uint64_t *slot)
{
	uint8_t(*cand)[11] = kmalloc(FAT_SN_CANDIDATES * 11);
	uint16_t *u = kmalloc(FAT_LFN_MAX * sizeof(uint16_t));
	struct add_ctx c = { .s = { .raw = add_raw, .item = add_item }, .found = UINT64_MAX };
	struct fat_dir_item *it = kmalloc(sizeof(*it));
	uint64_t where;
	int n = 0, err = -ENOMEM;

	if (!cand || !u || !it)
		goto out;
	c.s.it = it;
	c.cand = cand;
	if (fat_sn_fits(name, len, de->name, &de->ntres)) {
		c.need = 1;
		if (fat_i(dir)->end_known && fat_i(dir)->dir_end < DIR_MAX_BYTES) {
			where = fat_i(dir)->dir_end; // no alias to choose: append
			goto write;
		}
	} else {
		n = fat_utf8_to_utf16(name, len, u, FAT_LFN_MAX);
		err = n < 0 ? n : 0;
		if (err)
			goto out;
		de->ntres = 0;
		c.ncand = fat_sn_candidates(name, len, cand);
		c.need = fat_lfn_nslots((size_t)n) + 1;
	}
	err = add_place(fs, dir, &c, &where);
	if (err)
		goto out;
	if (c.ncand) {
		unsigned int i = 0;

		while (i < c.ncand && (c.used & 1u << i))
			i++;
		err = i == c.ncand ? -EEXIST : 0;
		if (err)
			goto out;
		memcpy(de->name, cand[i], 11);
	}
write:
	err = add_write(fs, dir, where, u, n, de, slot);
	if (!err) {
		char sn[25];

		fat_nset_add(fat_i(dir), name, len);
		fat_nset_add(fat_i(dir), sn, fat_sn_display(de->name, 0, sn));
	}
	if (!err && where + (uint64_t)c.need * FAT_DIRENT_SIZE > fat_i(dir)->dir_end)
		fat_i(dir)->dir_end = where + (uint64_t)c.need * FAT_DIRENT_SIZE;
	*slots_off = where;
	*dir_off = where + (uint64_t)(c.need - 1) * FAT_DIRENT_SIZE;
out:
	kfree(it);
	kfree(u);
	kfree(cand);
	return err;
}

/* Both names an entry answers to, for the name set. */
static void nset_item(struct fat_inode *fi, const struct fat_dir_item *it, bool add)
{
	char sn[25];
	size_t n = fat_sn_display(it->de.name, 0, sn);

	if (add) {
		fat_nset_add(fi, it->name, it->len);
		fat_nset_add(fi, sn, n);
	} else {
		fat_nset_del(fi, it->name, it->len);
		fat_nset_del(fi, sn, n);
	}
}

int fat_dir_remove(struct fat_sb *fs, struct inode *dir, uint64_t slots_off, uint64_t dir_off)
{
	struct fat_dir_parser *p = kmalloc(sizeof(*p));
	struct fat_dir_item *it = kmalloc(sizeof(*it));
	uint8_t ent[FAT_DIRENT_SIZE];
	int err = p && it ? 0 : -ENOMEM;

	if (p)
		fat_dir_parser_init(p);
	for (uint64_t off = slots_off; !err && off <= dir_off; off += FAT_DIRENT_SIZE) {
		err = fat_dir_get(fs, dir, off, ent);
		if (!err && fat_dir_feed(p, ent, off, it) == FAT_DIR_ITEM && off == dir_off)
			nset_item(fat_i(dir), it, false);
		else if (!err && off == dir_off)
			fat_nset_free(fat_i(dir)); // not the entry expected: rebuild later
		if (!err) {
			ent[0] = FAT_DIR_FREE;
			err = fat_dir_put(fs, dir, off, ent, NULL);
		}
	}
	kfree(it);
	kfree(p);
	return err;
}

static int empty_item(struct fat_dir_scan *s, const struct fat_dir_item *it, uint64_t slot)
{
	(void)s;
	(void)slot;
	return !fat_short_is_dot(it->de.name);
}

int fat_dir_is_empty(struct fat_sb *fs, struct inode *dir)
{
	struct fat_dir_item *it = kmalloc(sizeof(*it));
	struct fat_dir_scan s = { .item = empty_item, .it = it };
	int err;

	if (!it)
		return -ENOMEM;
	err = fat_dir_scan(fs, dir, 0, &s, NULL);
	kfree(it);
	return err < 0 ? err : !err;
}

int fat_dir_init(struct fat_sb *fs, struct inode *dir, uint32_t parent_first,
		 const struct fat_short *self)
{
	struct fat_short d = *self;
	uint8_t ent[FAT_DIRENT_SIZE];
	int err;

	memcpy(d.name, ".          ", 11);
	d.cluster = fat_i(dir)->first;
	d.size = 0;
	d.ntres = 0;
	fat_short_encode(ent, &d);
	err = fat_dir_put(fs, dir, 0, ent, NULL);
	memcpy(d.name, "..         ", 11);
	d.cluster = parent_first;
	fat_short_encode(ent, &d);
	return err ? err : fat_dir_put(fs, dir, FAT_DIRENT_SIZE, ent, NULL);
}

struct build_ctx {
	struct fat_dir_scan s;
	struct fat_inode *fi;
};

static int build_item(struct fat_dir_scan *s, const struct fat_dir_item *it, uint64_t slot)
{
	struct build_ctx *c = container_of(s, struct build_ctx, s);

	(void)slot;
	if (!fat_short_is_dot(it->de.name))
		nset_item(c->fi, it, true);
	return 0;
}

/* Fill @dir's name set from one scan. */
static int nset_build(struct fat_sb *fs, struct inode *dir, struct fat_dir_item *it)
{
	struct build_ctx c = { { .item = build_item, .it = it }, fat_i(dir) };
	int err;

	fat_nset_free(c.fi);
	c.fi->nvalid = true;
	err = fat_dir_scan(fs, dir, 0, &c.s, NULL);
	if (err)
		fat_nset_free(c.fi);
	return err < 0 ? err : 0;
}

static int fat_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct fat_sb *fs = fat_sb_of(dir->sb);
	struct fat_dir_item *it = kmalloc(sizeof(*it));
	uint64_t slot;
	int err = 0;

	if (!it)
		return -ENOMEM;
	if (!fat_i(dir)->nvalid)
		err = nset_build(fs, dir, it);
	if (!err && !fat_nset_may_have(fat_i(dir), name, len))
		err = -ENOENT;
	if (!err)
		err = fat_dir_find(fs, dir, name, len, it, &slot);
	if (!err)
		err = fat_iget(fs, dir, it, slot, out);
	kfree(it);
	return err;
}

struct readdir_ctx {
	struct fat_dir_scan s;
	struct fat_sb *fs;
	struct dirent_sink *sink;
	int64_t *pos;
};

static int readdir_item(struct fat_dir_scan *s, const struct fat_dir_item *it, uint64_t slot)
{
	struct readdir_ctx *c = container_of(s, struct readdir_ctx, s);
	int64_t next = (int64_t)it->short_pos + FAT_DIRENT_SIZE + 2;
	uint8_t type = it->de.attr & FAT_ATTR_DIRECTORY ? DT_DIR : DT_REG;

	if (fat_short_is_dot(it->de.name) || memchr(it->name, '/', it->len)) {
		*c->pos = next; // "." and ".." come first, made up; '/' cannot be shown
		return 0;
	}
	if (!dirent_sink_add(c->sink, fat_ino_for(c->fs, slot), next, type, it->name, it->len))
		return 1;
	*c->pos = next;
	return 0;
}

/* Positions: 0 ".", 1 "..", then 2 + the byte offset in the directory. */
static int fat_readdir(struct file *f, struct dirent_sink *sink, int64_t *pos)
{
	struct inode *dir = f->inode;
	struct fat_sb *fs = fat_sb_of(dir->sb);
	struct readdir_ctx c = {
		.s = { .item = readdir_item }, .fs = fs, .sink = sink, .pos = pos
	};
	int err;

	if (*pos == 0) {
		if (!dirent_sink_add(sink, dir->ino, 1, DT_DIR, ".", 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (!dirent_sink_add(sink, fat_i(dir)->parent_ino, 2, DT_DIR, "..", 2))
			return 0;
		*pos = 2;
	}
	c.s.it = kmalloc(sizeof(*c.s.it));
	if (!c.s.it)
		return -ENOMEM;
	err = fat_dir_scan(fs, dir, (uint64_t)*pos - 2, &c.s, NULL);
	kfree(c.s.it);
	return err < 0 ? err : 0;
}

const struct file_ops fat_dir_fops = {
	.readdir = fat_readdir,
};

/* namei.c fills the rest of fat_dir_iops. */
int fat_lookup_op(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	return fat_lookup(dir, name, len, out);
}

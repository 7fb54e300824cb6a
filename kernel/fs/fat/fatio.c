/*
 * The FAT through the buffer cache: reading and writing entries (every
 * copy when mirrored, fatgen103 §3.3 BPB_ExtFlags), counting and
 * allocating free clusters from the next-free hint, mapping a file's
 * cluster index to a cluster with a per-inode hint so sequential access
 * is linear, and cutting or freeing chains. Every walk goes through
 * fat_chain_next(), so a looping or broken chain is reported (the
 * cluster named) instead of followed.
 * Locking: fat_lock (fs/fat/fat_internal.h) around FAT reads and writes.
 */
#include "fs/fat/fat_internal.h"

#include "core/log.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

#define LOG_PREFIX "fat: "

int fat_corrupt(struct fat_sb *fs, const char *what, uint64_t where)
{
	log_warn("%s: corrupt volume: %s %llu\n", fs->name, what, (unsigned long long)where);
	return -EUCLEAN;
}

int fat_bread(struct fat_sb *fs, uint64_t byte, struct buf **b, uint32_t *in)
{
	*in = (uint32_t)(byte % fs->bsize);
	return bread(fs->bc, fs->dev, byte / fs->bsize, fs->bsize, b);
}

uint64_t fat_cluster_byte(const struct fat_sb *fs, uint32_t cl)
{
	return fat_cluster_sector(&fs->g, cl) * fs->g.sector_size;
}

/* Device byte offset of entry @cl in FAT copy @copy. */
static uint64_t ent_byte(const struct fat_sb *fs, unsigned int copy, uint32_t cl)
{
	uint64_t fat = fs->g.reserved + (uint64_t)copy * fs->g.fat_sectors;

	return fat * fs->g.sector_size + fat_ent_offset(fs->g.type, cl);
}

/* Read (@write false) or write the raw bytes of entry @cl of FAT @copy
 * from or into @raw (a FAT12 entry may straddle two blocks). */
static int ent_io(struct fat_sb *fs, unsigned int copy, uint32_t cl, uint8_t raw[4], bool write)
{
	uint64_t at = ent_byte(fs, copy, cl);
	unsigned int n = fat_ent_bytes(fs->g.type);
	struct buf *b;
	uint32_t in;
	int err;

	for (unsigned int done = 0; done < n;) {
		err = fat_bread(fs, at + done, &b, &in);
		if (err)
			return err;
		for (; done < n && in < fs->bsize; done++, in++) {
			if (write)
				b->data[in] = raw[done];
			else
				raw[done] = b->data[in];
		}
		if (write)
			bdirty(b);
		brelse(b);
	}
	return 0;
}

static int ent_read(struct fat_sb *fs, unsigned int copy, uint32_t cl, uint8_t raw[4])
{
	return ent_io(fs, copy, cl, raw, false);
}

static int ent_write(struct fat_sb *fs, unsigned int copy, uint32_t cl, uint8_t raw[4])
{
	return ent_io(fs, copy, cl, raw, true);
}

int fat_get(struct fat_sb *fs, uint32_t cl, uint32_t *val)
{
	uint8_t raw[4];
	int err = ent_read(fs, fs->g.active_fat, cl, raw);

	if (!err)
		*val = fat_ent_decode(fs->g.type, cl, raw);
	return err;
}

/* Set entry @cl of FAT @copy to @val in place (one block held, or two
 * for a FAT12 entry that straddles). */
static int ent_update(struct fat_sb *fs, unsigned int copy, uint32_t cl, uint32_t val)
{
	uint64_t at = ent_byte(fs, copy, cl);
	uint8_t raw[4];
	struct buf *b;
	uint32_t in;
	int err;

	err = fat_bread(fs, at, &b, &in);
	if (err)
		return err;
	if (in + fat_ent_bytes(fs->g.type) > fs->bsize) { // FAT12 across two blocks
		brelse(b);
		err = ent_read(fs, copy, cl, raw);
		if (err)
			return err;
		fat_ent_encode(fs->g.type, cl, raw, val);
		return ent_write(fs, copy, cl, raw);
	}
	fat_ent_encode(fs->g.type, cl, b->data + in, val);
	bdirty(b);
	brelse(b);
	return 0;
}

int fat_set(struct fat_sb *fs, uint32_t cl, uint32_t val)
{
	int err;

	if (fs->ro)
		return -EROFS;
	for (unsigned int copy = 0; copy < fs->g.nr_fats; copy++) {
		if (!fs->g.mirror && copy != fs->g.active_fat)
			continue;
		err = ent_update(fs, copy, cl, val);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The first free cluster at or after @from (wrapping once), or 0 when
 * the volume is full. FAT16/32 scan a block of entries at a time.
 */
static int find_free(struct fat_sb *fs, uint32_t from, uint32_t *out)
{
	uint32_t n = fs->g.nr_clusters, cl = from, val;
	unsigned int width = fat_ent_bytes(fs->g.type);
	int err;

	for (uint32_t i = 0; i < n; i++, cl++) {
		struct buf *b;
		uint32_t in;

		if (cl > fs->g.max_cluster)
			cl = 2;
		if (fs->g.type == FAT12) {
			err = fat_get(fs, cl, &val);
			if (err)
				return err;
			if (!val)
				goto found;
			continue;
		}
		err = fat_bread(fs, ent_byte(fs, fs->g.active_fat, cl), &b, &in);
		if (err)
			return err;
		for (; i < n && cl <= fs->g.max_cluster && in < fs->bsize; in += width, i++, cl++) {
			if (!fat_ent_decode(fs->g.type, cl, b->data + in)) {
				brelse(b);
				goto found;
			}
		}
		brelse(b);
		i--, cl--; // the loop's own step
	}
	*out = 0;
	return 0;
found:
	*out = cl;
	return 0;
}

int fat_count_free(struct fat_sb *fs)
{
	uint32_t cl = 2, val, count = 0;
	unsigned int width = fat_ent_bytes(fs->g.type);
	int err;

	while (cl <= fs->g.max_cluster) {
		struct buf *b;
		uint32_t in;

		if (fs->g.type == FAT12) {
			err = fat_get(fs, cl++, &val);
			if (err)
				return err;
			count += !val;
			continue;
		}
		err = fat_bread(fs, ent_byte(fs, fs->g.active_fat, cl), &b, &in);
		if (err)
			return err;
		for (; cl <= fs->g.max_cluster && in < fs->bsize; in += width, cl++)
			count += !fat_ent_decode(fs->g.type, cl, b->data + in);
		brelse(b);
	}
	fs->free_count = count;
	return 0;
}

/* Zero cluster @cl on disk (a new directory cluster). */
static int zero_cluster(struct fat_sb *fs, uint32_t cl)
{
	uint64_t at = fat_cluster_byte(fs, cl);

	for (uint32_t off = 0; off < fs->g.cluster_size; off += fs->bsize) {
		struct buf *b;
		int err = bget(fs->bc, fs->dev, (at + off) / fs->bsize, fs->bsize, &b);

		if (err)
			return err;
		memset(b->data, 0, fs->bsize);
		bdirty(b);
		brelse(b);
	}
	return 0;
}

/* A new cluster marked end-of-chain, linked after @prev (0: none). */
static int alloc_cluster(struct fat_sb *fs, uint32_t prev, bool zero, uint32_t *out)
{
	uint32_t cl;
	int err;

	if (fs->ro)
		return -EROFS;
	mutex_lock(&fs->fat_lock);
	err = fs->free_count ? find_free(fs, fs->next_free, &cl) : 0;
	if (!err && (!fs->free_count || !cl))
		err = -ENOSPC;
	if (!err)
		err = fat_set(fs, cl, fat_eoc(fs->g.type));
	if (!err && prev)
		err = fat_set(fs, prev, cl);
	if (!err) {
		fs->free_count--;
		fs->next_free = cl + 1 > fs->g.max_cluster ? 2 : cl + 1;
	}
	mutex_unlock(&fs->fat_lock);
	if (!err && zero)
		err = zero_cluster(fs, cl);
	if (!err)
		*out = cl;
	return err;
}

/* Log what ended the walk @c at @cl and return its error. */
static int bad_chain(struct fat_sb *fs, const struct fat_chain *c, int r)
{
	static const char *const why[] = {
		[FAT_ENT_FREE] = "chain runs into a free cluster after cluster",
		[FAT_ENT_NEXT] = "chain loops at cluster",
		[FAT_ENT_BAD] = "chain runs into a bad cluster after cluster",
		[FAT_ENT_RANGE] = "chain leaves the volume after cluster",
	};

	(void)fat_corrupt(fs, c->why <= FAT_ENT_RANGE && why[c->why] ? why[c->why] : "chain at",
			  c->cur);
	return r == -EIO ? -EIO : -EUCLEAN;
}

int fat_map(struct fat_sb *fs, struct fat_inode *fi, uint32_t idx, bool alloc, bool zero,
	    uint32_t *cl)
{
	struct fat_chain c;
	uint32_t i = 0, val;
	int r;

	if (!fi->first) {
		if (!alloc)
			return -ENOENT;
		r = alloc_cluster(fs, 0, zero, &fi->first);
		if (r)
			return r;
		fi->nr_clusters = 1;
		fi->hint_idx = 0, fi->hint_clus = fi->first;
	}
	if (fi->hint_clus && fi->hint_idx <= idx)
		i = fi->hint_idx, r = fat_chain_start(&c, &fs->g, fi->hint_clus);
	else
		r = fat_chain_start(&c, &fs->g, fi->first);
	if (r)
		return fat_corrupt(fs, "first cluster out of range:", fi->first);
	while (i < idx) {
		mutex_lock(&fs->fat_lock);
		r = fat_get(fs, c.cur, &val);
		mutex_unlock(&fs->fat_lock);
		if (r)
			return r;
		r = fat_chain_next(&c, &fs->g, val);
		if (r < 0)
			return bad_chain(fs, &c, r);
		if (r == 0) {
			if (!alloc)
				return -ENOENT;
			r = alloc_cluster(fs, c.cur, zero, &val);
			if (r)
				return r;
			fi->nr_clusters++;
			r = fat_chain_start(&c, &fs->g, val);
			if (r)
				return r;
		}
		i++;
	}
	fi->hint_idx = i, fi->hint_clus = c.cur;
	*cl = c.cur;
	return 0;
}

int fat_free_chain(struct fat_sb *fs, uint32_t first)
{
	struct fat_chain c;
	uint32_t val;
	int r;

	if (!first)
		return 0;
	if (fat_chain_start(&c, &fs->g, first))
		return fat_corrupt(fs, "freeing a chain outside the volume at", first);
	mutex_lock(&fs->fat_lock);
	do {
		uint32_t cur = c.cur;

		r = fat_get(fs, cur, &val);
		if (r)
			break;
		if (val == 0) {
			r = fat_corrupt(fs, "freeing a free cluster", cur);
			break;
		}
		r = fat_set(fs, cur, 0);
		if (r)
			break;
		fs->free_count++;
		if (cur < fs->next_free)
			fs->next_free = cur;
		r = fat_chain_next(&c, &fs->g, val);
		if (r < 0)
			r = bad_chain(fs, &c, r);
	} while (r == 1);
	mutex_unlock(&fs->fat_lock);
	return r;
}

int fat_truncate_chain(struct fat_sb *fs, struct fat_inode *fi, uint32_t keep)
{
	uint32_t last, val;
	int r;

	fi->hint_idx = 0, fi->hint_clus = 0;
	if (!fi->first)
		return 0;
	if (!keep) {
		r = fat_free_chain(fs, fi->first);
		fi->first = 0;
		fi->nr_clusters = 0;
		return r;
	}
	r = fat_map(fs, fi, keep - 1, false, false, &last);
	if (r == -ENOENT)
		return 0; // shorter already
	if (r)
		return r;
	mutex_lock(&fs->fat_lock);
	r = fat_get(fs, last, &val);
	if (!r && fat_ent_classify(&fs->g, val) != FAT_ENT_EOC)
		r = fat_set(fs, last, fat_eoc(fs->g.type));
	mutex_unlock(&fs->fat_lock);
	if (r)
		return r;
	fi->nr_clusters = keep;
	fi->hint_idx = 0, fi->hint_clus = 0;
	return fat_ent_classify(&fs->g, val) == FAT_ENT_NEXT ? fat_free_chain(fs, val) : 0;
}

int fat_contig(struct fat_sb *fs, uint32_t cl, uint32_t max, uint32_t *n)
{
	unsigned int width = fat_ent_bytes(fs->g.type);
	uint32_t k = 1, val;
	int err = 0;

	mutex_lock(&fs->fat_lock);
	while (k < max && cl + k - 1 < fs->g.max_cluster) {
		struct buf *b;
		uint32_t in, c = cl + k - 1;

		if (fs->g.type == FAT12) {
			err = fat_get(fs, c, &val);
			if (err || val != c + 1)
				break;
			k++;
			continue;
		}
		err = fat_bread(fs, ent_byte(fs, fs->g.active_fat, c), &b, &in);
		if (err)
			break;
		for (; k < max && c < fs->g.max_cluster && in < fs->bsize; in += width, c++, k++)
			if (fat_ent_decode(fs->g.type, c, b->data + in) != c + 1)
				break;
		brelse(b);
		if (in < fs->bsize && k < max && c < fs->g.max_cluster)
			break; // the run ended inside this block
	}
	mutex_unlock(&fs->fat_lock);
	*n = k;
	return err;
}

/*
 * Entry @cl of the active FAT, reusing the FAT block held in *@b while
 * the entries stay in it (a chain walk reads one block per 1,024 FAT32
 * entries, not one lookup per entry: opening a 64 MiB file walked 16,384
 * entries in 12 ms). FAT12 entries can straddle blocks: fat_get. The
 * caller holds fat_lock and brelse()s *@b when done.
 */
static int ent_get_held(struct fat_sb *fs, uint32_t cl, struct buf **b, uint32_t *val)
	REQUIRES(&fs->fat_lock)
{
	uint64_t at = ent_byte(fs, fs->g.active_fat, cl);
	uint32_t in = (uint32_t)(at % fs->bsize);
	int err;

	if (fs->g.type == FAT12)
		return fat_get(fs, cl, val);
	if (*b && (*b)->block != at / fs->bsize) {
		brelse(*b);
		*b = NULL;
	}
	if (!*b && (err = fat_bread(fs, at, b, &in)))
		return err;
	*val = fat_ent_decode(fs->g.type, cl, (*b)->data + in);
	return 0;
}

int fat_chain_len(struct fat_sb *fs, uint32_t first, uint32_t *n)
{
	struct buf *b = NULL;
	struct fat_chain c;
	uint32_t val;
	int r = 0, read_err;

	*n = 0;
	if (!first)
		return 0;
	if (fat_chain_start(&c, &fs->g, first))
		return fat_corrupt(fs, "first cluster out of range:", first);
	mutex_lock(&fs->fat_lock);
	do {
		read_err = ent_get_held(fs, c.cur, &b, &val);
		if (read_err)
			break;
		r = fat_chain_next(&c, &fs->g, val);
	} while (r == 1);
	if (b)
		brelse(b);
	mutex_unlock(&fs->fat_lock);
	if (read_err)
		return read_err;
	if (r < 0)
		return bad_chain(fs, &c, r);
	*n = c.index + 1;
	return 0;
}

/*
 * A directory's name set: the hashes (ASCII case folded, as lookups
 * compare) of every long and short name in it, each with a count, in an
 * open-addressing table. "Not in the set" proves a name is absent, so a
 * lookup that misses (every create does one first) costs no directory
 * scan. The set is exact or invalid: any removal it cannot account for,
 * or no memory, drops it and lookups scan again.
 * Locking: the directory inode's lock.
 */
#include "fs/fat/fat_internal.h"

#include "mm/kmalloc.h"

static uint32_t fold_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		h = (h ^ (uint8_t)c) * 16777619u;
	}
	return h | 1; // 0 marks an empty slot
}

/* The slot of @key, or of the empty slot where it would go. */
static uint32_t slot_of(const struct fat_inode *fi, uint32_t key)
{
	uint32_t i = (key * 2654435761u) & (fi->ncap - 1);

	while (fi->nkeys[i] && fi->nkeys[i] != key)
		i = (i + 1) & (fi->ncap - 1);
	return i;
}

void fat_nset_free(struct fat_inode *fi)
{
	kfree(fi->nkeys);
	kfree(fi->ncounts);
	fi->nkeys = fi->ncounts = NULL;
	fi->ncap = fi->nused = 0;
	fi->nvalid = false;
}

/* Double the table (or make the first); false when out of memory. */
static bool grow(struct fat_inode *fi)
{
	uint32_t ocap = fi->ncap, *okeys = fi->nkeys, *ocounts = fi->ncounts;
	uint32_t cap = ocap ? ocap * 2 : 256;

	fi->nkeys = kzalloc(cap * sizeof(uint32_t));
	fi->ncounts = kzalloc(cap * sizeof(uint32_t));
	if (!fi->nkeys || !fi->ncounts) {
		kfree(okeys);
		kfree(ocounts);
		fat_nset_free(fi);
		return false;
	}
	fi->ncap = cap;
	fi->nused = 0;
	for (uint32_t i = 0; i < ocap; i++) {
		if (okeys[i] && ocounts[i]) {
			uint32_t s = slot_of(fi, okeys[i]);

			fi->nkeys[s] = okeys[i];
			fi->ncounts[s] = ocounts[i];
			fi->nused++;
		}
	}
	kfree(okeys);
	kfree(ocounts);
	return true;
}

void fat_nset_add(struct fat_inode *fi, const char *name, size_t len)
{
	uint32_t key = fold_hash(name, len), s;

	if (!fi->nvalid)
		return; // invalid (or never built): nothing to keep
	if ((fi->nused + 1) * 4 > fi->ncap * 3 && !grow(fi))
		return;
	s = slot_of(fi, key);
	if (!fi->nkeys[s]) {
		fi->nkeys[s] = key;
		fi->nused++;
	}
	fi->ncounts[s]++;
}

void fat_nset_del(struct fat_inode *fi, const char *name, size_t len)
{
	uint32_t s;

	if (!fi->nvalid)
		return;
	s = fi->ncap ? slot_of(fi, fold_hash(name, len)) : 0;
	if (!fi->ncap || !fi->nkeys[s] || !fi->ncounts[s])
		fat_nset_free(fi); // out of step: stop trusting it
	else
		fi->ncounts[s]--;
}

bool fat_nset_may_have(const struct fat_inode *fi, const char *name, size_t len)
{
	uint32_t s;

	if (!fi->nvalid)
		return true;
	if (!fi->ncap)
		return false;
	s = slot_of(fi, fold_hash(name, len));
	return fi->nkeys[s] && fi->ncounts[s];
}

/*
 * The dentry cache (fs/dcache.h has the rules): one global hash table of
 * (parent, name) edges over lib/namehash, reference counts, negative
 * entries, rename's move and umount's shrink.
 * Locking: dcache_lock, a spinlock of rank LOCK_RANK_SUBSYS + 4, guards
 * everything here; nothing sleeps, allocates or calls a filesystem under
 * it. Inserts also hold the parent directory's inode lock.
 *
 * Reference counts are atomic, so that taking another reference and
 * dropping one that is not the last need no lock (Linux's lockref idea):
 * a count only reaches 0 under dcache_lock, and only rises from 0 there
 * (a lookup finding a cached entry), so "count is 0" is stable under the
 * lock, which is what pruning and freeing decide on.
 */
#include "fs/dcache.h"

#include "arch/arch.h"
#include "fs/inode.h"
#include "include/uapi/errno.h"
#include "lib/path.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sync/spinlock.h"

#define DCACHE_BUCKETS 8192

static struct spinlock dcache_lock = SPINLOCK_INIT("dcache", LOCK_RANK_SUBSYS + 4);
/* Protected by dcache_lock: */
static struct list_head dcache_buckets[DCACHE_BUCKETS];
static struct namehash_table dcache_table;
static uint64_t dcache_nr;
/* Hashed dentries with no references, least recently used first (lru). */
static struct list_head dcache_lru;
static uint64_t dcache_nr_unused;

void dcache_init(void)
{
	namehash_init(&dcache_table, dcache_buckets, DCACHE_BUCKETS, arch_cycles());
	list_init(&dcache_lru);
}

uint64_t dcache_count_unused(void)
{
	return READ_ONCE(dcache_nr_unused);
}

/* Off the unused list (it has a user again, or is going away). */
static void lru_del_locked(struct dentry *d) REQUIRES(&dcache_lock)
{
	if (list_is_linked(&d->lru)) {
		list_del(&d->lru);
		dcache_nr_unused--;
	}
}

uint64_t dcache_count(void)
{
	return READ_ONCE(dcache_nr);
}

static struct dentry *dentry_alloc(struct super_block *sb, const char *name, size_t len)
{
	struct dentry *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->name = d->inline_name;
	if (len > DENTRY_INLINE_NAME) {
		d->name = kmalloc(len);
		if (!d->name) {
			kfree(d);
			return NULL;
		}
	}
	memcpy(d->name, name, len);
	d->len = len;
	d->sb = sb;
	d->count = 1;
	namehash_node_init(&d->hnode);
	list_init(&d->children);
	list_init(&d->child_link);
	list_init(&d->lru);
	return d;
}

static void dentry_free(struct dentry *d)
{
	if (d->name != d->inline_name)
		kfree(d->name);
	kfree(d);
}

struct dentry *dentry_alloc_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = dentry_alloc(sb, "/", 1);

	if (!d)
		return NULL;
	d->parent = d;
	d->inode = root;
	spin_lock(&dcache_lock);
	list_add_tail(&d->sb_link, &sb->dentries);
	dcache_nr++;
	spin_unlock(&dcache_lock);
	return d;
}

static void count_inc(struct dentry *d)
{
	__atomic_add_fetch(&d->count, 1, __ATOMIC_RELAXED);
}

void dentry_get(struct dentry *d)
{
	count_inc(d); // the caller's reference keeps the count above 0
}

/* A reference from a lookup, which may find an unused dentry. */
static void count_inc_locked(struct dentry *d) REQUIRES(&dcache_lock)
{
	if (__atomic_add_fetch(&d->count, 1, __ATOMIC_RELAXED) == 1)
		lru_del_locked(d);
}

/*
 * Take up to @max unused dentries off the cache, oldest first, onto
 * @victims (linked through lru). They are leaves: a child holds its
 * parent, so an unused dentry has none.
 */
static size_t lru_take_locked(size_t max, struct list_head *victims) REQUIRES(&dcache_lock)
{
	size_t n = 0;

	while (n < max && !list_empty(&dcache_lru)) {
		struct dentry *d = list_first_entry(&dcache_lru, struct dentry, lru);

		lru_del_locked(d);
		namehash_remove(&d->hnode);
		list_del(&d->child_link);
		list_del(&d->sb_link);
		dcache_nr--;
		list_add_tail(&d->lru, victims);
		n++;
	}
	return n;
}

/* Free what lru_take_locked took, dropping their parents and inodes. */
static void free_victims(struct list_head *victims)
{
	while (!list_empty(victims)) {
		struct dentry *d = list_first_entry(victims, struct dentry, lru);
		struct dentry *parent = d->parent;
		struct inode *inode = d->inode;

		list_del(&d->lru);
		dentry_free(d);
		inode_put(inode);
		dentry_put(parent);
	}
}

size_t dcache_shrink(size_t max)
{
	struct list_head victims;
	size_t n;

	list_init(&victims);
	spin_lock(&dcache_lock);
	n = lru_take_locked(max, &victims);
	spin_unlock(&dcache_lock);
	free_victims(&victims);
	return n;
}

/* Drop a reference that is not the last; false (nothing done) if it may be. */
static bool count_dec_not_last(struct dentry *d)
{
	int64_t old = __atomic_load_n(&d->count, __ATOMIC_RELAXED);

	while (old > 1)
		if (__atomic_compare_exchange_n(&d->count, &old, old - 1, false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

void dentry_put(struct dentry *d)
{
	while (d) {
		struct dentry *parent;
		struct inode *inode;

		if (count_dec_not_last(d))
			return;
		spin_lock(&dcache_lock);
		if (__atomic_sub_fetch(&d->count, 1, __ATOMIC_ACQ_REL) > 0 || d->parent == d) {
			spin_unlock(&dcache_lock);
			return;
		}
		if (namehash_is_hashed(&d->hnode)) { // cached, unused
			bool over = dcache_nr_unused >= DCACHE_UNUSED_MAX;

			list_add_tail(&d->lru, &dcache_lru);
			dcache_nr_unused++;
			spin_unlock(&dcache_lock);
			if (over)
				(void)dcache_shrink(DCACHE_SHRINK_BATCH);
			return;
		}
		/* Unhashed and unused: nobody can find it again. */
		parent = d->parent;
		inode = d->inode;
		list_del(&d->child_link);
		list_del(&d->sb_link);
		dcache_nr--;
		spin_unlock(&dcache_lock);
		dentry_free(d);
		inode_put(inode);
		d = parent; // drop the reference the child held
	}
}

struct inode *dentry_inode(const struct dentry *d)
{
	return READ_ONCE(d->inode);
}

bool dentry_is_hashed(struct dentry *d)
{
	bool r;

	spin_lock(&dcache_lock);
	r = namehash_is_hashed(&d->hnode);
	spin_unlock(&dcache_lock);
	return r;
}

size_t dentry_copy_name(struct dentry *d, char *buf)
{
	size_t len;

	spin_lock(&dcache_lock);
	len = d->len;
	memcpy(buf, d->name, len);
	spin_unlock(&dcache_lock);
	buf[len] = '\0';
	return len;
}

struct dentry *dentry_parent(struct dentry *d)
{
	struct dentry *p;

	spin_lock(&dcache_lock);
	p = d->parent;
	count_inc(p);
	spin_unlock(&dcache_lock);
	return p;
}

struct dentry_key {
	const struct dentry *parent;
	const char *name;
	size_t len;
};

static bool dentry_match(const struct namehash_node *n, const void *key)
{
	const struct dentry *d = container_of(n, struct dentry, hnode);
	const struct dentry_key *k = key;

	return d->parent == k->parent && d->len == k->len && !memcmp(d->name, k->name, k->len);
}

/* Find a live dentry and take a reference; dcache_lock held. */
static struct dentry *dcache_find_locked(const struct dentry_key *k, uint64_t hash)
	REQUIRES(&dcache_lock)
{
	struct namehash_node *n;
	struct dentry *d;

	spin_assert_held(&dcache_lock);
	n = namehash_find(&dcache_table, hash, dentry_match, k);
	if (!n)
		return NULL;
	d = container_of(n, struct dentry, hnode);
	count_inc_locked(d);
	return d;
}

static uint64_t dcache_hash(const struct dentry_key *k)
{
	return namehash_of(&dcache_table, (uint64_t)(uintptr_t)k->parent, k->name, k->len);
}

/* Does @d's filesystem still stand by the cached @d? */
static bool dentry_is_valid(struct dentry *d)
{
	const struct super_ops *ops = d->sb->ops;

	return !ops->revalidate || ops->revalidate(d);
}

int dcache_lookup(struct dentry *dir, const char *name, size_t len, struct dentry **out)
{
	struct dentry_key k = { dir, name, len };
	struct inode *di = dentry_inode(dir);
	uint64_t hash = dcache_hash(&k);
	struct dentry *d;
	int err;

	if (!di || !inode_is_dir(di))
		return -ENOTDIR;
	spin_lock(&dcache_lock);
	d = dcache_find_locked(&k, hash);
	spin_unlock(&dcache_lock);
	if (d && dentry_is_valid(d)) {
		*out = d;
		return 0;
	}
	dentry_put(d); // stale (or NULL): the locked path drops it and asks again
	mutex_lock(&di->lock);
	err = dcache_lookup_locked(dir, name, len, out);
	mutex_unlock(&di->lock);
	return err;
}

void dcache_walk_lock(void)
{
	spin_lock(&dcache_lock);
}

void dcache_walk_unlock(void)
{
	spin_unlock(&dcache_lock);
}

struct dentry *dcache_walk_child(struct dentry *dir, const char *name, size_t len)
{
	struct dentry_key k = { dir, name, len };
	struct namehash_node *n;
	struct dentry *d;

	spin_assert_held(&dcache_lock);
	n = namehash_find(&dcache_table, dcache_hash(&k), dentry_match, &k);
	if (!n)
		return NULL;
	d = container_of(n, struct dentry, hnode);
	return d->inode && !d->sb->ops->revalidate ? d : NULL;
}

void dentry_get_walk(struct dentry *d)
{
	spin_assert_held(&dcache_lock);
	count_inc_locked(d);
}

/* Hash the new @d under @parent (which it references). */
static void dcache_insert(struct dentry *d, struct dentry *parent, uint64_t hash)
{
	spin_lock(&dcache_lock);
	count_inc(parent);
	d->parent = parent;
	list_add_tail(&d->child_link, &parent->children);
	list_add_tail(&d->sb_link, &d->sb->dentries);
	namehash_insert(&dcache_table, &d->hnode, hash);
	dcache_nr++;
	spin_unlock(&dcache_lock);
}

int dcache_lookup_locked(struct dentry *dir, const char *name, size_t len, struct dentry **out)
{
	struct dentry_key k = { dir, name, len };
	struct inode *di = dentry_inode(dir);
	uint64_t hash = dcache_hash(&k);
	struct inode *inode = NULL;
	struct dentry *d;
	int err;

	if (!di || !inode_is_dir(di))
		return -ENOTDIR;
	spin_lock(&dcache_lock);
	d = dcache_find_locked(&k, hash);
	spin_unlock(&dcache_lock);
	if (d && dentry_is_valid(d))
		goto found;
	if (d) {
		dentry_drop(d);
		dentry_put(d);
	}
	if (di->dead)
		return -ENOENT; // removed: no new names, not even negative ones
	err = di->iops->lookup(di, name, len, &inode);
	if (err && err != -ENOENT)
		return err;
	d = dentry_alloc(dir->sb, name, len);
	if (!d) {
		inode_put(inode);
		return -ENOMEM;
	}
	d->inode = inode;
	dcache_insert(d, dir, hash);
found:
	*out = d;
	return 0;
}

void dentry_instantiate(struct dentry *d, struct inode *inode)
{
	spin_lock(&dcache_lock);
	WRITE_ONCE(d->inode, inode);
	spin_unlock(&dcache_lock);
}

/* Free @d's unused negative children; dcache_lock held. Returns them on
 * @dead for freeing once the lock is dropped. */
static void dentry_prune_children_locked(struct dentry *d, struct list_head *dead)
	REQUIRES(&dcache_lock)
{
	struct list_head *pos, *tmp;

	spin_assert_held(&dcache_lock);
	list_for_each_safe(pos, tmp, &d->children)
	{
		struct dentry *c = list_entry(pos, struct dentry, child_link);

		if (__atomic_load_n(&c->count, __ATOMIC_RELAXED) || c->inode)
			continue;
		lru_del_locked(c);
		namehash_remove(&c->hnode);
		list_del(&c->child_link);
		list_del(&c->sb_link);
		dcache_nr--;
		__atomic_sub_fetch(&d->count, 1, __ATOMIC_RELAXED); // the child's; d is still held
		list_add_tail(&c->child_link, dead);
	}
}

void dentry_drop(struct dentry *d)
{
	struct list_head dead, *pos, *tmp;

	list_init(&dead);
	spin_lock(&dcache_lock);
	if (namehash_is_hashed(&d->hnode))
		namehash_remove(&d->hnode);
	dentry_prune_children_locked(d, &dead);
	spin_unlock(&dcache_lock);
	list_for_each_safe(pos, tmp, &dead) dentry_free(list_entry(pos, struct dentry, child_link));
}

bool dentry_name_needs_buf(size_t len)
{
	return len > DENTRY_INLINE_NAME;
}

char *dentry_name_buf(size_t len)
{
	return dentry_name_needs_buf(len) ? kmalloc(len) : NULL;
}

void dentry_move(struct dentry *d, struct dentry *np, const char *name, size_t len, char *buf)
{
	struct dentry_key k = { np, name, len };
	uint64_t hash = dcache_hash(&k);
	char *nbuf = buf ? buf : d->inline_name, *old_buf = NULL;
	struct dentry *other, *old_parent;
	spin_lock(&dcache_lock);
	other = dcache_find_locked(&k, hash);
	if (other)
		namehash_remove(&other->hnode); // our find reference is dropped below
	if (d->name != d->inline_name)
		old_buf = d->name;
	memcpy(nbuf, name, len); // an inline buffer is never read without the lock
	d->name = nbuf;
	d->len = len;
	old_parent = d->parent;
	count_inc(np);
	d->parent = np;
	list_del(&d->child_link);
	list_add_tail(&d->child_link, &np->children);
	if (namehash_is_hashed(&d->hnode))
		namehash_remove(&d->hnode);
	namehash_insert(&dcache_table, &d->hnode, hash);
	spin_unlock(&dcache_lock);
	kfree(old_buf);
	if (other)
		dentry_put(other); // frees it if unused (count back to what it was)
	dentry_put(old_parent);
}

bool dentry_is_ancestor(struct dentry *a, struct dentry *d)
{
	bool found = false;

	spin_lock(&dcache_lock);
	for (;;) {
		if (d == a) {
			found = true;
			break;
		}
		if (d->parent == d)
			break;
		d = d->parent;
	}
	spin_unlock(&dcache_lock);
	return found;
}

void dcache_shrink_sb(struct super_block *sb)
{
	for (;;) {
		struct dentry *d = NULL;

		spin_lock(&dcache_lock);
		if (!list_empty(&sb->dentries)) {
			d = list_first_entry(&sb->dentries, struct dentry, sb_link);
			lru_del_locked(d);
			if (namehash_is_hashed(&d->hnode))
				namehash_remove(&d->hnode);
			list_del(&d->sb_link);
			dcache_nr--; // child_link: its neighbours may be freed already
		}
		spin_unlock(&dcache_lock);
		if (!d)
			break;
		dentry_free(d);
	}
}

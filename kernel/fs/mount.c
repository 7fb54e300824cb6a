/*
 * The mount table and filesystem types: mounting a new superblock on a
 * directory, crossing mount points in both directions for the path walk,
 * and umount, refused with -EBUSY while anything uses the mount.
 * Locking: mount_lock (spinlock, LOCK_RANK_SUBSYS + 2) guards the list,
 * the child counts and dentries' `mounted` counts; dcache_lock nests
 * inside it (a reference taken while crossing). Changes to the list and
 * the `mounted` counts, and umount's "nobody uses it" check, also hold
 * dcache_lock, so the fast path walk can cross mounts and take a mount
 * reference holding dcache_lock alone. Filesystem callbacks run without
 * either.
 */
#include "fs/mount.h"

#include "core/log.h"
#include "drivers/block/blkdev.h"
#include "fs/dcache.h"
#include "fs/inode.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sync/mutex.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "vfs: "

#define FS_TYPES_MAX 8

static struct spinlock mount_lock = SPINLOCK_INIT("mount", LOCK_RANK_SUBSYS + 2);
/* Protected by mount_lock: */
static struct list_head mount_list = LIST_HEAD_INIT(mount_list);
static uint64_t next_dev = 1; // anonymous device numbers, major 0
/* Written at boot, before the first mount; read-only after: */
static const struct fs_type *fs_types[FS_TYPES_MAX];
static struct mount *root_mount;

void fs_type_register(const struct fs_type *t)
{
	for (int i = 0; i < FS_TYPES_MAX; i++) {
		if (!fs_types[i]) {
			fs_types[i] = t;
			return;
		}
	}
	log_warn("no room to register filesystem %s\n", t->name);
}

const struct fs_type *fs_type_find(const char *name)
{
	for (int i = 0; i < FS_TYPES_MAX && fs_types[i]; i++)
		if (!strcmp(fs_types[i]->name, name))
			return fs_types[i];
	return NULL;
}

const struct fs_type *fs_type_at(unsigned int i)
{
	return i < FS_TYPES_MAX ? fs_types[i] : NULL;
}

void vfs_path_get(const struct vfs_path *p)
{
	atomic_inc(&p->mnt->count);
	dentry_get(p->dentry);
}

void vfs_path_put(struct vfs_path *p)
{
	dentry_put(p->dentry);
	atomic_dec(&p->mnt->count);
	p->dentry = NULL;
	p->mnt = NULL;
}

void vfs_root(struct vfs_path *out)
{
	out->mnt = root_mount;
	out->dentry = root_mount->root;
	vfs_path_get(out);
}

const struct fs_type *fs_type_probe(struct blkdev *dev)
{
	for (int i = 0; i < FS_TYPES_MAX && fs_types[i]; i++)
		if (fs_types[i]->requires_dev && fs_types[i]->probe && fs_types[i]->probe(dev))
			return fs_types[i];
	return NULL;
}

static int source_in_use(const struct mount *m, void *arg)
{
	return m->sb->type_name && fs_type_find(m->sb->type_name) &&
	       fs_type_find(m->sb->type_name)->requires_dev && !strcmp(m->source, arg);
}

bool mount_source_busy(const char *source)
{
	return mount_for_each(source_in_use, (void *)source) != 0;
}

/* The type to mount @source with: @type by name, or probed for NULL/"auto". */
static int mount_pick_type(const char *type, const char *source, const struct fs_type **out)
{
	struct blkdev *dev;

	if (type && strcmp(type, "auto")) {
		*out = fs_type_find(type);
		if (!*out)
			return -ENODEV;
		if (!(*out)->requires_dev)
			return 0;
	}
	dev = source ? blkdev_find(source) : NULL;
	if (!dev)
		return -ENXIO;
	/* Two superblocks over one disk would each trust their own bitmaps. */
	if (mount_source_busy(source))
		return -EBUSY;
	if (!type || !strcmp(type, "auto")) {
		*out = fs_type_probe(dev);
		if (!*out)
			return -EINVAL;
	}
	return 0;
}

/* Build a mount for a new filesystem of @type; not yet in the table. */
static int mount_create(const char *type, const char *source, const char *opts, struct mount **out)
{
	const struct fs_type *t = NULL;
	struct super_block *sb;
	struct mount *m;
	int err;

	err = mount_pick_type(type, source, &t);
	if (err)
		return err;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	err = t->mount(source, opts, &sb);
	if (err) {
		kfree(m);
		return err;
	}
	m->root = dentry_alloc_root(sb, sb->root);
	if (!m->root) {
		inode_evict_all(sb);
		sb->ops->put_super(sb);
		kfree(m);
		return -ENOMEM;
	}
	m->sb = sb;
	strlcpy(m->source, source ? source : "none", sizeof(m->source));
	strlcpy(m->opts, opts ? opts : "", sizeof(m->opts));
	atomic_set(&m->count, 1); // the table's
	list_init(&m->link);
	*out = m;
	return 0;
}

static void mount_link(struct mount *m)
{
	spin_lock(&mount_lock);
	m->sb->dev = next_dev++;
	dcache_walk_lock();
	list_add_tail(&m->link, &mount_list);
	if (m->parent) {
		m->parent->nr_children++;
		m->mountpoint->mounted++;
	}
	dcache_walk_unlock();
	spin_unlock(&mount_lock);
}

int vfs_mount_root(const char *type, const char *opts)
{
	return vfs_switch_root(type, "none", opts);
}

int vfs_switch_root(const char *type, const char *source, const char *opts)
{
	struct mount *m;
	int err = mount_create(type, source, opts, &m);

	if (err)
		return err;
	mount_link(m);
	root_mount = m;
	return 0;
}

/* Serialises mounting (the device-in-use check and the new mount's
 * linking are one step) and nothing else; taken before mount_lock. */
static struct mutex mount_mutex;

void mount_init(void)
{
	mutex_init(&mount_mutex, "mount");
}

int vfs_mount_at(const struct vfs_path *at, const char *type, const char *source, const char *opts)
{
	struct inode *dir = dentry_inode(at->dentry);
	struct mount *m;
	int err;

	if (!dir || !inode_is_dir(dir))
		return -ENOTDIR;
	if (READ_ONCE(dir->dead))
		return -ENOENT;
	mutex_lock(&mount_mutex);
	err = mount_create(type, source, opts, &m);
	if (!err) {
		vfs_path_get(at);
		m->parent = at->mnt;
		m->mountpoint = at->dentry;
		mount_link(m);
	}
	mutex_unlock(&mount_mutex);
	return err;
}

/* Free a mount that is off the table, and its filesystem. */
static void mount_destroy(struct mount *m)
{
	struct super_block *sb = m->sb;
	struct vfs_path mp = { m->parent, m->mountpoint };

	if (sb->ops->sync)
		(void)sb->ops->sync(sb);
	dcache_shrink_sb(sb);
	inode_evict_all(sb);
	sb->ops->put_super(sb);
	kfree(m);
	vfs_path_put(&mp);
}

int vfs_umount(struct vfs_path *at)
{
	struct mount *m = at->mnt;
	int err = 0;

	if (at->dentry != m->root || !m->parent) {
		vfs_path_put(at);
		return -EINVAL;
	}
	spin_lock(&mount_lock);
	dcache_walk_lock(); // no fast walk takes a reference meanwhile
	/* The table's reference and the caller's: nobody else. */
	if (atomic_read(&m->count) != 2 || m->nr_children) {
		err = -EBUSY;
	} else {
		list_del(&m->link);
		m->parent->nr_children--;
		m->mountpoint->mounted--;
	}
	dcache_walk_unlock();
	spin_unlock(&mount_lock);
	if (err) {
		vfs_path_put(at);
		return err;
	}
	mount_destroy(m); // the caller's references die with it
	at->mnt = NULL;
	at->dentry = NULL;
	return 0;
}

struct mount *mount_next(struct mount *prev)
{
	struct list_head *pos;
	struct mount *m = NULL;

	spin_lock(&mount_lock);
	pos = prev ? prev->link.next : mount_list.next;
	if (pos != &mount_list) {
		m = list_entry(pos, struct mount, link);
		atomic_inc(&m->count); // from the table's: allowed under mount_lock
	}
	spin_unlock(&mount_lock);
	if (prev)
		atomic_dec(&prev->count);
	return m;
}

/* The newest mount nobody uses and nothing is mounted below, taken off
 * the table; NULL when there is none. */
static struct mount *mount_take_unused(void)
{
	struct mount *victim = NULL;
	struct list_head *pos;

	spin_lock(&mount_lock);
	dcache_walk_lock(); // as vfs_umount: no fast walk takes a reference meanwhile
	for (pos = mount_list.prev; pos != &mount_list; pos = pos->prev) {
		struct mount *m = list_entry(pos, struct mount, link);

		if (m->parent && !m->nr_children && atomic_read(&m->count) == 1) {
			list_del(&m->link);
			m->parent->nr_children--;
			m->mountpoint->mounted--;
			victim = m;
			break;
		}
	}
	dcache_walk_unlock();
	spin_unlock(&mount_lock);
	return victim;
}

unsigned int vfs_umount_all(void)
{
	unsigned int n = 0;
	struct mount *m;

	while ((m = mount_take_unused())) {
		mount_destroy(m);
		n++;
	}
	return n;
}

bool dentry_is_mountpoint(struct dentry *d)
{
	bool r;

	spin_lock(&mount_lock);
	r = d->mounted != 0;
	spin_unlock(&mount_lock);
	return r;
}

/* The most recent mount on (@mnt, @d), referenced; mount_lock held. */
/* The mount last made on (@mnt, @d), not referenced; NULL if none.
 * mount_lock or the dcache's walk lock held. */
static struct mount *mount_on_locked(struct mount *mnt, struct dentry *d)
{
	struct list_head *pos;

	for (pos = mount_list.prev; pos != &mount_list; pos = pos->prev) {
		struct mount *m = list_entry(pos, struct mount, link);

		if (m->parent == mnt && m->mountpoint == d)
			return m;
	}
	return NULL;
}

/* The same, referenced with its root dentry. */
static struct mount *mount_find_locked(struct mount *mnt, struct dentry *d) REQUIRES(&mount_lock)
{
	struct mount *m = mount_on_locked(mnt, d);

	if (m) {
		atomic_inc(&m->count);
		dentry_get(m->root);
	}
	return m;
}

void mount_walk_root(struct vfs_path *out)
{
	out->mnt = root_mount;
	out->dentry = root_mount->root;
}

void mount_walk_cross(struct vfs_path *p)
{
	while (p->dentry->mounted) {
		struct mount *m = mount_on_locked(p->mnt, p->dentry);

		if (!m)
			return;
		p->mnt = m;
		p->dentry = m->root;
	}
}

void vfs_path_get_walk(const struct vfs_path *p)
{
	atomic_inc(&p->mnt->count);
	dentry_get_walk(p->dentry);
}

void mount_follow(struct vfs_path *p)
{
	while (READ_ONCE(p->dentry->mounted)) {
		struct mount *m;

		spin_lock(&mount_lock);
		m = mount_find_locked(p->mnt, p->dentry);
		spin_unlock(&mount_lock);
		if (!m)
			return;
		vfs_path_put(p);
		p->mnt = m;
		p->dentry = m->root;
	}
}

void mount_up(struct vfs_path *p, const struct vfs_path *root)
{
	for (;;) {
		struct vfs_path up;

		if (p->mnt == root->mnt && p->dentry == root->dentry)
			return;
		if (p->dentry != p->mnt->root) {
			struct dentry *parent = dentry_parent(p->dentry);

			dentry_put(p->dentry);
			p->dentry = parent;
			return;
		}
		if (!p->mnt->parent)
			return;
		up.mnt = p->mnt->parent;
		up.dentry = p->mnt->mountpoint;
		vfs_path_get(&up);
		vfs_path_put(p);
		*p = up;
	}
}

int mount_for_each(int (*fn)(const struct mount *m, void *arg), void *arg)
{
	struct list_head *pos;
	int r = 0;

	spin_lock(&mount_lock);
	list_for_each (pos, &mount_list) {
		r = fn(list_entry(pos, struct mount, link), arg);
		if (r)
			break;
	}
	spin_unlock(&mount_lock);
	return r;
}

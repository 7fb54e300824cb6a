/*
 * The path walk. Components come from lib/path iterators kept on a stack:
 * a symlink met in the middle of a path pushes an iterator over its
 * target, one met last replaces the finished iterator (so a chain of 40
 * links needs no more than one frame); VFS_SYMLINK_MAX links in all, then
 * -ELOOP. The walk state lives on the heap (the frames are too big for a
 * kernel stack frame). Locks: none held between components.
 *
 * Most walks never get that far: walk_fast() first tries the whole path
 * under the dcache's spinlock, through cached positive dentries
 * only, with no allocation and references taken on the result alone.
 * Anything else (a cache miss, a negative or revalidated name, a symlink
 * to follow, ".." out of a mounted root, any error) makes it give up, and
 * the slow walk above starts again from the beginning, so every error and
 * every filesystem call comes from one place.
 */
#include "fs/namei.h"

#include "fs/dcache.h"
#include "fs/inode.h"
#include "include/uapi/errno.h"
#include "lib/path.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

struct walk_frame {
	struct path_iter it;
	char *buf; // the symlink target it walks (kmalloc'd); NULL for the path
};

struct walk_state {
	struct vfs_path root, cur;
	struct walk_frame frames[VFS_SYMLINK_MAX + 1];
	int depth;
	int nlinks;
	bool must_dir; // the last component had a trailing slash
	unsigned int flags;
};

static int walk_begin(struct walk_state *ws, const struct vfs_path *start, const char *path)
{
	ssize_t len = path_check(path);
	int err;

	if (len < 0)
		return (int)len;
	err = path_iter_init(&ws->frames[0].it, path, (size_t)len);
	if (err)
		return err;
	ws->frames[0].buf = NULL;
	ws->depth = 1;
	vfs_root(&ws->root);
	ws->cur = (ws->frames[0].it.absolute || !start) ? ws->root : *start;
	vfs_path_get(&ws->cur);
	return 0;
}

static void walk_end(struct walk_state *ws)
{
	while (ws->depth > 0)
		kfree(ws->frames[--ws->depth].buf);
	if (ws->cur.mnt)
		vfs_path_put(&ws->cur);
	vfs_path_put(&ws->root);
}

/* The last component, for vfs_walk_parent. */
static void walk_set_last(struct walk_last *out, const struct path_comp *c, bool must_dir)
{
	memcpy(out->name, c->name, c->len);
	out->name[c->len] = '\0';
	out->len = c->len;
	out->must_dir = must_dir;
	out->is_dot = path_is_dot(c->name, c->len) || path_is_dotdot(c->name, c->len);
}

/* Read @link's target and walk it next, from the root if absolute. */
static int walk_push_link(struct walk_state *ws, struct inode *link, bool last)
{
	struct walk_frame *f;
	char *buf;
	ssize_t n;
	int err;

	if (++ws->nlinks > VFS_SYMLINK_MAX)
		return -ELOOP;
	buf = kmalloc(PATH_LEN_MAX);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&link->lock);
	n = link->iops->readlink ? link->iops->readlink(link, buf, PATH_LEN_MAX) : -EINVAL;
	mutex_unlock(&link->lock);
	if (n <= 0) {
		kfree(buf);
		return n ? (int)n : -ENOENT;
	}
	if (last) // a tail link: its frame is done, reuse it
		kfree(ws->frames[--ws->depth].buf);
	f = &ws->frames[ws->depth];
	err = path_iter_init(&f->it, buf, (size_t)n);
	if (err) {
		kfree(buf);
		return err;
	}
	f->buf = buf;
	ws->depth++;
	if (f->it.absolute) {
		vfs_path_put(&ws->cur);
		ws->cur = ws->root;
		vfs_path_get(&ws->cur);
	}
	return 0;
}

/* Move from ws->cur to its child @c (not "." or ".."). */
static int walk_child(struct walk_state *ws, const struct path_comp *c, bool last)
{
	struct vfs_path next;
	struct inode *child;
	struct dentry *d;
	int err;

	err = dcache_lookup(ws->cur.dentry, c->name, c->len, &d);
	if (err)
		return err;
	if (!dentry_inode(d)) {
		if (last && (ws->flags & WALK_NEGATIVE)) {
			dentry_put(ws->cur.dentry);
			ws->cur.dentry = d;
			return 0;
		}
		dentry_put(d);
		return -ENOENT;
	}
	next.mnt = ws->cur.mnt;
	next.dentry = d;
	atomic_inc(&next.mnt->count);
	mount_follow(&next);
	child = dentry_inode(next.dentry);
	if (S_ISLNK(child->mode) && (!last || (ws->flags & WALK_FOLLOW) || c->must_dir)) {
		err = walk_push_link(ws, child, last);
		vfs_path_put(&next);
		return err;
	}
	vfs_path_put(&ws->cur);
	ws->cur = next;
	return 0;
}

static int walk_component(struct walk_state *ws, const struct path_comp *c, bool last)
{
	struct inode *dir = dentry_inode(ws->cur.dentry);

	if (!dir || !inode_is_dir(dir))
		return -ENOTDIR;
	if (path_is_dot(c->name, c->len))
		return 0;
	if (path_is_dotdot(c->name, c->len)) {
		mount_up(&ws->cur, &ws->root);
		return 0;
	}
	return walk_child(ws, c, last);
}

/*
 * Walk every component; with @last_out, stop before the last one and
 * describe it there instead. Returns 0 or -errno; ws->cur is the result.
 */
static int walk_run(struct walk_state *ws, struct walk_last *last_out)
{
	struct path_comp c;

	for (;;) {
		struct walk_frame *top = &ws->frames[ws->depth - 1];
		int r = path_next(&top->it, &c);
		bool last;

		if (r < 0)
			return r;
		if (r == 0) {
			if (ws->depth == 1)
				return 0;
			kfree(top->buf);
			ws->depth--;
			continue;
		}
		last = c.last && ws->depth == 1;
		if (last)
			ws->must_dir |= c.must_dir;
		if (last && last_out) {
			walk_set_last(last_out, &c, ws->must_dir);
			return 0;
		}
		r = walk_component(ws, &c, last);
		if (r)
			return r;
	}
}

#define WALK_SLOW 1 // walk_fast()'s "ask the slow walk"

/* One step of the fast walk from *@cur (locks held); false: go slow. */
static bool walk_fast_step(struct vfs_path *cur, const struct path_comp *c, unsigned int flags,
			   const struct vfs_path *root)
{
	struct inode *dir = cur->dentry->inode, *child;
	struct vfs_path next;

	if (!dir || !inode_is_dir(dir))
		return false;
	if (path_is_dot(c->name, c->len))
		return true;
	if (path_is_dotdot(c->name, c->len)) {
		if (cur->mnt == root->mnt && cur->dentry == root->dentry)
			return true;
		if (cur->dentry == cur->mnt->root)
			return false; // mount_up's job
		cur->dentry = cur->dentry->parent;
		return true;
	}
	next.mnt = cur->mnt;
	next.dentry = dcache_walk_child(cur->dentry, c->name, c->len);
	if (!next.dentry)
		return false;
	mount_walk_cross(&next);
	child = next.dentry->inode;
	if (S_ISLNK(child->mode) && (!c->last || (flags & WALK_FOLLOW) || c->must_dir))
		return false;
	*cur = next;
	return true;
}

/*
 * Resolve @path (all of it, or all but the last component into @last_out)
 * without sleeping. Returns 0 with *@out referenced, or WALK_SLOW.
 */
static int walk_fast(const struct vfs_path *start, const char *path, unsigned int flags,
		     struct vfs_path *out, struct walk_last *last_out)
{
	struct vfs_path root, cur;
	struct path_comp c;
	const char *p = path;
	bool must_dir = false, want_dir = last_out || (flags & WALK_DIRECTORY);
	int r;

	if (!*path)
		return WALK_SLOW;
	dcache_walk_lock();
	mount_walk_root(&root);
	cur = (*path == '/' || !start) ? root : *start;
	while ((r = path_next_str(path, &p, &c)) > 0) {
		if (c.last)
			must_dir |= c.must_dir;
		if (c.last && last_out) {
			walk_set_last(last_out, &c, must_dir);
			break;
		}
		if (!walk_fast_step(&cur, &c, flags, &root))
			goto slow;
	}
	if (r < 0 || ((want_dir || must_dir) && !inode_is_dir(cur.dentry->inode)))
		goto slow;
	vfs_path_get_walk(&cur);
	dcache_walk_unlock();
	*out = cur;
	return 0;
slow:
	dcache_walk_unlock();
	return WALK_SLOW;
}

/* End a walk: on success hand its place to *@out (refused with -ENOTDIR
 * when @want_dir and it is not a directory). Returns the final error. */
static int walk_take(struct walk_state *ws, int err, bool want_dir, struct vfs_path *out)
{
	struct inode *inode = err ? NULL : dentry_inode(ws->cur.dentry);

	if (inode && want_dir && !inode_is_dir(inode))
		err = -ENOTDIR;
	if (!err) {
		*out = ws->cur;
		ws->cur.mnt = NULL;
	}
	walk_end(ws);
	return err;
}

int vfs_walk(const struct vfs_path *start, const char *path, unsigned int flags,
	     struct vfs_path *out)
{
	struct walk_state *ws;
	int err;

	if (!walk_fast(start, path, flags, out, NULL))
		return 0;
	ws = kzalloc(sizeof(*ws));
	if (!ws)
		return -ENOMEM;
	ws->flags = flags;
	err = walk_begin(ws, start, path);
	if (err)
		goto out_free;
	err = walk_run(ws, NULL);
	err = walk_take(ws, err, ws->must_dir || (flags & WALK_DIRECTORY), out);
out_free:
	kfree(ws);
	return err;
}

int vfs_walk_parent(const struct vfs_path *start, const char *path, struct vfs_path *parent,
		    struct walk_last *last)
{
	struct walk_state *ws;
	int err;

	memset(last, 0, sizeof(*last));
	if (!walk_fast(start, path, 0, parent, last))
		return 0;
	memset(last, 0, sizeof(*last));
	ws = kzalloc(sizeof(*ws));
	if (!ws)
		return -ENOMEM;
	err = walk_begin(ws, start, path);
	if (err)
		goto out_free;
	err = walk_run(ws, last);
	err = walk_take(ws, err, true, parent);
out_free:
	kfree(ws);
	return err;
}

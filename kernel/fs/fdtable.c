/*
 * File-descriptor tables (fs/fdtable.h): lowest-free allocation, dup,
 * dup2, close and close-on-exec bits over a fixed array of FD_TABLE_MAX
 * slots, and the table's reference count. Locking: the table's spinlock
 * around slot changes; file_put() (which may sleep) always runs after it
 * is dropped.
 */
#include "fs/fdtable.h"

#include "fs/file.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

static bool fd_valid(int fd)
{
	return fd >= 0 && fd < FD_TABLE_MAX;
}

static void cloexec_set_locked(struct fd_table *t, int fd, bool on) REQUIRES(&t->lock)
{
	uint64_t bit = 1ull << (fd % 64);

	spin_assert_held(&t->lock);
	if (on)
		t->cloexec[fd / 64] |= bit;
	else
		t->cloexec[fd / 64] &= ~bit;
}

/* Empty slot @fd and hand back what was in it (NULL if nothing). */
static struct file *fd_take(struct fd_table *t, int fd)
{
	struct file *f;

	spin_lock(&t->lock);
	f = t->files[fd];
	t->files[fd] = NULL;
	cloexec_set_locked(t, fd, false);
	spin_unlock(&t->lock);
	return f;
}

struct fd_table *fd_table_create(void)
{
	struct fd_table *t = kzalloc(sizeof(*t));

	if (t) {
		spin_init(&t->lock, "fd_table", LOCK_RANK_SUBSYS + 1);
		atomic_set(&t->refs, 1);
	}
	return t;
}

struct fd_table *fd_table_dup(struct fd_table *t)
{
	struct fd_table *n = fd_table_create();

	if (!n)
		return NULL;
	spin_lock(&t->lock);
	for (int fd = 0; fd < FD_TABLE_MAX; fd++) {
		n->files[fd] = t->files[fd];
		if (n->files[fd])
			file_get(n->files[fd]);
	}
	memcpy(n->cloexec, t->cloexec, sizeof(n->cloexec));
	spin_unlock(&t->lock);
	return n;
}

void fd_table_destroy(struct fd_table *t)
{
	for (int fd = 0; fd < FD_TABLE_MAX; fd++)
		file_put(fd_take(t, fd));
	fd_table_put(t);
}

void fd_table_get(struct fd_table *t)
{
	atomic_inc(&t->refs);
}

void fd_table_put(struct fd_table *t)
{
	if (t && atomic_dec_and_test(&t->refs))
		kfree(t);
}

/* Put @f at the lowest free slot at or above @min; table locked. */
static int fd_alloc_from_locked(struct fd_table *t, struct file *f, int min, bool cloexec)
	REQUIRES(&t->lock)
{
	spin_assert_held(&t->lock);
	for (int fd = min; fd < FD_TABLE_MAX; fd++) {
		if (!t->files[fd]) {
			t->files[fd] = f;
			cloexec_set_locked(t, fd, cloexec);
			return fd;
		}
	}
	return -EMFILE;
}

static int fd_alloc_locked(struct fd_table *t, struct file *f, bool cloexec) REQUIRES(&t->lock)
{
	return fd_alloc_from_locked(t, f, 0, cloexec);
}

int fd_install(struct fd_table *t, struct file *f, bool cloexec)
{
	int fd;

	spin_lock(&t->lock);
	fd = fd_alloc_locked(t, f, cloexec);
	spin_unlock(&t->lock);
	return fd;
}

struct file *fd_get(struct fd_table *t, int fd)
{
	struct file *f = NULL;

	if (!fd_valid(fd))
		return NULL;
	spin_lock(&t->lock);
	f = t->files[fd];
	if (f)
		file_get(f);
	spin_unlock(&t->lock);
	return f;
}

int fd_close(struct fd_table *t, int fd)
{
	struct file *f;

	if (!fd_valid(fd))
		return -EBADF;
	f = fd_take(t, fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fd_dup(struct fd_table *t, int fd)
{
	struct file *f;
	int r = -EBADF;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&t->lock);
	f = t->files[fd];
	if (f) {
		r = fd_alloc_locked(t, f, false);
		if (r >= 0)
			file_get(f);
	}
	spin_unlock(&t->lock);
	return r;
}

int fd_dup_from(struct fd_table *t, int fd, int min, bool cloexec)
{
	struct file *f;
	int r = -EBADF;

	if (!fd_valid(fd))
		return -EBADF;
	if (min < 0 || min >= FD_TABLE_MAX)
		return -EINVAL;
	spin_lock(&t->lock);
	f = t->files[fd];
	if (f) {
		r = fd_alloc_from_locked(t, f, min, cloexec);
		if (r >= 0)
			file_get(f);
	}
	spin_unlock(&t->lock);
	return r;
}

int fd_dup2(struct fd_table *t, int oldfd, int newfd)
{
	return fd_dup3(t, oldfd, newfd, false);
}

int fd_dup3(struct fd_table *t, int oldfd, int newfd, bool cloexec)
{
	struct file *f, *old = NULL;

	if (!fd_valid(oldfd) || !fd_valid(newfd))
		return -EBADF;
	spin_lock(&t->lock);
	f = t->files[oldfd];
	if (f && oldfd != newfd) {
		file_get(f);
		old = t->files[newfd];
		t->files[newfd] = f;
		cloexec_set_locked(t, newfd, cloexec);
	}
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(old);
	return newfd;
}

int fd_set_cloexec(struct fd_table *t, int fd, bool on)
{
	int r = -EBADF;

	if (!fd_valid(fd))
		return -EBADF;
	spin_lock(&t->lock);
	if (t->files[fd]) {
		cloexec_set_locked(t, fd, on);
		r = 0;
	}
	spin_unlock(&t->lock);
	return r;
}

bool fd_is_cloexec(struct fd_table *t, int fd)
{
	bool r;

	if (!fd_valid(fd))
		return false;
	spin_lock(&t->lock);
	r = t->files[fd] && (t->cloexec[fd / 64] >> (fd % 64) & 1);
	spin_unlock(&t->lock);
	return r;
}

void fd_close_on_exec(struct fd_table *t)
{
	for (int fd = 0; fd < FD_TABLE_MAX; fd++)
		if (fd_is_cloexec(t, fd))
			file_put(fd_take(t, fd));
}

int fd_count(struct fd_table *t)
{
	int n = 0;

	spin_lock(&t->lock);
	for (int fd = 0; fd < FD_TABLE_MAX; fd++)
		n += t->files[fd] != NULL;
	spin_unlock(&t->lock);
	return n;
}

int fd_next_open(struct fd_table *t, int from)
{
	int fd = from < 0 ? 0 : from;

	spin_lock(&t->lock);
	while (fd < FD_TABLE_MAX && !t->files[fd])
		fd++;
	spin_unlock(&t->lock);
	return fd < FD_TABLE_MAX ? fd : -1;
}

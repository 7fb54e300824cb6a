/*
 * The VFS conformance suite's runner and helpers: each case of the tables
 * in vfs_conf_{io,ns,smp}_ktest.c runs on a filesystem
 * mounted fresh for it under /ktest and must leave it unmountable (no
 * file or reference left behind). tmpfs runs it now; ext2 and FAT add a
 * struct conf_fs line and a KTEST each.
 */
#include "fs/vfs_conformance.h"

#include "core/log.h"
#include "fs/dcache.h"
#include "fs/namei.h"
#include "include/atomic.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "vfs_conf: "

static atomic_t conf_seq;

void conf_mount(struct conf_ctx *c, const struct conf_fs *fs)
{
	const char *src;
	struct vfs_path at;
	int err;

	c->fs = fs;
	err = vfs_mkdir(NULL, "/ktest", 0755);
	KASSERT(err == 0 || err == -EEXIST);
	ksnprintf(c->abs, sizeof(c->abs), "/ktest/vfs%ld", (long)atomic_add_return(&conf_seq, 1));
	KASSERT_EQ(vfs_mkdir(NULL, c->abs, 0755), 0);
	KASSERT_EQ(vfs_walk(NULL, c->abs, WALK_FOLLOW, &at), 0);
	src = fs->fresh_source ? fs->fresh_source(fs) : NULL;
	KASSERT_EQ(vfs_mount_at(&at, fs->type, src ? src : "none", fs->opts), 0);
	vfs_path_put(&at);
	KASSERT_EQ(vfs_walk(NULL, c->abs, WALK_FOLLOW, &c->cwd), 0);
	KASSERT(c->cwd.dentry == c->cwd.mnt->root);
}

void conf_umount(struct conf_ctx *c)
{
	struct vfs_path p;

	vfs_path_put(&c->cwd);
	KASSERT_EQ(vfs_walk(NULL, c->abs, WALK_FOLLOW, &p), 0);
	KASSERT_EQ(vfs_umount(&p), 0);
	KASSERT_EQ(vfs_rmdir(NULL, c->abs), 0);
}

void conf_run(const struct conf_fs *fs, const struct conf_case *cases)
{
	for (const struct conf_case *k = cases; k->name; k++) {
		struct conf_ctx c;

		if (k->needs & fs->skip) {
			log_info("%s: %s skipped\n", fs->type, k->name);
			continue;
		}
		conf_mount(&c, fs);
		k->fn(&c);
		conf_umount(&c);
	}
}

void conf_put(struct conf_ctx *c, const char *path, const void *data, size_t n)
{
	struct file *f = conf_open(c, path, O_CREAT | O_TRUNC | O_WRONLY);

	KASSERT_EQ(vfs_write(f, data, n), n);
	file_put(f);
}

ssize_t conf_get(struct conf_ctx *c, const char *path, void *buf, size_t n)
{
	struct file *f;
	ssize_t r;
	int err = vfs_open(&c->cwd, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	r = vfs_read(f, buf, n);
	file_put(f);
	return r;
}

bool conf_has(struct conf_ctx *c, const char *path, const char *s)
{
	char buf[128];
	size_t n = strlen(s);
	ssize_t r = conf_get(c, path, buf, sizeof(buf));

	return r == (ssize_t)n && !memcmp(buf, s, n);
}

void conf_stat_into(struct conf_ctx *c, const char *path, bool follow, struct linux_stat *st)
{
	KASSERT_EQ(follow ? vfs_stat(&c->cwd, path, st) : vfs_lstat(&c->cwd, path, st), 0);
}

uint64_t conf_stat_field(struct conf_ctx *c, const char *path, bool follow, size_t off, size_t size)
{
	struct linux_stat st;
	uint64_t v64 = 0;
	uint32_t v32 = 0;

	conf_stat_into(c, path, follow, &st);
	if (size == sizeof(v32)) {
		memcpy(&v32, (const char *)&st + off, size);
		return v32;
	}
	memcpy(&v64, (const char *)&st + off, sizeof(v64));
	return v64;
}

int conf_stat_err(struct conf_ctx *c, const char *path, bool follow)
{
	struct linux_stat st;

	return follow ? vfs_stat(&c->cwd, path, &st) : vfs_lstat(&c->cwd, path, &st);
}

struct file *conf_open(struct conf_ctx *c, const char *path, unsigned int flags)
{
	struct file *f = NULL;

	KASSERT_EQ(vfs_open(&c->cwd, path, flags, 0644, &f), 0);
	return f;
}

/* Feed one getdents64 buffer's records to @seen; returns how many. */
static int conf_walk_records(const uint8_t *buf, ssize_t n,
			     void (*seen)(const char *name, uint8_t type, void *arg), void *arg)
{
	int count = 0;

	for (ssize_t off = 0; off < n; count++) {
		const struct linux_dirent64 *d = (const void *)(buf + off);

		KASSERT(d->d_reclen >= 24 && d->d_reclen % 8 == 0);
		if (seen)
			seen(d->d_name, d->d_type, arg);
		off += d->d_reclen;
	}
	return count;
}

int conf_count_entries(struct conf_ctx *c, const char *path,
		       void (*seen)(const char *name, uint8_t type, void *arg), void *arg)
{
	enum { BUF = 1024 }; // small on purpose: many calls, resumed offsets
	struct file *f = conf_open(c, path, O_RDONLY | O_DIRECTORY);
	uint8_t *buf = kmalloc(BUF);
	int count = 0;
	ssize_t n;

	KASSERT(buf);
	while ((n = vfs_getdents64(f, buf, BUF)) > 0)
		count += conf_walk_records(buf, n, seen, arg);
	KASSERT_EQ(n, 0);
	kfree(buf);
	file_put(f);
	return count;
}

static const struct conf_fs conf_tmpfs = { .type = "tmpfs", .opts = "size=64M" };

KTEST(vfs_conformance_tmpfs_io)
{
	conf_run(&conf_tmpfs, conf_cases_io);
}

KTEST(vfs_conformance_tmpfs_ns)
{
	conf_run(&conf_tmpfs, conf_cases_ns);
}

KTEST(vfs_conformance_tmpfs_smp)
{
	conf_run(&conf_tmpfs, conf_cases_smp);
}

uint64_t conf_heap_in_use(void)
{
	struct kmalloc_stats *st = kmalloc(sizeof(*st));
	uint64_t n = 0;

	KASSERT(st);
	kmalloc_get_stats(st);
	for (int i = 0; i < SLAB_NR_CLASSES; i++)
		n += st->cls[i].inuse;
	n += st->large_allocs << 32;
	kfree(st);
	return n; // st itself was in use while counting, both times
}

static void fill_pattern(uint8_t *buf, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 9));
}

int64_t conf_fill_file(struct conf_ctx *c, const char *name, uint8_t *buf, unsigned int seed)
{
	struct file *f = conf_open(c, name, O_CREAT | O_WRONLY);
	int64_t total = 0;
	ssize_t r;

	fill_pattern(buf, CONF_FILL_CHUNK, seed);
	while ((r = vfs_write(f, buf, CONF_FILL_CHUNK)) == CONF_FILL_CHUNK)
		total += r;
	KASSERT(r == -ENOSPC || (r > 0 && r < CONF_FILL_CHUNK));
	if (r > 0) {
		total += r;
		KASSERT_EQ(vfs_write(f, buf, CONF_FILL_CHUNK), -ENOSPC);
	}
	file_put(f);
	return total;
}

void conf_check_filled(struct conf_ctx *c, const char *name, uint8_t *buf, uint8_t *want,
		       int64_t size, unsigned int seed)
{
	struct file *f = conf_open(c, name, O_RDONLY);
	int64_t off = 0;
	ssize_t r;

	fill_pattern(want, CONF_FILL_CHUNK, seed);
	while ((r = vfs_read(f, buf, CONF_FILL_CHUNK)) > 0) {
		KASSERT(!memcmp(buf, want, (size_t)r));
		off += r;
	}
	KASSERT_EQ(r, 0);
	KASSERT_EQ(off, size);
	file_put(f);
}

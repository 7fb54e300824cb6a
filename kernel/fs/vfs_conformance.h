/*
 * The VFS conformance suite's shared pieces (test code only): a "fresh
 * mounted filesystem" factory and the helpers every case uses. A case is
 * written once against the VFS API with paths relative to ctx->cwd, the
 * root of a filesystem mounted just for it; each filesystem type lists
 * the features it lacks in `skip` (ext2 and FAT will run the same table).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/vfs.h"

enum conf_skip {
	CONF_NO_SYMLINK = 1 << 0,
	CONF_NO_HARDLINK = 1 << 1,
	CONF_NO_NLINK = 1 << 2, // directory link counts are not kept
	CONF_NO_HOLES = 1 << 3, // SEEK_DATA/SEEK_HOLE answered as "all data"
	/* No sparse files at all: a size costs its space (FAT). */
	CONF_NO_SPARSE = 1 << 4,
};

/* How to make a fresh filesystem of one type. */
struct conf_fs {
	const char *type;
	const char *opts;
	unsigned int skip; // enum conf_skip bits
	/* Optional, for disk filesystems: make a fresh filesystem and return
	 * the block device to mount it from (NULL: "none"). */
	const char *(*fresh_source)(const struct conf_fs *fs);
	void *priv; // fresh_source's
};

struct conf_ctx {
	const struct conf_fs *fs;
	struct vfs_path cwd; // the root of the fresh filesystem
	char abs[64];	     // its absolute path ("/ktest/vfs7")
};

struct conf_case {
	const char *name;
	void (*fn)(struct conf_ctx *c);
	unsigned int needs; // enum conf_skip bits the case cannot run without
};

/* Mount a fresh @fs for a case / check it unmounts cleanly afterwards. */
void conf_mount(struct conf_ctx *c, const struct conf_fs *fs);
void conf_umount(struct conf_ctx *c);

/* Run every case of @cases (NULL-terminated) on fresh mounts of @fs. */
void conf_run(const struct conf_fs *fs, const struct conf_case *cases);

/* Create @path (O_TRUNC) holding the @n bytes at @data. */
void conf_put(struct conf_ctx *c, const char *path, const void *data, size_t n);
/* Read up to @n bytes of @path into @buf; returns the count or -errno. */
ssize_t conf_get(struct conf_ctx *c, const char *path, void *buf, size_t n);
/* Does @path hold exactly the NUL-terminated @s? */
bool conf_has(struct conf_ctx *c, const char *path, const char *s);
/* stat (@follow) or lstat @path into *@st, failing the test on error. */
void conf_stat_into(struct conf_ctx *c, const char *path, bool follow, struct linux_stat *st);
/* One field of stat/lstat (failing the test on error): a call, so cases
 * with many of them keep small stack frames. */
uint64_t conf_stat_field(struct conf_ctx *c, const char *path, bool follow, size_t off,
			 size_t size);
#define CONF_STAT(c, path, field)                                          \
	conf_stat_field(c, path, true, offsetof(struct linux_stat, field), \
			sizeof(((struct linux_stat *)0)->field))
#define CONF_LSTAT(c, path, field)                                          \
	conf_stat_field(c, path, false, offsetof(struct linux_stat, field), \
			sizeof(((struct linux_stat *)0)->field))
/* vfs_stat (@follow) or vfs_lstat's result, the metadata thrown away. */
int conf_stat_err(struct conf_ctx *c, const char *path, bool follow);

/* Heap objects in use in every slab class, plus large allocations << 32:
 * equal before and after means a workload gave back all it took. */
uint64_t conf_heap_in_use(void);
/* Open, failing the test on error. */
struct file *conf_open(struct conf_ctx *c, const char *path, unsigned int flags);
/* The number of entries getdents64 lists in @path, "." and ".." included;
 * each name once (failing otherwise); @seen (may be NULL) is called per
 * name. */
int conf_count_entries(struct conf_ctx *c, const char *path,
		       void (*seen)(const char *name, uint8_t type, void *arg), void *arg);

/* The case tables (vfs_conformance_*_ktest.c). */
extern const struct conf_case conf_cases_io[];
extern const struct conf_case conf_cases_ns[];
extern const struct conf_case conf_cases_smp[];

/* Filling a filesystem to -ENOSPC (the size-limit tests): write @name in
 * CONF_FILL_CHUNK pieces of a pattern made from @seed until space runs
 * out (a short write at most, then -ENOSPC, which the test checks);
 * returns the bytes written. @buf holds CONF_FILL_CHUNK bytes. */
#define CONF_FILL_CHUNK 65536
int64_t conf_fill_file(struct conf_ctx *c, const char *name, uint8_t *buf, unsigned int seed);
/* Does @name hold the first @size bytes conf_fill_file(@seed) wrote?
 * @buf and @want hold CONF_FILL_CHUNK bytes each. */
void conf_check_filled(struct conf_ctx *c, const char *name, uint8_t *buf, uint8_t *want,
		       int64_t size, unsigned int seed);

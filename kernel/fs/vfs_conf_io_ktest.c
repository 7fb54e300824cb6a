/*
 * Conformance cases for file contents and metadata: create/read/write,
 * offsets and lseek, O_APPEND/O_TRUNC/O_EXCL, truncate, holes, large
 * offsets, attributes and time stamps, statfs, readdir, and 10,000
 * entries in one directory. Written against the VFS API only.
 */
#include "fs/vfs_conformance.h"

#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

static void case_read_write(struct conf_ctx *c)
{
	struct file *f = conf_open(c, "f", O_CREAT | O_EXCL | O_RDWR);
	char buf[32] = { 0 };
	struct linux_stat st;

	KASSERT_EQ(vfs_write(f, "hello", 5), 5);
	KASSERT_EQ(vfs_read(f, buf, sizeof(buf)), 0); // at EOF
	KASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	KASSERT_EQ(vfs_read(f, buf, 3), 3);
	KASSERT(!memcmp(buf, "hel", 3));
	KASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 3);
	KASSERT_EQ(vfs_pwrite(f, "LL", 2, 2), 2);
	KASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 3); // pwrite leaves the offset
	KASSERT_EQ(vfs_pread(f, buf, 5, 0), 5);
	KASSERT(!memcmp(buf, "heLLo", 5));
	KASSERT_EQ(vfs_lseek(f, -1, SEEK_END), 4);
	KASSERT_EQ(vfs_lseek(f, -10, SEEK_CUR), -EINVAL);
	KASSERT_EQ(vfs_lseek(f, 0, 99), -EINVAL);
	KASSERT_EQ(vfs_pread(f, buf, 1, -1), -EINVAL);
	KASSERT_EQ(vfs_fstat(f, &st), 0);
	KASSERT_EQ(st.st_size, 5);
	KASSERT(S_ISREG(st.st_mode));
	KASSERT_EQ(st.st_mode & 0777, 0644);
	KASSERT_EQ(st.st_nlink, 1);
	KASSERT_EQ(vfs_fsync(f), 0);
	file_put(f);
	KASSERT(conf_has(c, "f", "heLLo"));
}

static void case_open_flags(struct conf_ctx *c)
{
	struct file *f;
	char b;

	conf_put(c, "f", "abc", 3);
	KASSERT_EQ(vfs_open(&c->cwd, "f", O_CREAT | O_EXCL | O_WRONLY, 0644, &f), -EEXIST);
	KASSERT_EQ(vfs_open(&c->cwd, "missing", O_RDONLY, 0, &f), -ENOENT);
	KASSERT_EQ(vfs_open(&c->cwd, "f", O_RDONLY | O_DIRECTORY, 0, &f), -ENOTDIR);
	KASSERT_EQ(vfs_open(&c->cwd, "f/", O_RDONLY, 0, &f), -ENOTDIR);
	KASSERT_EQ(vfs_open(&c->cwd, "new/", O_CREAT | O_WRONLY, 0644, &f), -EISDIR);
	KASSERT_EQ(vfs_open(&c->cwd, ".", O_WRONLY, 0, &f), -EISDIR);
	KASSERT_EQ(vfs_open(&c->cwd, ".", O_CREAT | O_RDONLY, 0644, &f), -EISDIR);
	KASSERT_EQ(vfs_open(&c->cwd, "nodir/f", O_CREAT | O_WRONLY, 0644, &f), -ENOENT);
	KASSERT_EQ(vfs_open(&c->cwd, "f/x", O_CREAT | O_WRONLY, 0644, &f), -ENOTDIR);
	f = conf_open(c, "f", O_WRONLY | O_APPEND);
	KASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	KASSERT_EQ(vfs_write(f, "de", 2), 2); // appended, not at 0
	KASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 5);
	KASSERT_EQ(vfs_read(f, &b, 1), -EBADF);
	file_put(f);
	KASSERT(conf_has(c, "f", "abcde"));
	f = conf_open(c, "f", O_RDONLY);
	KASSERT_EQ(vfs_write(f, "x", 1), -EBADF);
	KASSERT_EQ(vfs_ftruncate(f, 0), -EINVAL);
	file_put(f);
	f = conf_open(c, "f", O_RDWR | O_TRUNC);
	KASSERT_EQ(vfs_read(f, &b, 1), 0);
	file_put(f);
	KASSERT_EQ(CONF_STAT(c, "f", st_size), 0);
	f = conf_open(c, ".", O_RDONLY | O_DIRECTORY);
	KASSERT_EQ(vfs_read(f, &b, 1), -EISDIR);
	file_put(f);
}

static void case_truncate(struct conf_ctx *c)
{
	char buf[16];

	conf_put(c, "f", "0123456789", 10);
	KASSERT_EQ(vfs_truncate(&c->cwd, "f", 4), 0);
	KASSERT_EQ(CONF_STAT(c, "f", st_size), 4);
	KASSERT_EQ(vfs_truncate(&c->cwd, "f", 8), 0);
	KASSERT_EQ(conf_get(c, "f", buf, sizeof(buf)), 8);
	KASSERT(!memcmp(buf, "0123\0\0\0\0", 8)); // the cut bytes do not come back
	KASSERT_EQ(vfs_truncate(&c->cwd, "f", -1), -EINVAL);
	KASSERT_EQ(vfs_truncate(&c->cwd, ".", 0), -EISDIR);
	KASSERT_EQ(vfs_truncate(&c->cwd, "missing", 0), -ENOENT);
	KASSERT_EQ(vfs_truncate(&c->cwd, "f", c->cwd.mnt->sb->max_file_size + 1), -EFBIG);
	KASSERT_EQ(vfs_truncate(&c->cwd, "f", 0), 0);
	KASSERT_EQ(conf_get(c, "f", buf, sizeof(buf)), 0);
}

static void case_holes(struct conf_ctx *c)
{
	enum { AT = 1 << 20 };
	struct file *f = conf_open(c, "h", O_CREAT | O_RDWR);
	uint8_t *buf = kmalloc(8192);
	int64_t d, h;

	KASSERT(buf);
	KASSERT_EQ(vfs_pwrite(f, "X", 1, AT), 1);
	KASSERT_EQ(vfs_pread(f, buf, 8192, AT - 8191), 8192);
	for (int i = 0; i < 8191; i++)
		KASSERT_EQ(buf[i], 0);
	KASSERT_EQ(buf[8191], 'X');
	d = vfs_lseek(f, 0, SEEK_DATA);
	h = vfs_lseek(f, 0, SEEK_HOLE);
	KASSERT(d >= 0 && d <= AT);
	KASSERT(h >= 0 && (h <= AT || h == AT + 1));
	KASSERT_EQ(vfs_lseek(f, AT + 1, SEEK_DATA), -ENXIO);
	KASSERT_EQ(vfs_lseek(f, AT + 1, SEEK_HOLE), -ENXIO);
	KASSERT_EQ(vfs_lseek(f, AT, SEEK_HOLE), AT + 1); // EOF is a hole
	if (!(c->fs->skip & CONF_NO_HOLES)) {
		KASSERT_EQ(d, AT - AT % 4096);
		KASSERT_EQ(h, 0);
		KASSERT(CONF_STAT(c, "h", st_blocks) <= 64); // the hole costs nothing
	}
	kfree(buf);
	file_put(f);
}

static void case_large_offsets(struct conf_ctx *c)
{
	const int64_t tib = 1ll << 40;
	int64_t max = c->cwd.mnt->sb->max_file_size;
	struct file *f = conf_open(c, "big", O_CREAT | O_RDWR);
	char b = 0;
	ssize_t r = vfs_pwrite(f, "Z", 1, tib - 1);

	if (tib > max) {
		KASSERT_EQ(r, -EFBIG); // the documented limit is below 1 TiB
	} else {
		KASSERT_EQ(r, 1);
		KASSERT_EQ(CONF_STAT(c, "big", st_size), tib);
		KASSERT_EQ(vfs_pread(f, &b, 1, tib - 1), 1);
		KASSERT_EQ(b, 'Z');
		KASSERT_EQ(vfs_pread(f, &b, 1, tib - 2), 1);
		KASSERT_EQ(b, 0);
		KASSERT_EQ(vfs_pread(f, &b, 1, tib), 0);
	}
	KASSERT_EQ(vfs_pwrite(f, "Z", 1, max), -EFBIG);
	KASSERT_EQ(vfs_pwrite(f, "ZZ", 2, max - 1), 1); // up to the limit
	KASSERT_EQ(vfs_lseek(f, max, SEEK_SET), max);
	KASSERT_EQ(vfs_write(f, "Z", 1), -EFBIG);
	KASSERT_EQ(vfs_ftruncate(f, 0), 0);
	file_put(f);
}

static void case_attrs(struct conf_ctx *c)
{
	struct linux_timespec ts[2] = { { 1000000000, 5 }, { 1234567890, 999999999 } };
	struct linux_stat st, st2;
	struct linux_statfs sfs;
	struct file *f;

	conf_put(c, "f", "x", 1);
	KASSERT_EQ(vfs_chmod(&c->cwd, "f", 0600 | S_IFDIR), 0); // the type stays
	conf_stat_into(c, "f", true, &st);
	KASSERT_EQ(st.st_mode, S_IFREG | 0600);
	KASSERT_EQ(vfs_chown(&c->cwd, "f", 1000, (uint32_t)-1), 0);
	conf_stat_into(c, "f", true, &st);
	KASSERT_EQ(st.st_uid, 1000);
	KASSERT_EQ(st.st_gid, 0);
	KASSERT_EQ(vfs_utimens(&c->cwd, "f", ts), 0);
	conf_stat_into(c, "f", true, &st);
	KASSERT_EQ(st.st_atime_sec, 1000000000);
	KASSERT_EQ(st.st_atime_nsec, 5);
	KASSERT_EQ(st.st_mtime_sec, 1234567890);
	KASSERT_EQ(st.st_mtime_nsec, 999999999);
	ts[0].tv_nsec = 1000000000;
	KASSERT_EQ(vfs_utimens(&c->cwd, "f", ts), -EINVAL);
	f = conf_open(c, "f", O_WRONLY);
	KASSERT_EQ(vfs_write(f, "y", 1), 1);
	file_put(f);
	conf_stat_into(c, "f", true, &st2);
	KASSERT(st2.st_mtime_sec > st.st_mtime_sec); // now, from the clock
	KASSERT(st2.st_ctime_sec >= st2.st_mtime_sec - 1);
	KASSERT(st2.st_mtime_sec > 1600000000); // after 2020: the RTC is used
	KASSERT_EQ(vfs_sync(), 0);
	KASSERT_EQ(vfs_statfs(&c->cwd, "f", &sfs), 0);
	KASSERT(sfs.f_bsize > 0 && sfs.f_blocks >= sfs.f_bfree);
	KASSERT_EQ(sfs.f_namelen, 255);
	KASSERT_EQ(CONF_STAT(c, ".", st_dev), st.st_dev);
	KASSERT(st.st_dev != 0);
}

struct dir_seen {
	int dot, dotdot, a, d;
};

static void note_entry(const char *name, uint8_t type, void *arg)
{
	struct dir_seen *s = arg;

	if (!strcmp(name, "."))
		s->dot++;
	else if (!strcmp(name, ".."))
		s->dotdot++;
	else if (!strcmp(name, "a") && type == DT_REG)
		s->a++;
	else if (!strcmp(name, "d") && type == DT_DIR)
		s->d++;
	else
		ktest_fail(__FILE__, __LINE__, "unexpected entry %s (type %u)", name, type);
}

static void case_readdir(struct conf_ctx *c)
{
	struct dir_seen s = { 0 };
	struct file *f;
	uint8_t buf[16];

	conf_put(c, "a", "", 0);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	KASSERT_EQ(conf_count_entries(c, ".", note_entry, &s), 4);
	KASSERT(s.dot == 1 && s.dotdot == 1 && s.a == 1 && s.d == 1);
	f = conf_open(c, ".", O_RDONLY);
	KASSERT_EQ(vfs_getdents64(f, buf, sizeof(buf)), -EINVAL); // too small for one
	file_put(f);
	f = conf_open(c, "a", O_RDONLY);
	KASSERT_EQ(vfs_getdents64(f, buf, sizeof(buf)), -ENOTDIR);
	file_put(f);
}

/* Enough for a multi-block directory; ext2 lookups are linear, so the
 * cost grows with the square. */
#define MANY 2500

static void note_many(const char *name, uint8_t type, void *arg)
{
	uint8_t *seen = arg;
	unsigned long long i;

	(void)type;
	if (name[0] == '.')
		return;
	KASSERT(name[0] == 'f' && !kstrtoull(name + 1, 10, &i) && i < MANY);
	KASSERT_EQ(seen[i], 0); // exactly once
	seen[i] = 1;
}

static void case_many_entries(struct conf_ctx *c)
{
	uint8_t *seen = kzalloc(MANY);
	char name[16];

	KASSERT(seen);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "m", 0755), 0);
	for (int i = 0; i < MANY; i++) {
		struct file *f;

		ksnprintf(name, sizeof(name), "m/f%d", i);
		KASSERT_EQ(vfs_open(&c->cwd, name, O_CREAT | O_EXCL | O_WRONLY, 0644, &f), 0);
		file_put(f);
	}
	KASSERT_EQ(conf_count_entries(c, "m", note_many, seen), MANY + 2);
	for (int i = 0; i < MANY; i++)
		KASSERT_EQ(seen[i], 1);
	KASSERT_EQ(vfs_rmdir(&c->cwd, "m"), -ENOTEMPTY);
	for (int i = 0; i < MANY; i++) {
		ksnprintf(name, sizeof(name), "m/f%d", i);
		KASSERT_EQ(vfs_unlink(&c->cwd, name), 0);
	}
	KASSERT_EQ(conf_count_entries(c, "m", NULL, NULL), 2);
	KASSERT_EQ(vfs_rmdir(&c->cwd, "m"), 0);
	kfree(seen);
}

const struct conf_case conf_cases_io[] = {
	{ "read_write", case_read_write, 0 },
	{ "open_flags", case_open_flags, 0 },
	{ "truncate", case_truncate, 0 },
	{ "holes", case_holes, 0 },
	{ "large_offsets", case_large_offsets, CONF_NO_SPARSE },
	{ "attrs", case_attrs, 0 },
	{ "readdir", case_readdir, 0 },
	{ "many_entries", case_many_entries, 0 },
	{ NULL, NULL, 0 },
};

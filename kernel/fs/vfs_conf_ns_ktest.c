/*
 * Conformance cases for the namespace: directories and "..", an errno
 * table for refusals, rename in all its cases, hard links, symlinks (and
 * -ELOOP), name and path limits, mount crossing and umount -EBUSY.
 * Written against the VFS API only. Concurrency is in vfs_conf_smp_ktest.c.
 */
#include "fs/vfs_conformance.h"

#include "fs/dcache.h"
#include "fs/namei.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

static uint64_t ino_of(struct conf_ctx *c, const char *path)
{
	return CONF_LSTAT(c, path, st_ino);
}

static void case_dirs(struct conf_ctx *c)
{
	bool nlink = !(c->fs->skip & CONF_NO_NLINK);

	KASSERT_EQ(vfs_mkdir(&c->cwd, "a", 0755), 0);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "a/b/", 0755), 0); // a trailing slash is fine
	conf_put(c, "a/b/f", "1", 1);
	KASSERT(conf_has(c, "a//b/./f", "1"));
	KASSERT(conf_has(c, "a/b/../b/f", "1"));
	KASSERT(conf_has(c, "./a/../a/b/f", "1"));
	KASSERT_EQ(ino_of(c, "a/b/.."), ino_of(c, "a"));
	KASSERT_EQ(ino_of(c, "a/.."), ino_of(c, "."));
	KASSERT(S_ISDIR(CONF_STAT(c, "a/b/", st_mode)));
	if (nlink) {
		KASSERT_EQ(CONF_STAT(c, "a", st_nlink), 3);
		KASSERT_EQ(CONF_STAT(c, "a/b", st_nlink), 2);
	}
	KASSERT_EQ(vfs_rmdir(&c->cwd, "a/b"), -ENOTEMPTY);
	KASSERT_EQ(vfs_unlink(&c->cwd, "a/b/f"), 0);
	KASSERT_EQ(vfs_rmdir(&c->cwd, "a/b/"), 0);
	if (nlink)
		KASSERT_EQ(CONF_STAT(c, "a", st_nlink), 2);
	KASSERT_EQ(vfs_rmdir(&c->cwd, "a"), 0);
}

/* A directory removed while it is someone's working directory. */
static void case_removed_cwd(struct conf_ctx *c)
{
	struct vfs_path d = c->cwd;
	struct file *f;

	vfs_path_get(&d);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "gone", 0755), 0);
	KASSERT_EQ(vfs_chdir(&d, "gone"), 0);
	KASSERT_EQ(vfs_rmdir(&c->cwd, "gone"), 0);
	KASSERT_EQ(vfs_open(&d, "new", O_CREAT | O_WRONLY, 0644, &f), -ENOENT);
	KASSERT_EQ(vfs_mkdir(&d, "sub", 0755), -ENOENT);
	KASSERT_EQ(CONF_STAT(c, ".", st_nlink) > 0, 1);
	f = NULL;
	KASSERT_EQ(vfs_open(&d, ".", O_RDONLY, 0, &f), 0);
	KASSERT_EQ(vfs_getdents64(f, (char[64]){ 0 }, 64), 0); // empty, even of "."
	file_put(f);
	vfs_path_put(&d);
}

enum conf_op { OP_MKDIR, OP_RMDIR, OP_UNLINK, OP_RENAME, OP_LINK, OP_SYMLINK, OP_OPEN };

struct errno_row {
	enum conf_op op;
	const char *a, *b;
	int want;
};

/* Set up in case_errno: d/ (with d/x), e/ (empty), f (file), l -> f. */
static const struct errno_row errno_rows[] = {
	{ OP_MKDIR, "d", NULL, -EEXIST },     { OP_MKDIR, "f", NULL, -EEXIST },
	{ OP_MKDIR, "/", NULL, -EEXIST },     { OP_MKDIR, ".", NULL, -EEXIST },
	{ OP_MKDIR, "..", NULL, -EEXIST },    { OP_MKDIR, "no/x", NULL, -ENOENT },
	{ OP_MKDIR, "f/x", NULL, -ENOTDIR },  { OP_MKDIR, "", NULL, -ENOENT },
	{ OP_MKDIR, "l", NULL, -EEXIST },     { OP_RMDIR, "d", NULL, -ENOTEMPTY },
	{ OP_RMDIR, "f", NULL, -ENOTDIR },    { OP_RMDIR, "no", NULL, -ENOENT },
	{ OP_RMDIR, "e/.", NULL, -EINVAL },   { OP_RMDIR, "e/..", NULL, -ENOTEMPTY },
	{ OP_RMDIR, "l", NULL, -ENOTDIR },    { OP_UNLINK, "d", NULL, -EISDIR },
	{ OP_UNLINK, "no", NULL, -ENOENT },   { OP_UNLINK, "f/", NULL, -ENOTDIR },
	{ OP_UNLINK, "f/x", NULL, -ENOTDIR }, { OP_UNLINK, ".", NULL, -EISDIR },
	{ OP_RENAME, "no", "x", -ENOENT },    { OP_RENAME, "d", "d/x/y", -EINVAL },
	{ OP_RENAME, "d", "d/y", -EINVAL },   { OP_RENAME, "e", "d", -ENOTEMPTY },
	{ OP_RENAME, "e", "f", -ENOTDIR },    { OP_RENAME, "f", "e", -EISDIR },
	{ OP_RENAME, "f", "f/", -ENOTDIR },   { OP_RENAME, ".", "z", -EBUSY },
	{ OP_RENAME, "f", "..", -EBUSY },     { OP_RENAME, "d/x", "d", -ENOTEMPTY },
	{ OP_RENAME, "f", "no/x", -ENOENT },  { OP_LINK, "d", "z", -EPERM },
	{ OP_LINK, "f", "d", -EEXIST },	      { OP_LINK, "no", "z", -ENOENT },
	{ OP_SYMLINK, "t", "f", -EEXIST },    { OP_SYMLINK, "", "z", -ENOENT },
	{ OP_OPEN, "d", NULL, -EISDIR },      { OP_OPEN, "f/", NULL, -ENOTDIR },
	{ OP_OPEN, "no/f", NULL, -ENOENT },
};

static int errno_op(struct conf_ctx *c, const struct errno_row *r)
{
	struct file *f;
	int err;

	switch (r->op) {
	case OP_MKDIR:
		return vfs_mkdir(&c->cwd, r->a, 0755);
	case OP_RMDIR:
		return vfs_rmdir(&c->cwd, r->a);
	case OP_UNLINK:
		return vfs_unlink(&c->cwd, r->a);
	case OP_RENAME:
		return vfs_rename(&c->cwd, r->a, r->b);
	case OP_LINK:
		return vfs_link(&c->cwd, r->a, r->b);
	case OP_SYMLINK:
		return vfs_symlink(&c->cwd, r->a, r->b);
	case OP_OPEN:
		err = vfs_open(&c->cwd, r->a, O_WRONLY, 0, &f);
		if (!err)
			file_put(f);
		return err;
	}
	return 1;
}

static void case_errno(struct conf_ctx *c)
{
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d/x", 0755), 0);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "e", 0755), 0);
	conf_put(c, "f", "f", 1);
	KASSERT_EQ(vfs_symlink(&c->cwd, "f", "l"), 0);
	for (size_t i = 0; i < sizeof(errno_rows) / sizeof(errno_rows[0]); i++) {
		int got = errno_op(c, &errno_rows[i]);

		if (got != errno_rows[i].want)
			ktest_fail(__FILE__, __LINE__, "row %zu (op %d %s %s): got %d, want %d", i,
				   errno_rows[i].op, errno_rows[i].a,
				   errno_rows[i].b ? errno_rows[i].b : "", got, errno_rows[i].want);
	}
	/* Nothing above changed the tree. */
	KASSERT(conf_has(c, "f", "f"));
	KASSERT(S_ISDIR(CONF_STAT(c, "d/x", st_mode)));
	KASSERT(S_ISDIR(CONF_STAT(c, "e", st_mode)));
}

static void case_rename(struct conf_ctx *c)
{
	uint64_t ino;

	conf_put(c, "a", "A", 1);
	conf_put(c, "b", "B", 1);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d1", 0755), 0);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d2", 0755), 0);
	ino = ino_of(c, "a");
	KASSERT_EQ(vfs_rename(&c->cwd, "a", "a2"), 0); // a new name
	KASSERT_EQ(ino_of(c, "a2"), ino);
	KASSERT_EQ(conf_stat_err(c, "a", true), -ENOENT);
	KASSERT_EQ(vfs_rename(&c->cwd, "a2", "b"), 0); // over an existing file
	KASSERT(conf_has(c, "b", "A"));
	KASSERT_EQ(ino_of(c, "b"), ino);
	KASSERT_EQ(vfs_rename(&c->cwd, "b", "d1/b"), 0); // across directories
	KASSERT(conf_has(c, "d1/b", "A"));
	KASSERT_EQ(vfs_rename(&c->cwd, "d1/b", "d1/b"), 0); // itself: nothing
	KASSERT_EQ(vfs_rename(&c->cwd, "d1", "d2/d1"), 0);  // a directory, across
	KASSERT(conf_has(c, "d2/d1/b", "A"));
	KASSERT_EQ(ino_of(c, "d2/d1/.."), ino_of(c, "d2"));
	if (!(c->fs->skip & CONF_NO_NLINK)) {
		KASSERT_EQ(CONF_STAT(c, "d2", st_nlink), 3);
		KASSERT_EQ(CONF_STAT(c, ".", st_nlink), 3); // d2 and the root's own
	}
	KASSERT_EQ(vfs_mkdir(&c->cwd, "e", 0755), 0);
	KASSERT_EQ(vfs_rename(&c->cwd, "d2/d1", "e"), 0); // a directory over an empty one
	KASSERT(conf_has(c, "e/b", "A"));
	KASSERT_EQ(vfs_rename(&c->cwd, "e", "./e/"), 0);
	KASSERT_EQ(vfs_rename(&c->cwd, "e/b", "e/a-name-longer-than-the-inline-buffer-of-a-dentry"),
		   0);
	KASSERT(conf_has(c, "e/a-name-longer-than-the-inline-buffer-of-a-dentry", "A"));
	KASSERT_EQ(conf_stat_err(c, "e/b", true), -ENOENT);
	KASSERT_EQ(vfs_rename(&c->cwd, "e/a-name-longer-than-the-inline-buffer-of-a-dentry", "top"),
		   0);
	KASSERT_EQ(vfs_rmdir(&c->cwd, "e"), 0);
	KASSERT_EQ(vfs_rmdir(&c->cwd, "d2"), 0);
	KASSERT(conf_has(c, "top", "A"));
	KASSERT_EQ(conf_count_entries(c, ".", NULL, NULL), 3);
}

/* renameat2's RENAME_NOREPLACE: an existing target is -EEXIST (the same
 * file too), a new name works, and nothing else changes; other flags are
 * refused. */
static void case_rename_noreplace(struct conf_ctx *c)
{
	conf_put(c, "a", "A", 1);
	conf_put(c, "b", "B", 1);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	KASSERT_EQ(vfs_renameat(&c->cwd, "a", &c->cwd, "b", VFS_RENAME_NOREPLACE), -EEXIST);
	KASSERT_EQ(vfs_renameat(&c->cwd, "a", &c->cwd, "a", VFS_RENAME_NOREPLACE), -EEXIST);
	KASSERT_EQ(vfs_renameat(&c->cwd, "a", &c->cwd, "d", VFS_RENAME_NOREPLACE), -EEXIST);
	KASSERT_EQ(vfs_renameat(&c->cwd, "x", &c->cwd, "b", VFS_RENAME_NOREPLACE), -ENOENT);
	KASSERT_EQ(vfs_renameat(&c->cwd, "a", &c->cwd, "b", 2), -EINVAL);
	KASSERT(conf_has(c, "a", "A"));
	KASSERT(conf_has(c, "b", "B"));
	KASSERT_EQ(vfs_renameat(&c->cwd, "a", &c->cwd, "d/a", VFS_RENAME_NOREPLACE), 0);
	KASSERT(conf_has(c, "d/a", "A"));
	KASSERT_EQ(conf_stat_err(c, "a", true), -ENOENT);
}

static void case_hard_links(struct conf_ctx *c)
{
	struct file *f;
	char buf[8];

	conf_put(c, "f", "data", 4);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	KASSERT_EQ(vfs_link(&c->cwd, "f", "d/g"), 0);
	KASSERT_EQ(CONF_STAT(c, "f", st_nlink), 2);
	KASSERT_EQ(ino_of(c, "f"), ino_of(c, "d/g"));
	KASSERT_EQ(vfs_rename(&c->cwd, "f", "d/g"), 0); // two names of one file: no-op
	KASSERT_EQ(CONF_STAT(c, "f", st_nlink), 2);
	KASSERT_EQ(vfs_unlink(&c->cwd, "f"), 0);
	KASSERT_EQ(CONF_STAT(c, "d/g", st_nlink), 1);
	KASSERT(conf_has(c, "d/g", "data"));
	/* An open file outlives its last name. */
	f = conf_open(c, "d/g", O_RDWR);
	KASSERT_EQ(vfs_unlink(&c->cwd, "d/g"), 0);
	KASSERT_EQ(vfs_pwrite(f, "more", 4, 4), 4);
	KASSERT_EQ(vfs_pread(f, buf, 8, 0), 8);
	KASSERT(!memcmp(buf, "datamore", 8));
	KASSERT_EQ(vfs_fstat(f, &(struct linux_stat){ 0 }), 0);
	file_put(f);
	KASSERT_EQ(conf_count_entries(c, "d", NULL, NULL), 2);
}

static void case_symlinks(struct conf_ctx *c)
{
	char buf[128];
	struct file *f;

	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	conf_put(c, "d/f", "F", 1);
	KASSERT_EQ(vfs_symlink(&c->cwd, "d/f", "rel"), 0);
	KASSERT_EQ(vfs_symlink(&c->cwd, "../d", "d/up"), 0);
	ksnprintf(buf, sizeof(buf), "%s/d/f", c->abs);
	KASSERT_EQ(vfs_symlink(&c->cwd, buf, "abs"), 0);
	KASSERT(conf_has(c, "rel", "F"));
	KASSERT(conf_has(c, "abs", "F"));
	KASSERT(conf_has(c, "d/up/up/up/f", "F"));
	KASSERT(S_ISLNK(CONF_LSTAT(c, "rel", st_mode)));
	KASSERT_EQ(CONF_LSTAT(c, "rel", st_size), 3);
	KASSERT(S_ISREG(CONF_STAT(c, "rel", st_mode)));
	KASSERT_EQ(vfs_readlink(&c->cwd, "rel", buf, sizeof(buf)), 3);
	KASSERT(!memcmp(buf, "d/f", 3));
	KASSERT_EQ(vfs_readlink(&c->cwd, "rel", buf, 2), 2); // truncated, no NUL
	KASSERT_EQ(vfs_readlink(&c->cwd, "d/f", buf, sizeof(buf)), -EINVAL);
	KASSERT_EQ(vfs_open(&c->cwd, "rel", O_RDONLY | O_NOFOLLOW, 0, &f), -ELOOP);
	KASSERT_EQ(vfs_open(&c->cwd, "rel/", O_RDONLY, 0, &f), -ENOTDIR);
	KASSERT_EQ(vfs_symlink(&c->cwd, "nowhere", "dangling"), 0);
	KASSERT_EQ(conf_stat_err(c, "dangling", true), -ENOENT);
	KASSERT_EQ(vfs_symlink(&c->cwd, "loop2", "loop1"), 0);
	KASSERT_EQ(vfs_symlink(&c->cwd, "loop1", "loop2"), 0);
	KASSERT_EQ(conf_stat_err(c, "loop1", true), -ELOOP);
	KASSERT_EQ(conf_stat_err(c, "loop1/x", true), -ELOOP);
	KASSERT_EQ(vfs_unlink(&c->cwd, "rel"), 0); // the link, not the target
	KASSERT(conf_has(c, "d/f", "F"));
	f = conf_open(c, "abs", O_WRONLY | O_CREAT | O_TRUNC); // O_CREAT follows
	file_put(f);
	KASSERT_EQ(CONF_STAT(c, "d/f", st_size), 0);
	/* O_CREAT through a dangling link creates its target; O_EXCL refuses. */
	KASSERT_EQ(vfs_symlink(&c->cwd, "d/made", "tolater"), 0);
	KASSERT_EQ(vfs_open(&c->cwd, "tolater", O_CREAT | O_EXCL | O_WRONLY, 0600, &f), -EEXIST);
	KASSERT_EQ(conf_stat_err(c, "d/made", true), -ENOENT);
	f = conf_open(c, "tolater", O_CREAT | O_WRONLY);
	KASSERT_EQ(vfs_write(f, "M", 1), 1);
	file_put(f);
	KASSERT(conf_has(c, "d/made", "M"));
	KASSERT_EQ(vfs_symlink(&c->cwd, "nodir/x", "baddir"), 0);
	KASSERT_EQ(vfs_open(&c->cwd, "baddir", O_CREAT | O_WRONLY, 0600, &f), -ENOENT);
}

/* A chain s0 -> s1 -> ... -> s41 -> "d/f": 40 links resolve, 41 do not. */
static void case_symlink_chain(struct conf_ctx *c)
{
	char name[16], target[16];

	KASSERT_EQ(vfs_mkdir(&c->cwd, "d", 0755), 0);
	conf_put(c, "d/f", "F", 1);
	KASSERT_EQ(vfs_symlink(&c->cwd, "d/f", "s41"), 0);
	for (int i = 40; i >= 0; i--) {
		ksnprintf(name, sizeof(name), "s%d", i);
		ksnprintf(target, sizeof(target), i % 2 ? "./s%d" : "s%d", i + 1);
		KASSERT_EQ(vfs_symlink(&c->cwd, target, name), 0);
	}
	KASSERT(conf_has(c, "s2", "F"));  // 40 links: s2..s41
	KASSERT(!conf_has(c, "s1", "F")); // 41
	KASSERT_EQ(conf_stat_err(c, "s1", true), -ELOOP);
	KASSERT_EQ(conf_stat_err(c, "s0", true), -ELOOP);
	KASSERT_EQ(conf_stat_err(c, "s0", false), 0);
}

static void case_name_limits(struct conf_ctx *c)
{
	char *p = kmalloc(4200);
	struct file *f;

	KASSERT(p);
	memset(p, 'n', 255);
	p[255] = '\0';
	KASSERT_EQ(vfs_open(&c->cwd, p, O_CREAT | O_WRONLY, 0644, &f), 0);
	file_put(f);
	KASSERT_EQ(conf_count_entries(c, ".", NULL, NULL), 3);
	KASSERT_EQ(vfs_unlink(&c->cwd, p), 0);
	p[255] = 'n';
	p[256] = '\0';
	KASSERT_EQ(vfs_open(&c->cwd, p, O_CREAT | O_WRONLY, 0644, &f), -ENAMETOOLONG);
	KASSERT_EQ(conf_stat_err(c, p, true), -ENAMETOOLONG);
	KASSERT_EQ(vfs_mkdir(&c->cwd, p, 0755), -ENAMETOOLONG);
	for (int i = 0; i < 4096; i++)
		p[i] = i % 2 ? '/' : '.';
	p[4095] = '\0'; // 4095 bytes: allowed ("./././...")
	KASSERT_EQ(conf_stat_err(c, p, true), 0);
	p[4095] = '.';
	p[4096] = '\0'; // 4096 bytes: too long
	KASSERT_EQ(conf_stat_err(c, p, true), -ENAMETOOLONG);
	kfree(p);
}

static void case_mounts(struct conf_ctx *c)
{
	struct vfs_path m, m2;
	struct file *f;

	KASSERT_EQ(vfs_mkdir(&c->cwd, "m", 0755), 0);
	conf_put(c, "m/hidden", "H", 1);
	conf_put(c, "outer", "O", 1);
	KASSERT_EQ(vfs_walk(&c->cwd, "m", WALK_FOLLOW, &m), 0);
	KASSERT_EQ(vfs_mount_at(&m, "tmpfs", "none", "size=1M"), 0);
	vfs_path_put(&m);
	KASSERT_EQ(conf_stat_err(c, "m/hidden", true), -ENOENT);
	conf_put(c, "m/inner", "I", 1);
	KASSERT(conf_has(c, "m/../outer", "O")); // ".." at a mounted root
	KASSERT(conf_has(c, "m/./../m/inner", "I"));
	KASSERT_EQ(ino_of(c, "m/.."), ino_of(c, "."));
	KASSERT(CONF_STAT(c, "m", st_dev) != CONF_STAT(c, ".", st_dev));
	KASSERT_EQ(vfs_rmdir(&c->cwd, "m"), -EBUSY);
	KASSERT_EQ(vfs_rename(&c->cwd, "m", "m2"), -EBUSY);
	KASSERT_EQ(vfs_rename(&c->cwd, "m/inner", "outer2"), -EXDEV);
	KASSERT_EQ(vfs_link(&c->cwd, "m/inner", "outer2"), -EXDEV);
	KASSERT_EQ(vfs_walk(&c->cwd, "outer", 0, &m2), 0);
	KASSERT_EQ(vfs_mount_at(&m2, "tmpfs", "none", NULL), -ENOTDIR);
	KASSERT_EQ(vfs_mount_at(&m2, "nosuchfs", "none", NULL), -ENOTDIR);
	KASSERT_EQ(vfs_umount(&m2), -EINVAL); // not a mount's root
	/* Busy: an open file, then a mount below. */
	f = conf_open(c, "m/inner", O_RDONLY);
	KASSERT_EQ(vfs_walk(&c->cwd, "m", WALK_FOLLOW, &m), 0);
	KASSERT_EQ(vfs_umount(&m), -EBUSY);
	file_put(f);
	KASSERT_EQ(vfs_mkdir(&c->cwd, "m/sub", 0755), 0);
	KASSERT_EQ(vfs_walk(&c->cwd, "m/sub", WALK_FOLLOW, &m), 0);
	KASSERT_EQ(vfs_mount_at(&m, "tmpfs", "none", "bogus=1"), -EINVAL);
	KASSERT_EQ(vfs_mount_at(&m, "tmpfs", "none", NULL), 0);
	vfs_path_put(&m);
	KASSERT_EQ(vfs_walk(&c->cwd, "m", WALK_FOLLOW, &m), 0);
	KASSERT_EQ(vfs_umount(&m), -EBUSY);
	KASSERT_EQ(vfs_walk(&c->cwd, "m/sub", WALK_FOLLOW, &m), 0);
	KASSERT_EQ(vfs_umount(&m), 0);
	KASSERT_EQ(vfs_walk(&c->cwd, "m", WALK_FOLLOW, &m), 0);
	KASSERT_EQ(vfs_umount(&m), 0);
	KASSERT(conf_has(c, "m/hidden", "H")); // the covered directory is back
	KASSERT_EQ(vfs_walk(&c->cwd, "m", WALK_FOLLOW, &m), 0);
	KASSERT_EQ(vfs_umount(&m), -EINVAL);
}

const struct conf_case conf_cases_ns[] = {
	{ "dirs", case_dirs, 0 },
	{ "removed_cwd", case_removed_cwd, 0 },
	{ "errno", case_errno, CONF_NO_SYMLINK },
	{ "rename", case_rename, 0 },
	{ "rename_noreplace", case_rename_noreplace, 0 },
	{ "hard_links", case_hard_links, CONF_NO_HARDLINK },
	{ "symlinks", case_symlinks, CONF_NO_SYMLINK },
	{ "symlink_chain", case_symlink_chain, CONF_NO_SYMLINK },
	{ "name_limits", case_name_limits, 0 },
	{ "mounts", case_mounts, 0 },
	{ NULL, NULL, 0 },
};

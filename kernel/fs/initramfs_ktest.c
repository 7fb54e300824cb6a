/*
 * In-kernel tests of the initramfs unpacker: archives written here in the
 * newc format (as `cpio -o -H newc` writes them) are unpacked into a
 * fresh tmpfs and the tree is checked through the VFS; a truncated and a
 * garbage archive keep what came before the damage and break nothing.
 */
#include "fs/initramfs.h"

#include "fs/vfs_conformance.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"
#include "lib/cpio.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define ARCHIVE_MAX 4096
#define T_MTIME 1700000000u

struct archive {
	uint8_t *buf;
	size_t len;
};

static void pad4(struct archive *a)
{
	while (a->len & 3)
		a->buf[a->len++] = 0;
}

/* Append one newc entry. */
static void add(struct archive *a, const char *name, uint32_t mode, uint32_t ino, uint32_t nlink,
		const char *data)
{
	size_t n = data ? strlen(data) : 0, nsize = strlen(name) + 1;

	ksnprintf((char *)a->buf + a->len, ARCHIVE_MAX - a->len,
		  "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", ino, mode, 0u, 0u,
		  nlink, T_MTIME, n, 0u, 1u, 0u, 0u, nsize, 0u);
	a->len += CPIO_HDR_SIZE;
	memcpy(a->buf + a->len, name, nsize);
	a->len += nsize;
	pad4(a);
	memcpy(a->buf + a->len, data, n);
	a->len += n;
	pad4(a);
}

/* The archive every test starts from; returns where the file "d/f"'s
 * entry starts (to cut the archive there). */
static size_t build(struct archive *a)
{
	size_t cut;

	a->len = 0;
	add(a, ".", 040755, 1, 2, NULL);
	add(a, "d", 040750, 2, 2, NULL);
	cut = a->len;
	add(a, "d/f", 0100640, 3, 1, "hello");
	add(a, "d/s", 0120777, 4, 1, "f");
	add(a, "../evil", 0100644, 5, 1, "x");
	add(a, "d/fifo", 0010644, 6, 1, NULL);
	add(a, "a", 0100600, 7, 2, NULL); /* hard links: data on the last */
	add(a, "b", 0100600, 7, 2, "linked");
	add(a, "TRAILER!!!", 0, 0, 1, NULL);
	return cut;
}

static struct archive *archive_new(void)
{
	struct archive *a = kzalloc(sizeof(*a));

	if (a && !(a->buf = kzalloc(ARCHIVE_MAX))) {
		kfree(a);
		a = NULL;
	}
	return a;
}

static void archive_free(struct archive *a)
{
	kfree(a->buf);
	kfree(a);
}

static const struct conf_fs tmp = { .type = "tmpfs" };

KTEST(initramfs_unpacks_a_tree)
{
	struct archive *a = archive_new();
	struct initramfs_stats st;
	struct conf_ctx c;

	KASSERT(a);
	build(a);
	conf_mount(&c, &tmp);
	KASSERT_EQ(initramfs_unpack(&c.cwd, a->buf, a->len, &st), 0);
	KASSERT_EQ(st.dirs, 1);
	KASSERT_EQ(st.files, 2);
	KASSERT_EQ(st.symlinks, 1);
	KASSERT_EQ(st.links, 1);
	KASSERT_EQ(st.skipped, 2); /* ../evil and the FIFO */
	KASSERT_EQ(st.errors, 0);
	KASSERT(conf_has(&c, "d/f", "hello"));
	KASSERT(conf_has(&c, "d/s", "hello")); /* through the symlink */
	KASSERT(conf_has(&c, "a", "linked") && conf_has(&c, "b", "linked"));
	KASSERT_EQ(CONF_LSTAT(&c, "d/f", st_mode), 0100640);
	KASSERT_EQ(CONF_LSTAT(&c, "d", st_mode), 040750);
	KASSERT_EQ(CONF_LSTAT(&c, ".", st_mode), 040755);
	KASSERT_EQ(CONF_LSTAT(&c, "d/s", st_mode) & 0170000, 0120000);
	KASSERT_EQ(CONF_LSTAT(&c, "a", st_nlink), 2);
	KASSERT_EQ(CONF_LSTAT(&c, "a", st_ino), CONF_LSTAT(&c, "b", st_ino));
	KASSERT_EQ(CONF_LSTAT(&c, "d/f", st_mtime_sec), T_MTIME);
	KASSERT_EQ(CONF_LSTAT(&c, "d", st_mtime_sec), T_MTIME); /* set after its files */
	KASSERT_EQ(conf_stat_err(&c, "d/fifo", false), -ENOENT);
	KASSERT_EQ(conf_stat_err(&c, "evil", false), -ENOENT);
	conf_umount(&c);
	archive_free(a);
}

KTEST(initramfs_truncated_archive_keeps_the_good_part)
{
	struct archive *a = archive_new();
	struct initramfs_stats st;
	struct conf_ctx c;
	size_t cut;

	KASSERT(a);
	cut = build(a);
	conf_mount(&c, &tmp);
	/* Cut inside d/f's header: "d" is kept, nothing after it exists. */
	KASSERT_EQ(initramfs_unpack(&c.cwd, a->buf, cut + 40, &st), -EINVAL);
	KASSERT(st.malformed);
	KASSERT_EQ(st.bad_offset, cut);
	KASSERT_EQ(st.dirs, 1);
	KASSERT_EQ(CONF_LSTAT(&c, "d", st_mode), 040750);
	KASSERT_EQ(conf_stat_err(&c, "d/f", false), -ENOENT);
	conf_umount(&c);
	archive_free(a);
}

KTEST(initramfs_garbage_is_refused_cleanly)
{
	struct archive *a = archive_new();
	struct initramfs_stats st;
	struct conf_ctx c;
	uint32_t x = 12345;

	KASSERT(a);
	for (size_t i = 0; i < ARCHIVE_MAX; i++) {
		x = x * 1103515245u + 12345u;
		a->buf[i] = (uint8_t)(x >> 16);
	}
	conf_mount(&c, &tmp);
	KASSERT_EQ(initramfs_unpack(&c.cwd, a->buf, ARCHIVE_MAX, &st), -EINVAL);
	KASSERT(st.malformed);
	KASSERT_EQ(st.dirs + st.files + st.symlinks + st.links, 0);
	KASSERT_EQ(initramfs_unpack(&c.cwd, a->buf, 0, &st), 0); /* empty: nothing to do */
	conf_umount(&c);
	archive_free(a);
}

/*
 * Tests for kernel/lib/cpio.c. The oracle is GNU cpio: the test builds a
 * tree in a temporary directory (files of awkward sizes, directories, a
 * symlink, a FIFO, a three-name hard link), packs it with `cpio -o -H newc`
 * and `-H crc`, and checks that every file the tool packed comes back once
 * with the name, mode, owner, mtime, nlink, inode, device, size and bytes
 * lstat() and read() give, and that the hard links carry their data once.
 * Then the archive is cut at every byte offset (entries, then an error or
 * a clean end; never a crash under ASan), corrupted field by field, and
 * handcrafted entries exercise every refusal.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "include/uapi/errno.h"
#include "lib/cpio.h"
#include "unit.h"

#define MAX_ENTRIES 64

/* The tree the tool packs: regular files get pseudo-random contents. */
static const struct {
	const char *name;
	long size; // -1: not a regular file
} files[] = {
	{ "empty", 0 },	 { "one", 1 },	      { "three", 3 },	     { "four", 4 },
	{ "five", 5 },	 { "d/sector", 512 }, { "d/e/page1", 4097 }, { "with space", 17 },
	{ "link1", 33 }, { "d/link2", -1 },   { "link3", -1 },	     { "sym", -1 },
	{ "fifo", -1 },	 { "d", -1 },	      { "d/e", -1 },	     { "d/empty-dir", -1 },
};

struct archive {
	char dir[64];
	uint8_t *buf;
	size_t size;
};

static void write_file(const char *path, long size)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	for (long i = 0; i < size; i++)
		fputc((int)(unit_rand() & 0xff), f);
	fclose(f);
}

static void build_tree(const char *dir)
{
	CHECK_EQ(chdir(dir), 0);
	CHECK_EQ(mkdir("d", 0755), 0);
	CHECK_EQ(mkdir("d/e", 0700), 0);
	CHECK_EQ(mkdir("d/empty-dir", 0751), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i].size >= 0)
			write_file(files[i].name, files[i].size);
	}
	CHECK_EQ(chmod("three", 0640), 0);
	CHECK_EQ(chmod("five", 04755), 0);
	CHECK_EQ(link("link1", "d/link2"), 0);
	CHECK_EQ(link("link1", "link3"), 0);
	CHECK_EQ(symlink("d/e/page1", "sym"), 0);
	CHECK_EQ(mkfifo("fifo", 0600), 0);
	CHECK_EQ(chdir("/"), 0);
}

/* Read all of @path into an exactly sized heap buffer. */
static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	CHECK(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? (size_t)n : 1);
	CHECK_EQ(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Build the tree and pack it with the real cpio in @format. */
static void make_archive(struct archive *a, const char *format)
{
	char cmd[512], out[128];

	snprintf(a->dir, sizeof(a->dir), "/tmp/corvid-cpio-XXXXXX");
	CHECK(mkdtemp(a->dir) != NULL);
	build_tree(a->dir);
	snprintf(out, sizeof(out), "%s.cpio", a->dir);
	snprintf(
		cmd, sizeof(cmd),
		"cd '%s' && find . -mindepth 1 -printf '%%P\\n' | sort | cpio -o -H %s --quiet >'%s'",
		a->dir, format, out);
	CHECK_EQ(system(cmd), 0);
	a->buf = read_all(out, &a->size);
	unlink(out);
}

static void free_archive(struct archive *a)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", a->dir);
	CHECK_EQ(system(cmd), 0);
	free(a->buf);
}

/* Iterate over @size bytes at @buf into @e[]; returns the final result
 * (0 or -errno) and sets *@n to the entries seen. */
static int collect(const void *buf, size_t size, struct cpio_entry *e, int *n, struct cpio_iter *it)
{
	int r;

	cpio_iter_init(it, buf, size);
	*n = 0;
	while ((r = cpio_next(it, &e[*n])) == 1) {
		if (*n + 1 < MAX_ENTRIES)
			(*n)++;
	}
	return r;
}

/* The entry checks against the host's idea of the file. */
static void check_against_host(const struct archive *a, const struct cpio_entry *e)
{
	char path[512], target[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", a->dir, e->name);
	CHECKF(lstat(path, &st) == 0, "packed \"%s\" does not exist", e->name);
	CHECK_EQ(e->mode, st.st_mode);
	CHECK_EQ(e->uid, st.st_uid);
	CHECK_EQ(e->gid, st.st_gid);
	CHECK_EQ(e->mtime, (uint32_t)st.st_mtime);
	CHECK_EQ(e->nlink, st.st_nlink);
	CHECK_EQ(e->ino, (uint32_t)st.st_ino);
	CHECK_EQ(e->devmajor, major(st.st_dev));
	CHECK_EQ(e->devminor, minor(st.st_dev));
	CHECK(!e->name_absolute && !e->name_dotdot);
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(path, target, sizeof(target));

		CHECK_EQ(e->filesize, n);
		CHECK_MEM_EQ(e->data, target, (size_t)n);
	} else if (S_ISREG(st.st_mode) && (e->filesize || st.st_nlink == 1)) {
		size_t n;
		uint8_t *want = read_all(path, &n);

		CHECK_EQ(e->filesize, n);
		CHECK_MEM_EQ(e->data, want, n);
		free(want);
	} else if (!S_ISREG(st.st_mode)) {
		CHECK_EQ(e->filesize, 0);
	}
}

/* Every file in files[] is in @e[] exactly once and nothing else is. */
static void check_all_present(const struct cpio_entry *e, int n)
{
	CHECK_EQ(n, (int)(sizeof(files) / sizeof(files[0])));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int seen = 0;

		for (int j = 0; j < n; j++)
			seen += !strcmp(e[j].name, files[i].name);
		CHECKF(seen == 1, "\"%s\" packed %d times", files[i].name, seen);
	}
}

/* The three names of link1: same key, link candidates, data on exactly one
 * of them, the last in the archive. */
static void check_hard_links(const struct cpio_entry *e, int n)
{
	const struct cpio_entry *first = NULL;
	int names = 0, with_data = 0, last = -1;

	for (int j = 0; j < n; j++) {
		if (strcmp(e[j].name, "link1") && strcmp(e[j].name, "d/link2") &&
		    strcmp(e[j].name, "link3")) {
			CHECKF(!cpio_is_link_candidate(&e[j]), "\"%s\" is a link candidate",
			       e[j].name);
			continue;
		}
		struct cpio_link_key k = cpio_link_key(&e[j]), k0;
		CHECK(cpio_is_link_candidate(&e[j]));
		if (!first)
			first = &e[j];
		k0 = cpio_link_key(first);
		CHECK(cpio_link_key_eq(&k, &k0));
		names++;
		if (e[j].filesize) {
			with_data++;
			CHECK_EQ(e[j].filesize, 33);
		}
		last = j;
	}
	CHECK_EQ(names, 3);
	CHECK_EQ(with_data, 1);
	CHECK(last >= 0 && e[last].filesize == 33);
}

static void check_real_archive(const char *format, enum cpio_format want)
{
	struct archive a;
	struct cpio_entry e[MAX_ENTRIES];
	struct cpio_iter it;
	int n;

	make_archive(&a, format);
	CHECK_EQ(collect(a.buf, a.size, e, &n, &it), 0);
	check_all_present(e, n);
	for (int j = 0; j < n; j++) {
		CHECK_EQ(e[j].format, want);
		check_against_host(&a, &e[j]);
	}
	check_hard_links(e, n);
	free_archive(&a);
}

TEST(cpio_real_newc)
{
	check_real_archive("newc", CPIO_NEWC);
}

TEST(cpio_real_crc)
{
	check_real_archive("crc", CPIO_CRC);
}

/* Cut a real archive at every offset, in an exactly sized buffer each. */
static void check_truncations(const char *format)
{
	struct archive a;
	static struct cpio_entry full[MAX_ENTRIES], part[MAX_ENTRIES];
	struct cpio_iter it;
	int nfull, n, clean = 0;

	make_archive(&a, format);
	CHECK_EQ(collect(a.buf, a.size, full, &nfull, &it), 0);
	for (size_t cut = 0; cut < a.size; cut++) {
		uint8_t *b = malloc(cut ? cut : 1);
		int r;

		memcpy(b, a.buf, cut);
		r = collect(b, cut, part, &n, &it);
		CHECKF(r == 0 || r == -EINVAL, "cut at %zu: %d", cut, r);
		CHECK(n <= nfull);
		for (int j = 0; j < n; j++) {
			CHECK_EQ(part[j].offset, full[j].offset);
			CHECK(!strcmp(part[j].name, full[j].name));
		}
		if (r == 0) {
			clean++;
			/* A clean end: nothing at all, or every entry. */
			CHECKF(cut == 0 || n == nfull, "cut at %zu: clean with %d of %d", cut, n,
			       nfull);
		} else {
			CHECK(it.err_pos <= cut);
			CHECK(it.err_what != NULL);
			CHECK(it.err_pos >= (n ? full[n - 1].offset : 0));
		}
		free(b);
	}
	CHECK(clean >= 2); // the empty buffer, and cuts inside the trailer's padding
	free_archive(&a);
}

TEST(cpio_truncated_everywhere)
{
	check_truncations("newc");
	check_truncations("crc");
}

/* Replace byte @i of a copy of @a with @c and iterate: the entry holding
 * @i must be refused with -EINVAL, the ones before it returned intact. */
TEST(cpio_corrupt_fields)
{
	static struct cpio_entry full[MAX_ENTRIES], part[MAX_ENTRIES];
	const char bad[] = { 'g', ' ', 'x', '-', '\0' };
	struct cpio_iter it;
	struct archive a;
	int nfull, n;

	make_archive(&a, "newc");
	CHECK_EQ(collect(a.buf, a.size, full, &nfull, &it), 0);
	uint8_t *b = malloc(a.size);
	for (int j = 0; j < nfull; j++) {
		for (size_t i = 0; i < CPIO_HDR_SIZE; i++) {
			memcpy(b, a.buf, a.size);
			b[full[j].offset + i] = (uint8_t)bad[i % sizeof(bad)];
			CHECK_EQ(collect(b, a.size, part, &n, &it), -EINVAL);
			CHECK_EQ(n, j);
			CHECK_EQ(it.err_pos, full[j].offset);
			/* Errors are sticky. */
			CHECK_EQ(cpio_next(&it, &part[0]), -EINVAL);
		}
	}
	free(b);
	free_archive(&a);
}

/* A handcrafted entry appended at *@len of @buf. @namesize < 0 means the
 * honest one (strlen + 1); the name (and its NUL) is written into the
 * first namesize bytes, zero-padded, at most 64 of them. */
static void put(uint8_t *buf, size_t *len, const char *magic, const char *name, long namesize,
		uint32_t mode, uint32_t nlink, uint32_t filesize, const char *data, uint32_t check)
{
	size_t nl = strlen(name) + 1, dl = data ? strlen(data) : 0, span;

	if (namesize < 0)
		namesize = (long)nl;
	span = namesize < 64 ? (size_t)namesize : 64; // what goes in the buffer
	*len += (size_t)sprintf((char *)buf + *len,
				"%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08lX%08X", magic,
				7u, mode, 0u, 0u, nlink, 0u, filesize, 3u, 1u, 0u, 0u,
				(unsigned long)namesize, check);
	memset(buf + *len, 0, span + 4);
	memcpy(buf + *len, name, nl < span ? nl : span);
	*len = (*len + span + 3) & ~(size_t)3;
	memcpy(buf + *len, data ? data : "", dl);
	*len = (*len + dl + 3) & ~(size_t)3;
}

static void put_file(uint8_t *buf, size_t *len, const char *name, const char *data)
{
	put(buf, len, "070701", name, -1, 0100644, 1, (uint32_t)strlen(data), data, 0);
}

static void put_trailer(uint8_t *buf, size_t *len)
{
	put(buf, len, "070701", "TRAILER!!!", -1, 0, 1, 0, NULL, 0);
}

/* Iterate over a copy of @len bytes of @buf in an exact heap block, which
 * lives until the next call (the entries point into it). */
static int run(const uint8_t *buf, size_t len, int *n, struct cpio_iter *it, struct cpio_entry *e)
{
	static uint8_t *copy;

	free(copy);
	copy = malloc(len ? len : 1);
	memcpy(copy, buf, len);
	return collect(copy, len, e, n, it);
}

TEST(cpio_handcrafted_refusals)
{
	static uint8_t buf[4096];
	static struct cpio_entry e[MAX_ENTRIES];
	struct cpio_iter it;
	size_t len;
	int n;

	/* Name without its NUL: namesize one short. */
	len = 0;
	put_file(buf, &len, "good", "data");
	put(buf, &len, "070701", "abc", 3, 0100644, 1, 0, NULL, 0);
	CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
	CHECK_EQ(n, 1);
	CHECK_EQ(it.err_pos, 120);
	CHECK(!strcmp(it.err_what, "name not NUL-terminated"));

	/* A NUL inside the name: namesize one long. */
	len = 0;
	put(buf, &len, "070701", "abc", 5, 0100644, 1, 0, NULL, 0);
	CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
	CHECK(!strcmp(it.err_what, "NUL inside name"));

	/* Empty names. */
	for (long ns = 0; ns <= 1; ns++) {
		len = 0;
		put(buf, &len, "070701", "", ns, 0100644, 1, 0, NULL, 0);
		CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
		CHECK(!strcmp(it.err_what, "empty name"));
	}

	/* A huge filesize and a huge namesize. */
	len = 0;
	put(buf, &len, "070701", "big", -1, 0100644, 1, 0xffffffffu, NULL, 0);
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
	CHECK(!strcmp(it.err_what, "data past end of archive"));
	len = 0;
	put(buf, &len, "070701", "big", 0xffffffffL, 0100644, 1, 0, NULL, 0);
	CHECK_EQ(run(buf, CPIO_HDR_SIZE + 8, &n, &it, e), -EINVAL);
	CHECK(!strcmp(it.err_what, "name past end of archive"));

	/* Other magics: old binary/odc cpio, and garbage. */
	len = 0;
	put(buf, &len, "070707", "odc", -1, 0100644, 1, 0, NULL, 0);
	CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
	CHECK(!strcmp(it.err_what, "bad magic"));
}

TEST(cpio_hex_strict)
{
	static uint8_t buf[4096];
	static struct cpio_entry e[MAX_ENTRIES];
	struct cpio_iter it;
	size_t len = 0;
	int n;

	put_file(buf, &len, "f", "xyz");
	put_trailer(buf, &len);
	/* Lower case hex is hex. */
	memcpy(buf + 6 + 8, "000081a4", 8);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
	CHECK_EQ(e[0].mode, 0100644);
	/* "0x" prefixes, signs and spaces are not. */
	static const char *const bad[] = { "0x0081A4", "+00081A4", " 00081A4", "00081A4 " };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(buf + 6 + 8, bad[i], 8);
		CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
		CHECK(!strcmp(it.err_what, "bad hex field"));
	}
}

TEST(cpio_crc_checksum)
{
	static uint8_t buf[4096];
	static struct cpio_entry e[MAX_ENTRIES];
	struct cpio_iter it;
	size_t len = 0;
	int n;
	/* 'a' + 'b' + 0xff = 0x1c2: the sum of bytes as unsigned. */
	const char data[] = "ab\xff";

	put(buf, &len, "070702", "f", -1, 0100644, 1, 3, data, 0x1c2);
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(e[0].format, CPIO_CRC);
	len = 0;
	put(buf, &len, "070702", "f", -1, 0100644, 1, 3, data, 0x1c3);
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), -EUCLEAN);
	CHECK_EQ(it.err_pos, 0);
	/* Only regular files are checked (GNU cpio writes 0 for symlinks). */
	len = 0;
	put(buf, &len, "070702", "s", -1, 0120777, 1, 3, data, 0);
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
	/* newc ignores the check field. */
	len = 0;
	put(buf, &len, "070701", "f", -1, 0100644, 1, 3, data, 0x1234);
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
}

TEST(cpio_names_flagged)
{
	static const struct {
		const char *name;
		bool absolute, dotdot;
	} t[] = {
		{ "/etc/passwd", true, false }, { "..", false, true },
		{ "a/../b", false, true },	{ "a/..", false, true },
		{ "../a", false, true },	{ "..a/b..", false, false },
		{ "/..", true, true },		{ ".", false, false },
		{ "a/.../b", false, false },
	};
	static uint8_t buf[4096];
	static struct cpio_entry e[MAX_ENTRIES];
	struct cpio_iter it;
	size_t len = 0;
	int n;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		put_file(buf, &len, t[i].name, "");
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
	CHECK_EQ(n, (int)(sizeof(t) / sizeof(t[0])));
	for (int i = 0; i < n; i++) {
		CHECK(!strcmp(e[i].name, t[i].name));
		CHECK_EQ(e[i].namelen, strlen(t[i].name));
		CHECKF(e[i].name_absolute == t[i].absolute && e[i].name_dotdot == t[i].dotdot,
		       "\"%s\": absolute %d dotdot %d", t[i].name, e[i].name_absolute,
		       e[i].name_dotdot);
	}
}

TEST(cpio_archive_boundaries)
{
	static uint8_t buf[4096];
	static struct cpio_entry e[MAX_ENTRIES];
	struct cpio_iter it;
	size_t len = 0, mid;
	int n;

	/* Empty and all-NUL buffers are clean ends with no entries. */
	CHECK_EQ(run(buf, 0, &n, &it, e), 0);
	memset(buf, 0, 512);
	CHECK_EQ(run(buf, 512, &n, &it, e), 0);
	CHECK_EQ(n, 0);

	/* Two archives with NUL padding between them, as Linux accepts. */
	put_file(buf, &len, "a", "1");
	put_trailer(buf, &len);
	memset(buf + len, 0, 64);
	len += 64;
	mid = len;
	put_file(buf, &len, "b", "22");
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
	CHECK_EQ(n, 2);
	CHECK(!strcmp(e[1].name, "b") && e[1].offset == mid && e[1].filesize == 2);
	CHECK(!memcmp(e[1].data, "22", 2));

	/* Junk after the trailer at an unaligned offset. */
	buf[mid - 3] = 'x';
	CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
	CHECK_EQ(n, 1);
	CHECK_EQ(it.err_pos, mid - 3);
	CHECK(!strcmp(it.err_what, "junk after trailer"));

	/* An archive that just stops after an entry. */
	len = 0;
	put_file(buf, &len, "a", "1");
	CHECK_EQ(run(buf, len, &n, &it, e), -EINVAL);
	CHECK_EQ(n, 1);
	CHECK(!strcmp(it.err_what, "missing trailer"));

	/* The NUL after a trailer entry's name is part of its padding. */
	len = 0;
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
	CHECK_EQ(n, 0);
}

TEST(cpio_devices)
{
	static uint8_t buf[4096];
	static struct cpio_entry e[MAX_ENTRIES];
	struct cpio_iter it;
	size_t len = 0;
	int n;

	put(buf, &len, "070701", "dev/null", -1, 0020666, 1, 0, NULL, 0);
	memcpy(buf + 6 + 9 * 8, "00000001", 8);	 // rdevmajor
	memcpy(buf + 6 + 10 * 8, "00000003", 8); // rdevminor
	put(buf, &len, "070701", "d", -1, 0040755, 2, 0, NULL, 0);
	put_trailer(buf, &len);
	CHECK_EQ(run(buf, len, &n, &it, e), 0);
	CHECK_EQ(n, 2);
	CHECK(e[0].rdevmajor == 1 && e[0].rdevminor == 3);
	CHECK(e[0].devmajor == 3 && e[0].devminor == 1);
	CHECK_EQ(e[0].mode & CPIO_MODE_TYPE, CPIO_MODE_CHR);
	CHECK(!cpio_is_link_candidate(&e[1])); // a directory with nlink 2
	CHECK_EQ(CPIO_MODE_REG, S_IFREG);
	CHECK_EQ(CPIO_MODE_DIR, S_IFDIR);
	CHECK_EQ(CPIO_MODE_LNK, S_IFLNK);
	CHECK_EQ(CPIO_MODE_TYPE, S_IFMT);
}

/*
 * Tests for kernel/lib/path.c. The iterator and the limits are checked on a
 * table of edge cases ("", "/", "//", "a//b/", 255/256-byte names,
 * 4095/4096-byte paths, in exactly sized heap buffers so ASan sees any
 * over-read). The normaliser is checked on a table, at every buffer size,
 * against a forward stack-based model on random paths, and against the
 * host's realpath() on random paths through a real directory tree (no
 * symlinks, so physical and lexical ".." agree). dirname/basename are
 * compared with glibc's libgen versions on every string up to 8 bytes over
 * { '/', '.', 'a' }.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libgen.h>

#include "include/uapi/errno.h"
#include "lib/path.h"
#include "unit.h"

/* A heap copy of @s with no slack after its NUL. */
static char *dup_exact(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	memcpy(p, s, n);
	return p;
}

/* A heap path of @n bytes (plus NUL) made of "a/" repeated, ending in 'a'. */
static char *long_path(size_t n)
{
	char *p = malloc(n + 1);

	memset(p, 'a', n);
	for (size_t i = 1; i + 1 < n; i += 2)
		p[i] = '/';
	p[n] = '\0';
	return p;
}

/*
 * Iterate over @path and render what was seen: components joined by '|',
 * a '/' after one with must_dir, a leading '^' for an absolute path, and
 * "!E" for an error E (the iteration stops there).
 */
static void render(const char *path, char *out, size_t size)
{
	struct path_iter it;
	struct path_comp c;
	int r = path_iter_init(&it, path, strlen(path));
	size_t n = 0;

	out[0] = '\0';
	if (r < 0) {
		snprintf(out, size, "!%d", -r);
		return;
	}
	if (it.absolute)
		n += (size_t)snprintf(out + n, size - n, "^");
	while ((r = path_next(&it, &c)) == 1) {
		n += (size_t)snprintf(out + n, size - n, "%s%.*s%s",
				      n && out[n - 1] != '^' ? "|" : "", (int)c.len, c.name,
				      c.must_dir ? "/" : "");
		CHECK_EQ(c.last, it.p == it.end);
	}
	if (r < 0)
		snprintf(out + n, size - n, "!%d", -r);
}

TEST(path_iter_table)
{
	static const struct {
		const char *path, *want;
	} t[] = {
		{ "", "!2" },
		{ "/", "^" },
		{ "//", "^" },
		{ "///", "^" },
		{ "a", "a" },
		{ "a/", "a/" },
		{ "a//b/", "a|b/" },
		{ "a//b//", "a|b/" },
		{ "/../..", "^..|.." },
		{ "./a/./b/..", ".|a|.|b|.." },
		{ "//usr///lib", "^usr|lib" },
		{ "a/.", "a|." },
		{ "./", "./" },
		{ "...", "..." },
	};
	char out[256];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		render(t[i].path, out, sizeof(out));
		CHECKF(!strcmp(out, t[i].want), "\"%s\": got \"%s\", want \"%s\"", t[i].path, out,
		       t[i].want);
	}
}

TEST(path_iter_flags)
{
	struct path_iter it;
	struct path_comp c;

	CHECK_EQ(path_iter_init(&it, "a/b/", 4), 0);
	CHECK(!it.absolute && it.trailing_slash);
	CHECK_EQ(path_next(&it, &c), 1);
	CHECK(!c.last && !c.must_dir && c.len == 1 && c.name[0] == 'a');
	CHECK_EQ(path_next(&it, &c), 1);
	CHECK(c.last && c.must_dir && c.name[0] == 'b');
	CHECK_EQ(path_next(&it, &c), 0);
	CHECK_EQ(path_next(&it, &c), 0);

	CHECK_EQ(path_iter_init(&it, "//", 2), 0);
	CHECK(it.absolute && !it.trailing_slash);
	/* Only @len bytes count: "ab/cd" cut at 2 is just "ab". */
	CHECK_EQ(path_iter_init(&it, "ab/cd", 2), 0);
	CHECK_EQ(path_next(&it, &c), 1);
	CHECK(c.last && !c.must_dir && c.len == 2);
	CHECK_EQ(path_next(&it, &c), 0);

	CHECK(path_is_dot(".", 1) && !path_is_dot("..", 2) && !path_is_dot(".a", 2));
	CHECK(path_is_dotdot("..", 2) && !path_is_dotdot(".", 1) && !path_is_dotdot("...", 3));
	CHECK(path_is_dotdot("..x", 2));
	CHECK(path_is_absolute("/x") && !path_is_absolute("x") && !path_is_absolute(""));
}

/* A path "/d/NAME/e" with a NAME of @n bytes, in an exact heap buffer. */
static char *path_with_name(size_t n)
{
	char *p = malloc(n + 6);

	memcpy(p, "/d/", 3);
	memset(p + 3, 'x', n);
	memcpy(p + 3 + n, "/e", 3);
	return p;
}

TEST(path_name_max)
{
	for (size_t n = 254; n <= 257; n++) {
		char *p = path_with_name(n);
		struct path_iter it;
		struct path_comp c;

		CHECK_EQ(path_iter_init(&it, p, strlen(p)), 0);
		CHECK_EQ(path_next(&it, &c), 1); // "d"
		CHECK_EQ(path_next(&it, &c), n <= PATH_NAME_MAX ? 1 : -ENAMETOOLONG);
		CHECK_EQ(c.len, n);
		CHECK(c.name == p + 3);
		free(p);
	}
	CHECK_EQ(PATH_NAME_MAX, NAME_MAX);
}

TEST(path_len_max)
{
	struct path_iter it;

	CHECK_EQ(PATH_LEN_MAX, PATH_MAX);
	for (size_t n = 4094; n <= 4097; n++) {
		char *p = long_path(n);
		int want = n < PATH_MAX ? 0 : -ENAMETOOLONG;

		CHECK_EQ(strlen(p), n);
		CHECK_EQ(path_check(p), want ? want : (ssize_t)n);
		CHECK_EQ(path_iter_init(&it, p, n), want);
		free(p);
	}
	char *e = dup_exact("");
	CHECK_EQ(path_check(e), -ENOENT);
	CHECK_EQ(path_iter_init(&it, e, 0), -ENOENT);
	free(e);
	/* path_check reads no more than PATH_LEN_MAX bytes of an unterminated
	 * buffer (ASan would see the over-read). */
	char *u = malloc(PATH_LEN_MAX);
	memset(u, 'a', PATH_LEN_MAX);
	CHECK_EQ(path_check(u), -ENAMETOOLONG);
	free(u);
}

/* path_normalize into exactly sized buffers of every size up to the
 * result's; only the last (len + 1) may succeed. */
static void check_norm(const char *base, const char *path, const char *want)
{
	size_t wlen = strlen(want);

	for (size_t size = 0; size <= wlen + 1; size++) {
		char *buf = malloc(size ? size : 1);
		ssize_t r = path_normalize(base, path, buf, size);

		if (size <= wlen) {
			CHECKF(r == -ENAMETOOLONG, "norm(%s, \"%s\") in %zu bytes: %zd",
			       base ? base : "-", path, size, r);
		} else {
			CHECKF(r == (ssize_t)wlen && !strcmp(buf, want),
			       "norm(%s, \"%s\"): %zd \"%s\", want \"%s\"", base ? base : "-", path,
			       r, r >= 0 ? buf : "", want);
		}
		free(buf);
	}
}

TEST(path_normalize_table)
{
	static const struct {
		const char *base, *path, *want;
	} t[] = {
		{ NULL, "/", "/" },
		{ NULL, "//", "/" },
		{ NULL, "a//b/", "a/b" },
		{ NULL, "/../..", "/" },
		{ NULL, "./a/./b/..", "a" },
		{ NULL, ".", "." },
		{ NULL, "./", "." },
		{ NULL, "a/..", "." },
		{ NULL, "..", ".." },
		{ NULL, "../../a/..", "../.." },
		{ NULL, "a/../../b", "../b" },
		{ NULL, "/a/b/../../..", "/" },
		{ NULL, "/a/./b//c/", "/a/b/c" },
		{ NULL, "...", "..." },
		{ NULL, "/..a/.b/", "/..a/.b" },
		{ "/home/u", "x/../y", "/home/u/y" },
		{ "/home/u", "../../../..", "/" },
		{ "/", "..", "/" },
		{ "/", ".", "/" },
		{ "/a", "/b", "/b" },
		{ "//a//", "b//", "/a/b" },
		{ "/a/b", "../c/./d/..", "/a/c" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_norm(t[i].base, t[i].path, t[i].want);

	char buf[8];
	CHECK_EQ(path_normalize(NULL, "", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(path_normalize("/a", "", buf, sizeof(buf)), -ENOENT);
	/* A result that only fits after ".." removes a long name. */
	check_norm(NULL, "/a-long-component-name/..", "/");
}

TEST(path_normalize_limits)
{
	char *p = long_path(PATH_MAX - 1), *q = long_path(PATH_MAX);
	char *buf = malloc(PATH_MAX);

	CHECK_EQ(path_normalize(NULL, p, buf, PATH_MAX), PATH_MAX - 1);
	CHECK_EQ(path_normalize(NULL, p, buf, PATH_MAX - 1), -ENAMETOOLONG);
	CHECK_EQ(path_normalize(NULL, q, buf, PATH_MAX), -ENAMETOOLONG);
	CHECK_EQ(path_normalize(q, "a", buf, PATH_MAX), -ENAMETOOLONG);
	/* An absolute path ignores the base, however long. */
	CHECK_EQ(path_normalize(q, "/a", buf, PATH_MAX), 2);
	free(p);
	free(q);
	free(buf);
}

/* The model: push names, pop on "..", left to right (a stack of spans). */
static void model_norm(const char *path, char *out)
{
	const char *st[64];
	size_t sl[64], n = 0, ups = 0, o = 0;
	bool abs = path[0] == '/';

	for (const char *p = path; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2)) {
			if (n)
				n--;
			else if (!abs)
				ups++;
		} else if (len && !(len == 1 && *p == '.')) {
			st[n] = p;
			sl[n++] = len;
		}
		p += len;
		p += strspn(p, "/");
	}
	if (abs)
		out[o++] = '/';
	for (size_t i = 0; i < ups; i++)
		o += (size_t)sprintf(out + o, "%s..", i ? "/" : "");
	for (size_t i = 0; i < n; i++) {
		if (o && out[o - 1] != '/')
			out[o++] = '/';
		memcpy(out + o, st[i], sl[i]);
		o += sl[i];
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
}

/* A random path of names from { a, b, ., .. } with 1-3 slashes between,
 * and maybe a leading and a trailing slash. */
static void random_path(char *out, bool allow_abs)
{
	static const char *const names[] = { "a", "b", ".", "..", "ccc" };
	size_t o = 0, k = 1 + unit_rand_below(8);

	if (allow_abs && unit_rand_below(2))
		out[o++] = '/';
	for (size_t i = 0; i < k; i++) {
		o += (size_t)sprintf(out + o, "%s", names[unit_rand_below(5)]);
		for (size_t s = (i + 1 < k) ? 1 + unit_rand_below(3) : unit_rand_below(2); s; s--)
			out[o++] = '/';
	}
	out[o] = '\0';
}

TEST(path_normalize_model)
{
	char path[128], want[128], got[128];

	for (int i = 0; i < 20000; i++) {
		random_path(path, true);
		model_norm(path, want);
		ssize_t r = path_normalize(NULL, path, got, sizeof(got));
		CHECKF(r == (ssize_t)strlen(want) && !strcmp(got, want),
		       "\"%s\": \"%s\", want \"%s\"", path, r >= 0 ? got : "(error)", want);
	}
}

/* Make @dir/{a,b}/{a,b}/{a,b}: a tree of real directories, depth 3. */
static void make_tree(const char *dir, int depth)
{
	char sub[PATH_MAX];

	if (depth == 0)
		return;
	for (int i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), "%s/%c", dir, "ab"[i]);
		CHECK_EQ(mkdir(sub, 0700), 0);
		make_tree(sub, depth - 1);
	}
}

TEST(path_normalize_realpath)
{
	char tmpl[] = "/tmp/corvid-path-XXXXXX", rel[128], full[PATH_MAX], got[PATH_MAX];
	char *root, cmd[PATH_MAX + 16];
	int compared = 0;

	CHECK(mkdtemp(tmpl) != NULL);
	root = realpath(tmpl, NULL); // /tmp itself may be a symlink
	make_tree(root, 3);
	for (int i = 0; i < 20000; i++) {
		random_path(rel, false);
		snprintf(full, sizeof(full), "%s/%s", root, rel);
		char *real = realpath(full, NULL);
		if (!real)
			continue; // a component that does not exist
		compared++;
		ssize_t r = path_normalize(NULL, full, got, sizeof(got));
		CHECKF(r >= 0 && !strcmp(got, real), "\"%s\": \"%s\", realpath \"%s\"", full,
		       r >= 0 ? got : "(error)", real);
		r = path_normalize(root, rel, got, sizeof(got));
		CHECKF(r >= 0 && !strcmp(got, real), "(%s, \"%s\"): \"%s\", realpath \"%s\"", root,
		       rel, r >= 0 ? got : "(error)", real);
		free(real);
	}
	CHECKF(compared > 2000, "only %d paths existed", compared);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK_EQ(system(cmd), 0);
	free(root);
}

/*
 * glibc's dirname answers "//" for "//" and "//a" (a root spelt with exactly
 * two slashes, which POSIX leaves to the implementation); Corvid, like
 * Linux's path walk, answers "/". Map glibc's answer to that choice.
 */
static const char *glibc_dirname(const char *s, char *buf)
{
	char *d;

	strcpy(buf, s);
	d = dirname(buf);
	if (!strcmp(d, "//"))
		d++;
	return d;
}

static void check_split(const char *s)
{
	char b1[32], b2[32];
	const char *want_dir = glibc_dirname(s, b1), *want_base, *out;
	size_t len;

	strcpy(b2, s);
	want_base = basename(b2);
	path_dirname(s, strlen(s), &out, &len);
	CHECKF(len == strlen(want_dir) && !strncmp(out, want_dir, len),
	       "dirname(\"%s\"): \"%.*s\", glibc \"%s\"", s, (int)len, out, want_dir);
	path_basename(s, strlen(s), &out, &len);
	CHECKF(len == strlen(want_base) && !strncmp(out, want_base, len),
	       "basename(\"%s\"): \"%.*s\", glibc \"%s\"", s, (int)len, out, want_base);
}

TEST(path_split_vs_glibc)
{
	static const char *const table[] = { "",       "/",	  "//",	   "///",      "usr",
					     "usr/",   "/usr",	  "/usr/", "/usr/lib", "/usr/lib/",
					     "a//b//", "//a",	  "..",	   "/..",      "./",
					     "a/.",    "///a///b" };
	char s[16];

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		check_split(table[i]);
	/* Every string of up to 8 bytes over { '/', '.', 'a' }. */
	for (int len = 0; len <= 8; len++) {
		int total = 1;

		for (int i = 0; i < len; i++)
			total *= 3;
		for (int code = 0; code < total; code++) {
			int c = code;

			for (int i = 0; i < len; i++, c /= 3)
				s[i] = "/.a"[c % 3];
			s[len] = '\0';
			check_split(s);
		}
	}
}

TEST(path_split_spans)
{
	const char *p = "/usr/lib/", *out;
	size_t len;

	path_dirname(p, strlen(p), &out, &len);
	CHECK(out == p && len == 4);
	path_basename(p, strlen(p), &out, &len);
	CHECK(out == p + 5 && len == 3);
	/* Only @len bytes count. */
	path_basename("abc/def", 3, &out, &len);
	CHECK_EQ(len, 3);
}

/* path_next_str over @path yields what path_check + path_iter yield. */
static void check_str_matches_iter(const char *path)
{
	struct path_iter it;
	struct path_comp a, b;
	const char *p = path;
	ssize_t len = path_check(path);
	int ra, rb;

	if (len < 0) { // "" has no components; too long fails on the way
		do
			rb = path_next_str(path, &p, &b);
		while (rb == 1);
		CHECK_EQ(rb, len == -ENOENT ? 0 : -ENAMETOOLONG);
		return;
	}
	CHECK_EQ(path_iter_init(&it, path, (size_t)len), 0);
	do {
		ra = path_next(&it, &a);
		rb = path_next_str(path, &p, &b);
		CHECKF(ra == rb, "\"%s\": %d vs %d", path, ra, rb);
		if (ra != 0) {
			CHECK(a.name == b.name && a.len == b.len);
			CHECK(a.last == b.last && a.must_dir == b.must_dir);
		}
	} while (ra == 1 && rb == 1);
}

TEST(path_next_str_matches_iter)
{
	static const char alpha[] = "/a.";
	char buf[16];

	for (unsigned int code = 0; code < 3u * 3 * 3 * 3 * 3 * 3 * 3 * 3; code++)
		for (size_t n = 0; n <= 8; n++) {
			unsigned int c = code;

			for (size_t i = 0; i < n; i++, c /= 3)
				buf[i] = alpha[c % 3];
			buf[n] = '\0';
			char *p = dup_exact(buf);

			check_str_matches_iter(p);
			free(p);
		}
	for (size_t n = 4094; n <= 4097; n++) {
		char *p = long_path(n);

		check_str_matches_iter(p);
		free(p);
	}
	for (size_t n = 254; n <= 257; n++) {
		char *p = path_with_name(n);

		check_str_matches_iter(p);
		free(p);
	}
}

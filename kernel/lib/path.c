/*
 * Lexical path handling (lib/path.h): the NAME_MAX/PATH_MAX checks, the
 * component iterator the VFS walk is built on, the normaliser behind the
 * shell's cd and pwd, and POSIX dirname/basename. Linux's limits and
 * errno choices (fs/namei.c getname, link_path_walk).
 */
#include "lib/path.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

ssize_t path_check(const char *path)
{
	size_t n = strnlen(path, PATH_LEN_MAX);

	if (n == 0)
		return -ENOENT;
	if (n >= PATH_LEN_MAX)
		return -ENAMETOOLONG;
	return (ssize_t)n;
}

bool path_is_absolute(const char *path)
{
	return path[0] == '/';
}

/* First byte at or after @p that is not a '/', or @end. */
static const char *skip_slashes(const char *p, const char *end)
{
	while (p < end && *p == '/')
		p++;
	return p;
}

int path_iter_init(struct path_iter *it, const char *path, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len >= PATH_LEN_MAX)
		return -ENAMETOOLONG;
	it->p = path;
	it->end = path + len;
	it->absolute = path[0] == '/';
	it->trailing_slash = path[len - 1] == '/' && skip_slashes(path, it->end) != it->end;
	return 0;
}

int path_next(struct path_iter *it, struct path_comp *c)
{
	const char *start = skip_slashes(it->p, it->end);
	const char *stop = start;
	const char *next;

	if (start == it->end) {
		it->p = start;
		return 0;
	}
	while (stop < it->end && *stop != '/')
		stop++;
	next = skip_slashes(stop, it->end);
	c->name = start;
	c->len = (size_t)(stop - start);
	c->last = next == it->end;
	c->must_dir = c->last && stop != it->end;
	it->p = next;
	return c->len > PATH_NAME_MAX ? -ENAMETOOLONG : 1;
}

int path_next_str(const char *path, const char **p, struct path_comp *c)
{
	const char *end = path + PATH_LEN_MAX, *s = *p, *e;

	while (s < end && *s == '/')
		s++;
	if (s == end)
		return -ENAMETOOLONG;
	if (!*s) {
		*p = s;
		return 0;
	}
	for (e = s; e < end && *e && *e != '/'; e++)
		;
	c->name = s;
	c->len = (size_t)(e - s);
	for (s = e; s < end && *s == '/'; s++)
		;
	if (s == end)
		return -ENAMETOOLONG;
	c->last = !*s;
	c->must_dir = c->last && s != e;
	*p = s;
	return c->len > PATH_NAME_MAX ? -ENAMETOOLONG : 1;
}

/*
 * Normalisation runs right to left, so that each ".." is known before the
 * name it cancels and the exact result length is known before anything is
 * written (pass 1 measures, pass 2 writes backwards from the end).
 */
struct norm {
	size_t pending; // ".." seen and not yet matched with a name
	size_t total;	// bytes of the kept names, each with its '/' before it
	size_t pieces;	// kept names
	char *buf;	// NULL while measuring
	size_t pos;	// pass 2: where the next (leftward) piece ends
};

/* Keep one piece of the result: it ends up left of every earlier one. */
static void norm_emit(struct norm *n, const char *name, size_t len)
{
	n->total += len + 1;
	n->pieces++;
	if (!n->buf)
		return;
	n->pos -= len;
	memcpy(n->buf + n->pos, name, len);
	if (n->pos > 0)
		n->buf[--n->pos] = '/';
}

static void norm_comp(struct norm *n, const char *name, size_t len)
{
	if (path_is_dot(name, len))
		return;
	if (path_is_dotdot(name, len))
		n->pending++;
	else if (n->pending)
		n->pending--;
	else
		norm_emit(n, name, len);
}

/* Feed the components of @s to norm_comp(), last one first. */
static void norm_scan(struct norm *n, const char *s, size_t len)
{
	size_t end = len;

	for (;;) {
		size_t start;

		while (end > 0 && s[end - 1] == '/')
			end--;
		if (end == 0)
			return;
		start = end;
		while (start > 0 && s[start - 1] != '/')
			start--;
		norm_comp(n, s + start, end - start);
		end = start;
	}
}

/* One pass over path (then base): measures when n->buf is NULL. */
static void norm_pass(struct norm *n, const char *base, size_t blen, const char *path, size_t plen,
		      bool absolute)
{
	norm_scan(n, path, plen);
	if (base)
		norm_scan(n, base, blen);
	if (absolute) {
		n->pending = 0;
		return;
	}
	for (; n->pending; n->pending--)
		norm_emit(n, "..", 2);
}

/* Length of the result measured in @n: "/" or "." when nothing was kept. */
static size_t norm_length(const struct norm *n, bool absolute)
{
	if (n->pieces == 0)
		return 1;
	return absolute ? n->total : n->total - 1;
}

ssize_t path_normalize(const char *base, const char *path, char *buf, size_t size)
{
	ssize_t plen = path_check(path), blen = 0;
	struct norm n = { 0 };
	bool absolute;
	size_t len;

	if (plen < 0)
		return plen;
	if (path_is_absolute(path))
		base = NULL;
	if (base && (blen = path_check(base)) < 0)
		return blen;
	absolute = path_is_absolute(path) || (base && path_is_absolute(base));
	norm_pass(&n, base, (size_t)blen, path, (size_t)plen, absolute);
	len = norm_length(&n, absolute);
	if (len + 1 > size)
		return -ENAMETOOLONG;
	buf[len] = '\0';
	buf[0] = absolute ? '/' : '.';
	n = (struct norm){ .buf = buf, .pos = len };
	norm_pass(&n, base, (size_t)blen, path, (size_t)plen, absolute);
	return (ssize_t)len;
}

static void set_span(const char **out, size_t *outlen, const char *s, size_t len)
{
	*out = s;
	*outlen = len;
}

/* Length of @path without its trailing slashes. */
static size_t strip_trailing(const char *path, size_t len)
{
	while (len > 0 && path[len - 1] == '/')
		len--;
	return len;
}

/* "." for the empty path, "/" for a path of slashes. */
static void set_degenerate(size_t len, const char **out, size_t *outlen)
{
	set_span(out, outlen, len ? "/" : ".", 1);
}

void path_dirname(const char *path, size_t len, const char **out, size_t *outlen)
{
	size_t e = strip_trailing(path, len);

	if (e == 0) {
		set_degenerate(len, out, outlen);
		return;
	}
	while (e > 0 && path[e - 1] != '/')
		e--;
	if (e == 0) {
		set_span(out, outlen, ".", 1);
		return;
	}
	e = strip_trailing(path, e);
	if (e == 0)
		set_span(out, outlen, "/", 1);
	else
		set_span(out, outlen, path, e);
}

void path_basename(const char *path, size_t len, const char **out, size_t *outlen)
{
	size_t e = strip_trailing(path, len);
	size_t s = e;

	if (e == 0) {
		set_degenerate(len, out, outlen);
		return;
	}
	while (s > 0 && path[s - 1] != '/')
		s--;
	set_span(out, outlen, path + s, e - s);
}

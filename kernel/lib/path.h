/*
 * Lexical path handling for the VFS path walk and the shell: the length
 * limits Linux applies (NAME_MAX, PATH_MAX), iteration over the components
 * of a path, a lexical normaliser and POSIX dirname/basename. Nothing here
 * looks at a filesystem: ".." is textual, symlinks are not followed.
 * Reentrant, no locks, no allocation; safe in any context.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "include/compiler.h"
#include "include/types.h"

/* Longest file name component, in bytes (Linux NAME_MAX). */
#define PATH_NAME_MAX 255
/* Size of the longest path including its NUL (Linux PATH_MAX): a path of
 * PATH_LEN_MAX bytes or more before the NUL is refused. */
#define PATH_LEN_MAX 4096

/*
 * Walks the components of a path. Fill it with path_iter_init(); read the
 * fields, do not set them.
 */
struct path_iter {
	const char *p;	     // next byte to look at
	const char *end;     // one past the path's last byte
	bool absolute;	     // the path starts with '/'
	bool trailing_slash; // the path ends in '/' after a component
};

/* One component as path_next() yields it; @name is not NUL-terminated. */
struct path_comp {
	const char *name; // points into the path
	size_t len;	  // 1..PATH_NAME_MAX
	bool last;	  // no component follows
	bool must_dir;	  // last, and followed by '/': "must be a directory"
};

/*
 * Check the NUL-terminated @path as Linux does on entry to every path
 * system call: returns its length, -ENOENT if it is empty or
 * -ENAMETOOLONG if it is PATH_LEN_MAX bytes or longer. Reads at most
 * PATH_LEN_MAX bytes of @path.
 */
ssize_t path_check(const char *path) __must_check;

/*
 * Start iterating over the @len bytes at @path (not necessarily
 * NUL-terminated; a symlink target, say). Returns 0, -ENOENT if @len is 0
 * or -ENAMETOOLONG if @len >= PATH_LEN_MAX. "/" and "//" have no
 * components; it->absolute says they name the root.
 */
int path_iter_init(struct path_iter *it, const char *path, size_t len) __must_check;

/*
 * The next component of @it into *@c, skipping repeated slashes. "." and
 * ".." are yielded like any name (path_is_dot/path_is_dotdot); the walk
 * gives them meaning. Returns 1 with *@c set, 0 when there are no more
 * components, or -ENAMETOOLONG for a component longer than PATH_NAME_MAX
 * (*@c then holds it, with its full length, so the caller can decide when
 * to report it: Linux does so only when it looks the name up).
 */
int path_next(struct path_iter *it, struct path_comp *c) __must_check;

/*
 * path_next() for the fast path walk, over a NUL-terminated path in one
 * pass (no path_check, no length known beforehand): *@p is where to
 * continue (start with the path itself) and is advanced past the
 * component and the slashes after it. Returns 1 with *@c set, 0 at the
 * end, or -ENAMETOOLONG for a component longer than PATH_NAME_MAX or a
 * path reaching PATH_LEN_MAX bytes past @path. Reads no further than the
 * NUL or PATH_LEN_MAX bytes from @path.
 */
int path_next_str(const char *path, const char **p, struct path_comp *c) __must_check;

/* Whether the @len bytes at @name are exactly "." (path_is_dot) or ".."
 * (path_is_dotdot). */
static inline bool path_is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static inline bool path_is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* Whether @path starts with '/'. */
bool path_is_absolute(const char *path);

/*
 * Lexically normalise @path, relative to @base when @path is relative and
 * @base is not NULL, into @buf of @size bytes, NUL-terminated: repeated
 * slashes collapse, "." goes away, ".." removes the component before it
 * and never climbs above "/". @base must be absolute (a working directory).
 * A relative result (relative @path, NULL @base) keeps the ".." it cannot
 * cancel ("../a") and is "." when nothing is left. A trailing slash is
 * dropped ("/a/" gives "/a"). Returns the result's length, -ENOENT if
 * @path is empty, -ENAMETOOLONG if @path (or @base, when it is used) is
 * PATH_LEN_MAX bytes or longer, or if the result and its NUL do not fit in @size (then @buf
 * holds nothing useful). Component lengths are not checked.
 */
ssize_t path_normalize(const char *base, const char *path, char *buf, size_t size) __must_check;

/*
 * POSIX dirname() and basename() of the @len bytes at @path, without
 * modifying it: *@out and *@outlen are set to a span of @path or to a
 * static "." or "/". Trailing slashes are ignored; the empty path gives
 * "." for both; a path of only slashes gives "/" for both; "usr" has
 * dirname "." and "/usr/lib/" has dirname "/usr" and basename "lib". A
 * root dirname is always "/" (glibc answers "//" for "//" and "//a",
 * which POSIX allows; Linux's walk treats "//" as "/").
 */
void path_dirname(const char *path, size_t len, const char **out, size_t *outlen);
void path_basename(const char *path, size_t len, const char **out, size_t *outlen);

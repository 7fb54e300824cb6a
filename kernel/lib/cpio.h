/*
 * An iterator over the entries of a cpio archive in memory, in the "newc"
 * (magic 070701) and "crc" (070702) formats: the initramfs format Linux
 * unpacks (Documentation/driver-api/early-userspace/buffer-format.rst) and
 * that `cpio -o -H newc` writes. Each entry is a 110-byte header of ASCII
 * hex fields, the name (namesize bytes, NUL included), padding to 4 bytes,
 * the data (filesize bytes) and padding to 4 bytes; "TRAILER!!!" ends an
 * archive. Like Linux, several archives may follow one another, with NUL
 * padding between them. Nothing is copied: names and data point into the
 * archive. Reentrant, no locks, no allocation; safe in any context.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

#define CPIO_HDR_SIZE 110 // 6-byte magic + 13 fields of 8 hex digits

/* File type bits of the mode field (POSIX <cpio.h> C_IS*, the same values
 * as Linux's S_IF*). */
#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_SOCK 0140000
#define CPIO_MODE_LNK 0120000
#define CPIO_MODE_REG 0100000
#define CPIO_MODE_BLK 0060000
#define CPIO_MODE_DIR 0040000
#define CPIO_MODE_CHR 0020000
#define CPIO_MODE_FIFO 0010000

enum cpio_format {
	CPIO_NEWC, // "070701": the check field is not used
	CPIO_CRC,  // "070702": a regular file's check is the sum of its data
		   // bytes, mod 2^32 (GNU cpio writes 0 for anything else)
};

/* One archive member. Pointers are into the archive. */
struct cpio_entry {
	size_t offset; // of the entry's header in the archive
	enum cpio_format format;
	const char *name;    // NUL-terminated, no NUL inside
	size_t namelen;	     // strlen(name) >= 1
	const uint8_t *data; // filesize bytes (a symlink's target, no NUL)
	uint32_t filesize;
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor;   // device holding the file
	uint32_t rdevmajor, rdevminor; // a device node's own number
	uint32_t check;		       // as stored (crc: already verified)
	bool name_absolute;	       // starts with '/'
	bool name_dotdot;	       // has a ".." component
};

/* Iteration state; set up by cpio_iter_init(), read-only to callers. */
struct cpio_iter {
	const uint8_t *buf;
	size_t size;
	size_t pos;	      // next header (or padding) to read
	bool in_archive;      // a header was read since the last trailer
	int err;	      // 0, or the error every later call returns
	size_t err_pos;	      // where the bad entry (or junk) starts
	const char *err_what; // a short static reason, for the log
};

/* Identifies a file for hard-link matching, as Linux's initramfs does
 * (init/initramfs.c maybe_link): same device, inode and file type. */
struct cpio_link_key {
	uint32_t devmajor, devminor, ino, type;
};

/* Start iterating over the @size bytes at @buf. */
void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t size);

/*
 * The next entry into *@e. Returns 1 with *@e set; 0 at a clean end (the
 * end of the buffer right after a trailer and any NUL padding, or an empty
 * buffer); -EINVAL for a malformed entry or missing trailer: bad magic, a
 * field that is not exactly 8 hex digits, an empty name, a name whose NUL
 * is missing or early, a header, name or data running past the end of the
 * buffer, or non-NUL junk at a position that is not 4-byte aligned after
 * a trailer; -EUCLEAN when a crc regular file's checksum does not match
 * its data. On error, it->err_pos is the offset of the bad entry's header
 * (of the junk; the buffer's size for a missing trailer), it->err_what
 * says what was wrong, and every entry returned before is intact. Errors
 * are sticky. Trailer entries are consumed, not
 * returned. Names that are absolute or contain ".." are returned flagged
 * (e->name_absolute, e->name_dotdot); refusing them is the caller's call,
 * as is checking name lengths (path_check() in lib/path.h).
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e) __must_check;

/*
 * Whether @e may be one of several names of one file: not a directory and
 * nlink >= 2. newc writers (GNU cpio, Linux's gen_init_cpio) give every
 * name of such a file the same (devmajor, devminor, ino) and put the data
 * only on the last one (the others have filesize 0), so an unpacker
 * remembers the first name under cpio_link_key(), makes each later one a
 * hard link to it, and writes the data when an entry carries some.
 */
bool cpio_is_link_candidate(const struct cpio_entry *e);

/* The key under which hard links of @e match. */
struct cpio_link_key cpio_link_key(const struct cpio_entry *e);

/* Whether two keys name the same file. */
bool cpio_link_key_eq(const struct cpio_link_key *a, const struct cpio_link_key *b);

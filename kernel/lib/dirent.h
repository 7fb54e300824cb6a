/*
 * Packing of getdents64 records (include/uapi/dirent.h) into a kernel
 * buffer that the caller later copies to user space: one record at a time
 * (dirent_pack), or through a sink that applies Linux's rules for a whole
 * getdents64 call (fs/readdir.c): stop at the first record that does not
 * fit, -EINVAL when not even the first one does. Padding bytes are zeroed,
 * so no kernel memory leaks through them. Reentrant, no locks, no
 * allocation; safe in any context.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/types.h"

/* Bytes a record for a name of @namelen bytes takes: the header, the name
 * and its NUL, rounded up to 8 (Linux's filldir64). */
size_t dirent_reclen(size_t namelen);

/*
 * Write one record at @buf, which has @size bytes free: inode @ino, next
 * offset @off, type @type (DT_*) and the @namelen bytes at @name. Returns
 * the bytes used (dirent_reclen(@namelen)), or 0 if the record does not fit
 * (nothing is written then). @buf needs no alignment.
 */
size_t dirent_pack(void *buf, size_t size, uint64_t ino, int64_t off, uint8_t type,
		   const char *name, size_t namelen);

/* The d_type of a file with st_mode @mode (Linux's S_DT()). */
static inline uint8_t dirent_type_of_mode(uint32_t mode)
{
	return (uint8_t)((mode >> 12) & 15);
}

/* One getdents64 call's output buffer. Set up by dirent_sink_init(). */
struct dirent_sink {
	uint8_t *buf;
	size_t size;
	size_t used; // bytes of complete records
	int error;   // 0, or why the sink stopped taking records
};

void dirent_sink_init(struct dirent_sink *s, void *buf, size_t size);

/*
 * Append a record (arguments as for dirent_pack). Returns true if it was
 * added; false means stop iterating, and do not advance the directory
 * position past this entry: the buffer is full (s->error = -EINVAL), or
 * the name is empty, longer than 255 bytes or contains '/' (s->error =
 * -EIO, as Linux's verify_dirent_name), or an earlier call failed.
 */
bool dirent_sink_add(struct dirent_sink *s, uint64_t ino, int64_t off, uint8_t type,
		     const char *name, size_t namelen);

/*
 * What getdents64 returns: the bytes used if any record was added, else
 * s->error (-EINVAL when the first record did not fit, -EIO for a bad
 * name), else 0 (the end of the directory).
 */
ssize_t dirent_sink_result(const struct dirent_sink *s);

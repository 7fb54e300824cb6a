/*
 * getdents64 record packing (lib/dirent.h), laid out as Linux's filldir64
 * does (fs/readdir.c): header, name, NUL, zero padding to 8 bytes.
 */
#include "lib/dirent.h"

#include "include/compiler.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/string.h"

#define DIRENT_ALIGN sizeof(uint64_t)
#define DIRENT_NAME_MAX 255 // NAME_MAX: longer names come from no filesystem

size_t dirent_reclen(size_t namelen)
{
	return ALIGN_UP(offsetof(struct linux_dirent64, d_name) + namelen + 1, DIRENT_ALIGN);
}

size_t dirent_pack(void *buf, size_t size, uint64_t ino, int64_t off, uint8_t type,
		   const char *name, size_t namelen)
{
	struct linux_dirent64 d = { .d_ino = ino, .d_off = off, .d_type = type };
	size_t reclen = dirent_reclen(namelen), head = offsetof(struct linux_dirent64, d_name);
	uint8_t *p = buf;

	if (reclen > size)
		return 0;
	d.d_reclen = (uint16_t)reclen;
	memcpy(p, &d, head);
	memcpy(p + head, name, namelen);
	memset(p + head + namelen, 0, reclen - head - namelen);
	return reclen;
}

void dirent_sink_init(struct dirent_sink *s, void *buf, size_t size)
{
	*s = (struct dirent_sink){ .buf = buf, .size = size };
}

static bool is_valid_name(const char *name, size_t namelen)
{
	return namelen && namelen <= DIRENT_NAME_MAX && !memchr(name, '/', namelen);
}

bool dirent_sink_add(struct dirent_sink *s, uint64_t ino, int64_t off, uint8_t type,
		     const char *name, size_t namelen)
{
	size_t n;

	if (s->error)
		return false;
	if (!is_valid_name(name, namelen)) {
		s->error = -EIO;
		return false;
	}
	n = dirent_pack(s->buf + s->used, s->size - s->used, ino, off, type, name, namelen);
	if (!n) {
		s->error = -EINVAL;
		return false;
	}
	s->used += n;
	return true;
}

ssize_t dirent_sink_result(const struct dirent_sink *s)
{
	return s->used ? (ssize_t)s->used : s->error;
}

/*
 * cpio newc/crc iterator (lib/cpio.h). Validates every header strictly (a
 * field is exactly 8 hex digits, the name's NUL is where namesize says,
 * everything lies inside the buffer) so that the initramfs unpacker can
 * trust what it is given and keep the entries before a bad one. Format:
 * Linux Documentation/driver-api/early-userspace/buffer-format.rst.
 */
#include "lib/cpio.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

#define MAGIC_LEN 6
#define FIELD_LEN 8
#define NFIELDS 13
#define CPIO_ALIGN 4
#define TRAILER "TRAILER!!!"

/* Header fields in archive order, after the magic. */
enum field {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
};

_Static_assert(MAGIC_LEN + NFIELDS * FIELD_LEN == CPIO_HDR_SIZE, "newc header layout");

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t size)
{
	*it = (struct cpio_iter){ .buf = buf, .size = size };
}

/* Stop the iteration for good with @err at @pos. */
static int fail(struct cpio_iter *it, int err, size_t pos, const char *what)
{
	it->err = err;
	it->err_pos = pos;
	it->err_what = what;
	return err;
}

static int hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse exactly FIELD_LEN hex digits at @p. */
static bool parse_field(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		int d = hex_digit(p[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

static bool parse_fields(const uint8_t *hdr, uint32_t f[NFIELDS])
{
	for (int i = 0; i < NFIELDS; i++) {
		if (!parse_field(hdr + MAGIC_LEN + i * FIELD_LEN, &f[i]))
			return false;
	}
	return true;
}

static void fill_entry(struct cpio_entry *e, const uint32_t f[NFIELDS])
{
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->filesize = f[F_FILESIZE];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
	e->rdevmajor = f[F_RDEVMAJOR];
	e->rdevminor = f[F_RDEVMINOR];
	e->check = f[F_CHECK];
}

/* Whether one of the '/'-separated components of @name is "..". */
static bool has_dotdot(const char *name, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && name[i] != '/')
			continue;
		if (i - start == 2 && name[start] == '.' && name[start + 1] == '.')
			return true;
		start = i + 1;
	}
	return false;
}

/* Check the name of @namesize bytes at @name and describe it in @e. */
static const char *check_name(struct cpio_entry *e, const uint8_t *name, uint32_t namesize)
{
	if (namesize < 2)
		return "empty name";
	if (name[namesize - 1] != '\0')
		return "name not NUL-terminated";
	if (memchr(name, '\0', namesize - 1))
		return "NUL inside name";
	e->name = (const char *)name;
	e->namelen = namesize - 1;
	e->name_absolute = name[0] == '/';
	e->name_dotdot = has_dotdot(e->name, e->namelen);
	return NULL;
}

static uint32_t data_sum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

/* The magic at @hdr: 0 with *@fmt set, or -EINVAL. */
static int parse_magic(const uint8_t *hdr, enum cpio_format *fmt)
{
	if (!memcmp(hdr, "070701", MAGIC_LEN))
		*fmt = CPIO_NEWC;
	else if (!memcmp(hdr, "070702", MAGIC_LEN))
		*fmt = CPIO_CRC;
	else
		return -EINVAL;
	return 0;
}

/* Parse the header at it->pos into @e, check its name, and return the
 * offset of its data (or an error). Does not move it->pos. */
static int parse_header(struct cpio_iter *it, struct cpio_entry *e, size_t *data_off)
{
	size_t pos = it->pos, left = it->size - pos;
	const uint8_t *hdr = it->buf + pos;
	uint32_t f[NFIELDS];
	const char *why;

	if (left < CPIO_HDR_SIZE)
		return fail(it, -EINVAL, pos, "truncated header");
	if (parse_magic(hdr, &e->format))
		return fail(it, -EINVAL, pos, "bad magic");
	if (!parse_fields(hdr, f))
		return fail(it, -EINVAL, pos, "bad hex field");
	fill_entry(e, f);
	e->offset = pos;
	if (f[F_NAMESIZE] > left - CPIO_HDR_SIZE)
		return fail(it, -EINVAL, pos, "name past end of archive");
	why = check_name(e, hdr + CPIO_HDR_SIZE, f[F_NAMESIZE]);
	if (why)
		return fail(it, -EINVAL, pos, why);
	*data_off = ALIGN_UP(pos + CPIO_HDR_SIZE + f[F_NAMESIZE], CPIO_ALIGN);
	return 0;
}

/* Locate @e's data at @off, verify a crc checksum, and advance it->pos.
 * Only regular files have one: GNU cpio writes 0 for a symlink's target,
 * and its reader checks regular files only. */
static int take_data(struct cpio_iter *it, struct cpio_entry *e, size_t off)
{
	size_t n = e->filesize;

	if (n && (off > it->size || n > it->size - off))
		return fail(it, -EINVAL, e->offset, "data past end of archive");
	off = MIN(off, it->size);
	e->data = it->buf + off;
	if (e->format == CPIO_CRC && (e->mode & CPIO_MODE_TYPE) == CPIO_MODE_REG &&
	    data_sum(e->data, n) != e->check)
		return fail(it, -EUCLEAN, e->offset, "checksum mismatch");
	/* Padding after the last entry may be cut off: it carries nothing. */
	it->pos = MIN(ALIGN_UP(off + n, CPIO_ALIGN), it->size);
	return 0;
}

/* Between archives: skip NUL padding. Returns 1 if a header follows, 0 at
 * the end of the buffer, or an error for junk that is not aligned. */
static int skip_padding(struct cpio_iter *it)
{
	while (it->pos < it->size && it->buf[it->pos] == '\0')
		it->pos++;
	if (it->pos == it->size)
		return 0;
	if (!IS_ALIGNED(it->pos, CPIO_ALIGN))
		return fail(it, -EINVAL, it->pos, "junk after trailer");
	return 1;
}

/* Read one entry, trailers included. Returns 1, 0 at a clean end, or < 0. */
static int next_raw(struct cpio_iter *it, struct cpio_entry *e)
{
	size_t data_off;
	int r;

	if (!it->in_archive && (r = skip_padding(it)) <= 0)
		return r;
	if (it->pos == it->size)
		return fail(it, -EINVAL, it->pos, "missing trailer");
	r = parse_header(it, e, &data_off);
	if (r)
		return r;
	r = take_data(it, e, data_off);
	if (r)
		return r;
	it->in_archive = true;
	return 1;
}

static bool is_trailer(const struct cpio_entry *e)
{
	return e->namelen == sizeof(TRAILER) - 1 && !memcmp(e->name, TRAILER, e->namelen);
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	int r;

	if (it->err)
		return it->err;
	while ((r = next_raw(it, e)) == 1) {
		if (!is_trailer(e))
			return 1;
		it->in_archive = false;
	}
	return r;
}

bool cpio_is_link_candidate(const struct cpio_entry *e)
{
	return e->nlink >= 2 && (e->mode & CPIO_MODE_TYPE) != CPIO_MODE_DIR;
}

struct cpio_link_key cpio_link_key(const struct cpio_entry *e)
{
	return (struct cpio_link_key){
		.devmajor = e->devmajor,
		.devminor = e->devminor,
		.ino = e->ino,
		.type = e->mode & CPIO_MODE_TYPE,
	};
}

bool cpio_link_key_eq(const struct cpio_link_key *a, const struct cpio_link_key *b)
{
	return a->devmajor == b->devmajor && a->devminor == b->devminor && a->ino == b->ino &&
	       a->type == b->type;
}

/*
 * libFuzzer harness for the cpio iterator (kernel/lib/cpio.c) as the
 * initramfs unpacker uses it: iterate over every entry of the input and
 * touch every byte of every name and data span (ASan then catches any span
 * outside the input). Whatever the iterator reports must be true of the
 * input: entries in order and inside it, names NUL-terminated with the
 * length given, errors sticky and positioned inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "include/uapi/errno.h"
#include "lib/cpio.h"

static volatile uint8_t sink;

static void touch(const uint8_t *p, size_t n)
{
	uint8_t x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= p[i];
	sink = x;
}

static void check_entry(const uint8_t *data, size_t size, const struct cpio_entry *e,
			size_t *last_end)
{
	const uint8_t *name = (const uint8_t *)e->name;

	if (e->offset < *last_end || e->offset + CPIO_HDR_SIZE > size)
		abort();
	if (name != data + e->offset + CPIO_HDR_SIZE || e->namelen == 0 || name[e->namelen])
		abort();
	if (memchr(name, 0, e->namelen))
		abort();
	if (e->data < data || e->data + e->filesize > data + size)
		abort();
	touch(name, e->namelen + 1);
	touch(e->data, e->filesize);
	*last_end = (size_t)(e->data - data) + e->filesize;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;
	size_t last_end = 0;
	int r;

	cpio_iter_init(&it, data, size);
	while ((r = cpio_next(&it, &e)) == 1) {
		check_entry(data, size, &e, &last_end);
		(void)cpio_is_link_candidate(&e);
	}
	if (r != 0 && r != -EINVAL && r != -EUCLEAN)
		abort();
	if (r && (it.err_pos > size || !it.err_what || cpio_next(&it, &e) != r))
		abort();
	return 0;
}

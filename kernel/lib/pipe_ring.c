/*
 * The pipe byte ring (lib/pipe_ring.h). Pure: host-testable.
 */
#include "lib/pipe_ring.h"

#include "lib/string.h"

void pipe_ring_init(struct pipe_ring *r, uint8_t *buf, size_t cap)
{
	r->buf = buf;
	r->cap = cap;
	r->head = 0;
	r->len = 0;
}

size_t pipe_ring_read(struct pipe_ring *r, void *dst, size_t n)
{
	uint8_t *out = dst;
	size_t first;

	if (n > r->len)
		n = r->len;
	first = r->cap - r->head; // bytes before the wrap
	if (first > n)
		first = n;
	memcpy(out, r->buf + r->head, first);
	memcpy(out + first, r->buf, n - first);
	r->head = (r->head + n) & (r->cap - 1);
	r->len -= n;
	if (!r->len)
		r->head = 0; // keep small messages contiguous
	return n;
}

size_t pipe_ring_write(struct pipe_ring *r, const void *src, size_t n, bool atomic)
{
	const uint8_t *in = src;
	size_t tail, first, room = pipe_ring_room(r);

	if (n > room) {
		if (atomic)
			return 0;
		n = room;
	}
	tail = (r->head + r->len) & (r->cap - 1);
	first = r->cap - tail;
	if (first > n)
		first = n;
	memcpy(r->buf + tail, in, first);
	memcpy(r->buf, in + first, n - first);
	r->len += n;
	return n;
}

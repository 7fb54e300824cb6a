/*
 * The byte ring behind a pipe: a power-of-two buffer with a read index
 * and a fill count, filled and drained in whole copies (at most two
 * memcpy each, around the wrap). Writes of at most an "atomic" size go in
 * whole or not at all, as POSIX asks of PIPE_BUF writes (pipe(7)).
 * Pure: host-testable. Locking: the caller's (fs/pipe.c's pipe lock).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pipe_ring {
	uint8_t *buf;
	size_t cap;  // a power of two
	size_t head; // index of the oldest byte
	size_t len;  // bytes held
};

/* Use @buf of @cap bytes (a power of two), empty. */
void pipe_ring_init(struct pipe_ring *r, uint8_t *buf, size_t cap);

static inline size_t pipe_ring_room(const struct pipe_ring *r)
{
	return r->cap - r->len;
}

/* Copy up to @n bytes out (oldest first); returns how many. */
size_t pipe_ring_read(struct pipe_ring *r, void *dst, size_t n);

/* Copy up to @n bytes in; returns how many fit. With @atomic (the caller
 * wants all @n or nothing: n <= PIPE_BUF) returns 0 unless all fit. */
size_t pipe_ring_write(struct pipe_ring *r, const void *src, size_t n, bool atomic);

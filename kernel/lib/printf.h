/*
 * The kernel's printf core: one formatter that hands its output to a sink
 * callback in pieces, and snprintf on top of it. The console, the log and
 * the shell all format through kvformat(). No floating point.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "include/compiler.h"

/* Receives @n bytes at @s (not NUL-terminated; @n may be 0). @ctx is the
 * pointer given to kvformat(). Called in order, from the formatting thread. */
typedef void (*printf_sink_fn)(void *ctx, const char *s, size_t n);

/*
 * Format @fmt with the arguments in @ap and pass the text to @sink in pieces.
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z j
 * t, flags - 0 + space #, field width and precision (digits or *). Output
 * matches glibc: %p prints 0x and lowercase hex or "(nil)"; %s of NULL
 * prints "(null)", or "" if the precision is below 6. An unknown conversion
 * is copied literally ("%y" prints "%y") and consumes no argument; a '%'
 * ending the string prints as is. Returns the number of characters produced
 * (saturating at INT_MAX). Reentrant, takes no locks; its context is the
 * sink's.
 */
int kvformat(printf_sink_fn sink, void *ctx, const char *fmt, va_list ap) __printf(3, 0);

/*
 * C99 vsnprintf: write at most @size - 1 characters to @buf and a NUL
 * (nothing at all if @size is 0). Returns the length the whole output would
 * have had; a result >= @size means it was truncated. Safe in any context.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);

/* kvsnprintf() with the arguments inline, like C99 snprintf. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

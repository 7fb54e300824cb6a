/*
 * The kernel console: a small set of output devices (serial, framebuffer)
 * that every kprintf reaches, serialized so lines from different CPUs do not
 * interleave mid-line. Input comes from the serial driver.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "include/compiler.h"

struct console {
	const char *name;
	/* Write @n bytes; '\n' is a bare line feed (drivers add CR). */
	void (*write)(const char *s, size_t n);
};

/* Add an output device. Up to 4; extra ones are ignored. Boot CPU only. */
void console_register(const struct console *c);

/* Write raw bytes to every console. IRQ-safe. */
void console_write(const char *s, size_t n);

/* Formatted output on every console. Returns characters written. IRQ-safe. */
int kprintf(const char *fmt, ...) __printf(1, 2);
int kvprintf(const char *fmt, va_list ap);

/*
 * The kernel console: a small set of output devices (serial, framebuffer)
 * that every kprintf reaches, serialized so lines from different CPUs do not
 * interleave mid-line. Input comes from the serial driver.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "include/compiler.h"

struct task;

struct console {
	const char *name;
	/* Write @n bytes; '\n' is a bare line feed (drivers add CR). */
	void (*write)(const char *s, size_t n);
	/* Optional: write @n bytes exactly as they are, '\n' moving down
	 * only (a terminal's output after its own OPOST processing). Without
	 * it, write is used. */
	void (*write_raw)(const char *s, size_t n);
	/* Optional: draw what earlier writes left pending (a device that
	 * batches expensive updates: console_flush_devices). */
	void (*flush)(void);
};

/* Add an output device. Up to 4; extra ones are ignored. Boot CPU only. */
void console_register(const struct console *c);

/* Call every device's flush under the console lock (the framebuffer
 * console's flusher task does, a few dozen times a second). */
void console_flush_devices(void);

/* Write raw bytes to every console. IRQ-safe. */
void console_write(const char *s, size_t n);

/* Write raw bytes to every console device, never to a redirect (the
 * terminal's echo: what is typed shows on the screen). IRQ-safe. */
void console_write_devices(const char *s, size_t n);

/* Like console_write and console_write_devices, but the bytes reach the
 * devices exactly (write_raw): no CR is added before LF, as a terminal
 * sends what its line discipline's output processing (OPOST, ONLCR) made.
 * A redirect gets them as they are. IRQ-safe. */
void console_write_raw(const char *s, size_t n);
void console_write_devices_raw(const char *s, size_t n);

/* Formatted output on every console. Returns characters written. IRQ-safe. */
int kprintf(const char *fmt, ...) __printf(1, 2);
int kvprintf(const char *fmt, va_list ap);

/* Like kprintf(), but never redirected (see below): the shell's error
 * stream, so error and usage lines stay on the console when a command's
 * output goes to a file. IRQ-safe. */
int kprintf_err(const char *fmt, ...) __printf(1, 2);

/*
 * Output redirection (the shell's `CMD > FILE`): while a redirect is set,
 * everything @owner prints with kprintf() or console_write() from task
 * context goes to @write(@ctx, ...) instead of the consoles. Output from
 * interrupt handlers, from other tasks and during a panic still reaches
 * the consoles. @write may be called with interrupts disabled or spinlocks
 * held (a command may print under its own lock), so it must not sleep.
 * Up to 16 tasks may be redirected at once (the shell and its background
 * jobs), one redirect each; begin/end are called by the owner task itself.
 * console_redirect_begin() returns 0, or -EBUSY when every slot is taken.
 */
struct console_redirect {
	void (*write)(void *ctx, const char *s, size_t n);
	void *ctx;
};

int console_redirect_begin(struct task *owner, const struct console_redirect *r) __must_check;
void console_redirect_end(struct task *owner);

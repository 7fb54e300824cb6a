/*
 * Leveled, timestamped kernel logging (kprintf is in core/console.h, which
 * this header includes for convenience).
 * Every file that logs defines LOG_PREFIX ("pmm: ") before using the
 * log_* macros; each line is printed as "[    1.234567] pmm: message".
 * All functions are IRQ-safe and may be called before time is known
 * (timestamps read 0 until the clock is calibrated).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/console.h"
#include "include/compiler.h"

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Print one log line at @level if @level is at or below the threshold. */
void log_printf(enum log_level level, const char *fmt, ...) __printf(2, 3);

/* The threshold: messages above it are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Copy up to @n bytes of the kept log text (the last 16 KiB of lines,
 * oldest first) from offset @off of it into @buf; returns the bytes
 * copied, 0 at or past the end. IRQ-safe. */
size_t log_buffer_read(uint64_t off, char *buf, size_t n);

/* Name of @level ("info"), and the reverse (-1 when unknown). */
const char *log_level_name(enum log_level level);
int log_level_parse(const char *name);

#define log_err(fmt, ...) log_printf(LOG_ERR, LOG_PREFIX fmt, ##__VA_ARGS__)
#define log_warn(fmt, ...) log_printf(LOG_WARN, LOG_PREFIX fmt, ##__VA_ARGS__)
#define log_info(fmt, ...) log_printf(LOG_INFO, LOG_PREFIX fmt, ##__VA_ARGS__)
#define log_debug(fmt, ...) log_printf(LOG_DEBUG, LOG_PREFIX fmt, ##__VA_ARGS__)

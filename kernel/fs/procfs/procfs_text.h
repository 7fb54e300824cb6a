/*
 * procfs text helpers: a bounded text buffer that remembers overflow (the
 * glue retries with a bigger one), Linux's "Key:    N kB" meminfo line,
 * and the parsers the tests use on rendered files.
 * Pure: host-testable (procfs_text.c).
 */
#pragma once
#include "include/compiler.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct procfs_text {
	char *buf;
	size_t cap;    // bytes at buf
	size_t len;    // bytes written (never more than cap)
	bool overflow; // something did not fit: render again, bigger
};

/* Start writing into @buf (@cap bytes). */
void procfs_text_init(struct procfs_text *t, char *buf, size_t cap);

/* Append formatted text (lib/printf conversions); sets overflow when the
 * result does not fit (the text is then cut at cap). */
void procfs_text_printf(struct procfs_text *t, const char *fmt, ...) __printf(2, 3);

/* Append a meminfo line for @kib: "Key:" padded to 16 columns then the
 * number right-aligned in 8, then " kB" (Linux's show_val_kb). */
void procfs_text_kb(struct procfs_text *t, const char *key, uint64_t kib);

/* Find the line starting "@key:" in @text (@len bytes) and parse the
 * first unsigned decimal number after the colon into *@out. Returns true
 * when found and a number was there. */
bool procfs_parse_key(const char *text, size_t len, const char *key, uint64_t *out);

/* How many lines of @text start with @prefix. */
size_t procfs_count_lines(const char *text, size_t len, const char *prefix);

/* Parse "SECONDS.CC" at the start of @text into hundredths. Returns true
 * on a well-formed number. */
bool procfs_parse_centis(const char *text, size_t len, uint64_t *out);

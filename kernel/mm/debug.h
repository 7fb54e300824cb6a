/*
 * Memory-management error reports and debug switches. A corrupted heap or
 * a bad free (double free, a pointer the allocator never returned, the
 * wrong order) is reported through mm_report(): debug builds panic with the
 * message, release builds log it and carry on (the bad free is ignored).
 * Tests can arm a capture to check that a bad free is detected without
 * stopping the kernel.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "include/compiler.h"

/* Debug builds poison freed heap memory and check the poison. */
#ifdef CONFIG_DEBUG
#define MM_DEBUG 1
#else
#define MM_DEBUG 0
#endif

#define MM_POISON_FREE 0x6b /* byte written over freed heap objects */

/* Report a memory-management error (see above). IRQ-safe. */
void mm_report(const char *fmt, ...) __printf(1, 2);

/* Make mm_report() record its messages instead of panicking or logging,
 * until mm_report_capture_end(), which returns how many were reported and
 * copies the first into @buf. Tests only; boot CPU; not nestable. */
void mm_report_capture_begin(void);
int mm_report_capture_end(char *buf, size_t len);

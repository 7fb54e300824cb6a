/*
 * mm_report(): the one place memory-management errors go (see debug.h).
 * The capture state is only touched by the boot CPU's test runner.
 */
#include "mm/debug.h"

#include <stdarg.h>

#include "core/log.h"
#include "core/panic.h"
#include "lib/printf.h"
#include "lib/string.h"

#define LOG_PREFIX "mm: "
#define REPORT_MAX 200

/* Owned by the test that armed the capture. */
static bool capturing;
static int captured;
static char captured_msg[REPORT_MAX];

void mm_report(const char *fmt, ...)
{
	char msg[REPORT_MAX];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (capturing) {
		if (captured++ == 0)
			strlcpy(captured_msg, msg, sizeof(captured_msg));
		return;
	}
	if (MM_DEBUG)
		panic("%s", msg);
	log_err("%s (ignored)\n", msg);
}

void mm_report_capture_begin(void)
{
	captured = 0;
	captured_msg[0] = '\0';
	capturing = true;
}

int mm_report_capture_end(char *buf, size_t len)
{
	capturing = false;
	strlcpy(buf, captured_msg, len);
	return captured;
}

/*
 * Kernel log: a timestamp from ktime_ns(), a level tag for warnings and
 * errors, then the message, written in one console transaction so lines
 * from different CPUs do not interleave.
 * Locking: log_level is a single word read and written atomically.
 */
#include "core/log.h"

#include "lib/printf.h"
#include "lib/string.h"
#include "time/ktime.h"

static enum log_level log_level = LOG_INFO;

static const char *const level_names[] = { "err", "warn", "info", "debug" };

void log_set_level(enum log_level level)
{
	WRITE_ONCE(log_level, level);
}

enum log_level log_get_level(void)
{
	return READ_ONCE(log_level);
}

const char *log_level_name(enum log_level level)
{
	return (unsigned int)level < 4 ? level_names[level] : "?";
}

int log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[256];
	uint64_t ns = ktime_ns();
	size_t n;
	va_list ap;

	if (level > READ_ONCE(log_level))
		return;
	n = ksnprintf(line, sizeof(line), "[%5lu.%06lu] %s", (unsigned long)(ns / 1000000000),
		      (unsigned long)(ns / 1000 % 1000000),
		      level == LOG_ERR	  ? "error: "
		      : level == LOG_WARN ? "warning: "
					  : "");
	va_start(ap, fmt);
	if (n < sizeof(line))
		kvsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	n = strlen(line);
	if (n == sizeof(line) - 1) /* truncated: keep the line ending */
		line[n - 1] = '\n';
	console_write(line, n);
}

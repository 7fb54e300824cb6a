/*
 * Kernel log: a timestamp from ktime_ns(), a level tag for warnings and
 * errors, then the message, written in one console transaction so lines
 * from different CPUs do not interleave. Every line is also kept in a
 * ring of the last LOG_BUF_SIZE bytes, which /dev/kmsg reads.
 * Locking: log_level is a single word read and written atomically; the
 * ring is guarded by log_buf_lock (LOCK_RANK_LEAF + 1, IRQ-safe: any
 * code may log). During a panic the ring is only tried (trylock), so a
 * CPU stopped holding it cannot block the report.
 */
#include "core/log.h"

#include "arch/arch.h"
#include "core/panic.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sync/spinlock.h"
#include "time/ktime.h"

#define LOG_BUF_SIZE 16384u // a power of two: offsets wrap with a mask

static struct spinlock log_buf_lock = SPINLOCK_INIT("log_buf", LOCK_RANK_LEAF + 1);
/* Protected by log_buf_lock: */
static char log_buf[LOG_BUF_SIZE];
static uint64_t log_buf_total; // bytes ever appended; the ring holds the last ones

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

/* Append @n bytes of one line to the ring. */
static void log_buf_append(const char *s, size_t n)
{
	unsigned long flags;

	if (panic_in_progress()) {
		flags = arch_irq_save();
		if (!spin_trylock(&log_buf_lock)) {
			arch_irq_restore(flags);
			return;
		}
	} else {
		flags = spin_lock_irqsave(&log_buf_lock);
	}
	for (size_t i = 0; i < n; i++)
		log_buf[(log_buf_total + i) & (LOG_BUF_SIZE - 1)] = s[i];
	log_buf_total += n;
	spin_unlock_irqrestore(&log_buf_lock, flags);
}

size_t log_buffer_read(uint64_t off, char *buf, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&log_buf_lock);
	uint64_t held = log_buf_total < LOG_BUF_SIZE ? log_buf_total : LOG_BUF_SIZE;
	uint64_t first = log_buf_total - held; // absolute offset of the oldest byte kept

	if (off >= held)
		n = 0;
	else if (n > held - off)
		n = (size_t)(held - off);
	for (size_t i = 0; i < n; i++)
		buf[i] = log_buf[(first + off + i) & (LOG_BUF_SIZE - 1)];
	spin_unlock_irqrestore(&log_buf_lock, flags);
	return n;
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
	log_buf_append(line, n);
	console_write(line, n);
}

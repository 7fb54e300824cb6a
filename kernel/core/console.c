/*
 * Console fan-out and kprintf. Output is serialized by console_lock, a raw
 * IRQ-safe spinlock that is also taken recursively-safe by panic: when a
 * panic is in progress the lock is ignored so the report always gets out.
 * Locking: console_lock (leaf; nothing else is taken while holding it).
 */
#include "core/console.h"

#include <stdbool.h>

#include "arch/arch.h"
#include "core/panic.h"
#include "lib/printf.h"

#define MAX_CONSOLES 4

/* Written only during boot on the boot CPU. */
static const struct console *consoles[MAX_CONSOLES];
static unsigned int nr_consoles;

/* Raw test-and-set lock: the console must work before sync/ exists and
 * from any context, including exceptions and NMIs during a panic. */
static volatile int console_lock;

void console_register(const struct console *c)
{
	if (nr_consoles < MAX_CONSOLES)
		consoles[nr_consoles++] = c;
}

static unsigned long console_lock_irqsave(void)
{
	unsigned long flags = arch_irq_save();

	while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE)) {
		if (panic_in_progress())
			break; /* never deadlock the panic report */
		arch_cpu_relax();
	}
	return flags;
}

static void console_unlock_irqrestore(unsigned long flags)
{
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

static void write_all_locked(const char *s, size_t n)
{
	for (unsigned int i = 0; i < nr_consoles; i++)
		consoles[i]->write(s, n);
}

void console_write(const char *s, size_t n)
{
	unsigned long flags = console_lock_irqsave();

	write_all_locked(s, n);
	console_unlock_irqrestore(flags);
}

static void console_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	write_all_locked(s, n);
}

int kvprintf(const char *fmt, va_list ap)
{
	unsigned long flags = console_lock_irqsave();
	int n = kvformat(console_sink, NULL, fmt, ap);

	console_unlock_irqrestore(flags);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

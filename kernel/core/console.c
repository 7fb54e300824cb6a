/*
 * Console fan-out and kprintf. Output is serialized by console_lock, a raw
 * IRQ-safe spinlock that is also taken recursively-safe by panic: when a
 * panic is in progress the lock is ignored so the report always gets out.
 * A task may have its output redirected (console_redirect_begin()): then
 * its task-context output bypasses console_lock and goes to its sink.
 * Locking: console_lock (leaf; nothing else is taken while holding it).
 */
#include "core/console.h"

#include <stdbool.h>

#include "arch/arch.h"
#include "core/panic.h"
#include "include/uapi/errno.h"
#include "lib/printf.h"
#include "sched/percpu.h"

#define MAX_CONSOLES 4

/* Written only during boot on the boot CPU. */
static const struct console *consoles[MAX_CONSOLES];
static unsigned int nr_consoles;

/* Raw test-and-set lock: the console must work before sync/ exists and
 * from any context, including exceptions and NMIs during a panic. */
static volatile int console_lock;

/* Redirect slots, one per task whose output is redirected. A slot is
 * claimed by an atomic exchange of its owner; its redirect is written by
 * the owner before its first output and read only by the owner, which is
 * the only task whose current_task() matches. redirect_count says whether
 * any slot is in use, so early boot (before current_task() works) and the
 * common case never look further. */
#define REDIRECT_SLOTS 16

static struct {
	struct task *owner; /* Atomic. */
	const struct console_redirect *redirect;
} redirects[REDIRECT_SLOTS];
static unsigned int redirect_count; /* Atomic. */

int console_redirect_begin(struct task *owner, const struct console_redirect *r)
{
	for (unsigned int i = 0; i < REDIRECT_SLOTS; i++) {
		struct task *none = NULL;

		if (__atomic_compare_exchange_n(&redirects[i].owner, &none, owner, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			redirects[i].redirect = r;
			__atomic_fetch_add(&redirect_count, 1, __ATOMIC_RELEASE);
			return 0;
		}
	}
	return -EBUSY;
}

void console_redirect_end(struct task *owner)
{
	for (unsigned int i = 0; i < REDIRECT_SLOTS; i++) {
		if (__atomic_load_n(&redirects[i].owner, __ATOMIC_RELAXED) == owner) {
			__atomic_store_n(&redirects[i].owner, NULL, __ATOMIC_RELEASE);
			__atomic_fetch_sub(&redirect_count, 1, __ATOMIC_RELEASE);
			return;
		}
	}
}

/* The redirect for the caller's output, or NULL for the consoles. */
static const struct console_redirect *my_redirect(void)
{
	struct task *me;

	if (!__atomic_load_n(&redirect_count, __ATOMIC_ACQUIRE) || panic_in_progress())
		return NULL;
	/* irq_depth is 0 in task context on any CPU, so a migration between
	 * the two reads cannot give a wrong answer. */
	me = current_task();
	if (this_cpu()->irq_depth)
		return NULL;
	for (unsigned int i = 0; i < REDIRECT_SLOTS; i++)
		if (__atomic_load_n(&redirects[i].owner, __ATOMIC_ACQUIRE) == me)
			return redirects[i].redirect;
	return NULL;
}

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

/* Every console device, console lock held; @raw: through its write_raw
 * (no CR added before LF) where it has one. */
static void write_all_locked(const char *s, size_t n, bool raw)
{
	for (unsigned int i = 0; i < nr_consoles; i++)
		(raw && consoles[i]->write_raw ? consoles[i]->write_raw : consoles[i]->write)(s, n);
}

static void write_devices(const char *s, size_t n, bool raw)
{
	unsigned long flags = console_lock_irqsave();

	write_all_locked(s, n, raw);
	console_unlock_irqrestore(flags);
}

/* The calling task's redirection if it has one, else the devices. */
static void write_console(const char *s, size_t n, bool raw)
{
	const struct console_redirect *r = my_redirect();

	if (r)
		r->write(r->ctx, s, n);
	else
		write_devices(s, n, raw);
}

void console_write(const char *s, size_t n)
{
	write_console(s, n, false);
}

void console_write_devices(const char *s, size_t n)
{
	write_devices(s, n, false);
}

void console_write_raw(const char *s, size_t n)
{
	write_console(s, n, true);
}

void console_write_devices_raw(const char *s, size_t n)
{
	write_devices(s, n, true);
}

void console_flush_devices(void)
{
	unsigned long flags = console_lock_irqsave();

	for (unsigned int i = 0; i < nr_consoles; i++)
		if (consoles[i]->flush)
			consoles[i]->flush();
	console_unlock_irqrestore(flags);
}

static void console_sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	write_all_locked(s, n, false);
}

static int kvprintf_consoles(const char *fmt, va_list ap)
{
	unsigned long flags = console_lock_irqsave();
	int n = kvformat(console_sink, NULL, fmt, ap);

	console_unlock_irqrestore(flags);
	return n;
}

int kprintf_err(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf_consoles(fmt, ap);
	va_end(ap);
	return n;
}

int kvprintf(const char *fmt, va_list ap)
{
	const struct console_redirect *r = my_redirect();

	if (r)
		return kvformat(r->write, r->ctx, fmt, ap);
	return kvprintf_consoles(fmt, ap);
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

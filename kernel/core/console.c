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
#include "lib/printf.h"
#include "sched/percpu.h"

#define MAX_CONSOLES 4

/* Written only during boot on the boot CPU. */
static const struct console *consoles[MAX_CONSOLES];
static unsigned int nr_consoles;

/* Raw test-and-set lock: the console must work before sync/ exists and
 * from any context, including exceptions and NMIs during a panic. */
static volatile int console_lock;

/* Written by the owner task only; read by anyone (atomic pointer loads).
 * The owner is NULL when nothing is redirected, which is also how early
 * boot (before current_task() works) never looks at the task. */
static struct task *redirect_owner;
static const struct console_redirect *redirect;

void console_redirect_begin(struct task *owner, const struct console_redirect *r)
{
	__atomic_store_n(&redirect, r, __ATOMIC_RELAXED);
	__atomic_store_n(&redirect_owner, owner, __ATOMIC_RELEASE);
}

void console_redirect_end(void)
{
	__atomic_store_n(&redirect_owner, NULL, __ATOMIC_RELEASE);
}

/* The redirect for the caller's output, or NULL for the consoles. Only the
 * owner ever sees it set, so the pair is stable for it. */
static const struct console_redirect *my_redirect(void)
{
	struct task *owner = __atomic_load_n(&redirect_owner, __ATOMIC_ACQUIRE);

	if (!owner || panic_in_progress())
		return NULL;
	/* irq_depth is 0 in task context on any CPU, so a migration between
	 * the two reads cannot give a wrong answer. */
	if (owner != current_task() || this_cpu()->irq_depth)
		return NULL;
	return __atomic_load_n(&redirect, __ATOMIC_RELAXED);
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

static void write_all_locked(const char *s, size_t n)
{
	for (unsigned int i = 0; i < nr_consoles; i++)
		consoles[i]->write(s, n);
}

void console_write(const char *s, size_t n)
{
	const struct console_redirect *r = my_redirect();
	unsigned long flags;

	if (r) {
		r->write(r->ctx, s, n);
		return;
	}
	flags = console_lock_irqsave();

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
	const struct console_redirect *r = my_redirect();
	unsigned long flags;
	int n;

	if (r)
		return kvformat(r->write, r->ctx, fmt, ap);
	flags = console_lock_irqsave();
	n = kvformat(console_sink, NULL, fmt, ap);

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

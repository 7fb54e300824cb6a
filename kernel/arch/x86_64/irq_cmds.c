/*
 * The `irq` shell command: per-vector counts (one column per CPU that has
 * taken interrupts), handler names and routed GSIs, then the spurious and
 * unhandled totals. Reads the counters without locks (they only grow).
 */
#include "arch/x86_64/irq_internal.h"
#include "core/console.h"
#include "shell/shell.h"

/* CPUs with any interrupt counted (at least the boot CPU). */
static unsigned int cpus_in_use(void)
{
	unsigned int n = 1;

	for (unsigned int c = 1; c < IRQ_MAX_CPUS; c++)
		for (unsigned int v = 0; v < IRQ_NR_VECTORS; v++)
			if (irq_cpu_vector_count(c, v))
				n = c + 1;
	return n;
}

static void print_vector(unsigned int v, unsigned int ncpus)
{
	const char *name = irq_vector_name(v);
	long gsi = irq_vector_gsi(v);

	kprintf("%#04x %-16s", v, name ? name : (descs[v].allocated ? "(allocated)" : "-"));
	for (unsigned int c = 0; c < ncpus; c++)
		kprintf(" %10lu", (unsigned long)irq_cpu_vector_count(c, v));
	if (gsi >= 0)
		kprintf("  GSI %ld", gsi);
	kprintf("\n");
}

static int cmd_irq(int argc, char **argv)
{
	unsigned int ncpus = cpus_in_use();

	if (argc != 1)
		return shell_usage(shell_find("irq"));
	kprintf("VEC  HANDLER         ");
	for (unsigned int c = 0; c < ncpus; c++)
		kprintf("       CPU%-2u", c);
	kprintf("\n");
	for (unsigned int v = 0; v < IRQ_NR_VECTORS; v++)
		if (irq_vector_count(v) || irq_vector_name(v) || descs[v].allocated)
			print_vector(v, ncpus);
	kprintf("spurious: %lu  unhandled: %lu\n", (unsigned long)irq_spurious_count(),
		(unsigned long)irq_unhandled_count());
	return 0;
}

SHELL_COMMAND(irq, .name = "irq", .group = "hardware",
	      .summary = "interrupt counts per vector and CPU", .usage = "irq", .fn = cmd_irq);

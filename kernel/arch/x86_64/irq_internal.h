/*
 * Shared between the x86_64 interrupt files (irq.c, irq_route.c,
 * irq_cmds.c): the vector descriptor table and the CPU index -> APIC id
 * map. Nothing outside arch/x86_64/ includes this.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "sync/spinlock.h"

#include "irq/irq.h"

struct irq_desc {
	void (*fn)(struct irq_ctx *ctx, void *data); /* NULL: unhandled */
	void *data;
	const char *name;
	long gsi;	/* GSI routed to this vector, or -1 */
	bool allocated; /* handed out by irq_alloc_vector() */
};

/* Changed under irq_desc_lock; fn is read locklessly (irq.c "Locking"). */
extern struct irq_desc descs[IRQ_NR_VECTORS];

/* Build the CPU index -> APIC id map: index 0 is the boot CPU, then the
 * MADT's other enabled CPUs in table order. Boot CPU, once. */
void irq_init_cpu_map(void);

/* APIC id of CPU index @cpu; -1 when there is no such CPU. */
long irq_cpu_apic_id(unsigned int cpu);

/* Guards changes to the vector descriptors (irq.c, irq_route.c). */
extern struct spinlock irq_desc_lock;

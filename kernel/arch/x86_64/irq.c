/*
 * The interrupt dispatcher and vector table. entry.S sends every vector
 * >= 32 here (through trap_set_irq_handler): spurious vectors are counted
 * and dropped without EOI; anything else is counted per vector and per
 * CPU, its handler (if any) runs, then the dispatcher sends the one EOI and
 * calls irq_exit(). doc/interrupts.md explains the policy.
 * Locking: irq_desc_lock (IRQ-safe, LOCK_RANK_IRQ) guards changes to
 * `descs`; the dispatcher reads a descriptor without it (fn is published
 * last, with release). Each CPU announces the vector whose handler it runs
 * in `handling` before it reads fn, and irq_free() clears fn and then
 * waits until no other CPU announces that vector, so once irq_free()
 * returns no handler of it runs anywhere. Counters are owner-CPU only
 * (each CPU bumps its own row).
 * Reference: Intel SDM Vol. 3 §6.3 (vectors), §11.8.5 (EOI), §11.9.
 */
#include "irq/irq.h"

#include "arch/arch.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/irq_internal.h"
#include "arch/x86_64/irq_vectors.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "core/log.h"
#include "include/atomic.h"
#include "include/uapi/errno.h"
#include "sched/percpu.h"
#include "sched/sched.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "irq: "

/* The vector table (see Locking above). */
struct irq_desc descs[IRQ_NR_VECTORS];

/* Owner CPU only: row c is written only by CPU c. */
static uint64_t counts[IRQ_MAX_CPUS][IRQ_NR_VECTORS];
/* Atomic, written by its own CPU: the vector whose handler CPU c is
 * running, or NO_HANDLER. Handlers do not nest (interrupts stay off). */
static int handling[IRQ_MAX_CPUS];
#define NO_HANDLER (-1)
static uint64_t spurious[IRQ_MAX_CPUS];
static uint64_t unhandled[IRQ_MAX_CPUS];
static uint64_t apic_errors;

struct spinlock irq_desc_lock = SPINLOCK_INIT("irq_desc", LOCK_RANK_IRQ);

_Static_assert(IRQ_VEC_DYNAMIC_FIRST >= PIC_VECTOR_BASE + PIC_VECTOR_COUNT,
	       "dynamic vectors must not overlap the PIC range");

unsigned int irq_this_cpu(void)
{
	return this_cpu_id();
}

static bool is_dynamic(unsigned int v)
{
	return v >= IRQ_VEC_DYNAMIC_FIRST && v <= IRQ_VEC_DYNAMIC_LAST;
}

static bool is_system(unsigned int v)
{
	return v >= IRQ_VEC_SYSTEM_FIRST && v < IRQ_VEC_SPURIOUS;
}

void irq_exit(struct irq_ctx *ctx)
{
	(void)ctx;
	sched_irq_exit(); /* the preemption point (see irq/irq.h) */
}

static void irq_dispatch(struct trap_frame *f)
{
	unsigned int v = (unsigned int)f->vector, cpu = irq_this_cpu();
	struct irq_ctx *ctx = (struct irq_ctx *)f;
	void (*fn)(struct irq_ctx * ctx, void *data);

	/*
	 * APIC spurious interrupts set no in-service bit, so they get no EOI
	 * (SDM §11.9); nor do the masked 8259s' spurious IRQ 7/15, which
	 * never reached the local APIC's in-service register either.
	 */
	if (v == IRQ_VEC_SPURIOUS || pic_is_vector(v)) {
		spurious[cpu]++;
		return;
	}
	counts[cpu][v]++;
	/* Say which handler runs here before looking at it (a locked
	 * exchange: a full barrier), so irq_free() either sees us or we
	 * see its NULL. */
	atomic_exchange(&handling[cpu], (int)v);
	fn = atomic_load_acquire(&descs[v].fn);
	this_cpu()->irq_depth++;
	if (fn)
		fn(ctx, descs[v].data);
	else
		unhandled[cpu]++;
	this_cpu()->irq_depth--;
	atomic_store_release(&handling[cpu], NO_HANDLER);
	lapic_eoi(); /* the one EOI: before irq_exit() may switch threads */
	irq_exit(ctx);
}

static void apic_error_handler(struct irq_ctx *ctx, void *data)
{
	uint32_t esr = lapic_read_esr();

	if (apic_errors++ < 10)
		log_warn("local APIC error, ESR %#x\n", esr);
}

int irq_alloc_vector(void)
{
	unsigned long flags = spin_lock_irqsave(&irq_desc_lock);
	int vector = -ENOSPC;

	for (unsigned int v = IRQ_VEC_DYNAMIC_FIRST; v <= IRQ_VEC_DYNAMIC_LAST; v++) {
		if (!descs[v].allocated) {
			descs[v].allocated = true;
			descs[v].gsi = -1;
			vector = (int)v;
			break;
		}
	}
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	return vector;
}

int irq_attach(unsigned int vector, void (*fn)(struct irq_ctx *ctx, void *data), void *data,
	       const char *name)
{
	unsigned long flags;
	int err = 0;

	if (vector >= IRQ_NR_VECTORS || !fn)
		return -EINVAL;
	flags = spin_lock_irqsave(&irq_desc_lock);
	if (!(is_system(vector) || (is_dynamic(vector) && descs[vector].allocated)))
		err = -EINVAL;
	else if (descs[vector].fn)
		err = -EBUSY;
	if (!err) {
		descs[vector].data = data;
		descs[vector].name = name;
		atomic_store_release(&descs[vector].fn, fn); /* last: the dispatcher tests fn */
	}
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	return err;
}

/* Spin until no other CPU runs @vector's handler. The handler that may
 * be running on this CPU (irq_free() called from it) is not waited for. */
static void wait_for_handlers(unsigned int vector)
{
	unsigned int me = irq_this_cpu();

	for (unsigned int c = 0; c < IRQ_MAX_CPUS; c++) {
		if (c == me)
			continue;
		while (atomic_load_acquire(&handling[c]) == (int)vector)
			arch_cpu_relax();
	}
}

int irq_free(unsigned int vector)
{
	unsigned long flags;
	struct irq_desc *d;
	int err = 0;

	if (vector >= IRQ_NR_VECTORS)
		return -EINVAL;
	flags = spin_lock_irqsave(&irq_desc_lock);
	d = &descs[vector];
	if (!is_system(vector) && !(is_dynamic(vector) && d->allocated)) {
		err = -EINVAL;
	} else {
		/* Mask the source first, so nothing new arrives... */
		if (d->gsi >= 0 && ioapic_unroute((uint32_t)d->gsi) != 0)
			log_warn("vector %#x: GSI %ld was not routed\n", vector, d->gsi);
		/* ...then detach, and wait out handlers already running. */
		atomic_store_release(&d->fn, NULL);
		smp_mb();
		wait_for_handlers(vector);
		*d = (struct irq_desc){ .gsi = -1 };
	}
	spin_unlock_irqrestore(&irq_desc_lock, flags);
	return err;
}

void irq_raise_self(unsigned int vector)
{
	lapic_send_self_ipi((uint8_t)vector);
}

uint64_t irq_cpu_vector_count(unsigned int cpu, unsigned int vector)
{
	if (cpu >= IRQ_MAX_CPUS || vector >= IRQ_NR_VECTORS)
		return 0;
	return READ_ONCE(counts[cpu][vector]);
}

uint64_t irq_vector_count(unsigned int vector)
{
	uint64_t n = 0;

	for (unsigned int c = 0; c < IRQ_MAX_CPUS; c++)
		n += irq_cpu_vector_count(c, vector);
	return n;
}

static uint64_t sum(const uint64_t *per_cpu)
{
	uint64_t n = 0;

	for (unsigned int c = 0; c < IRQ_MAX_CPUS; c++)
		n += READ_ONCE(per_cpu[c]);
	return n;
}

uint64_t irq_spurious_count(void)
{
	return sum(spurious);
}

uint64_t irq_unhandled_count(void)
{
	return sum(unhandled);
}

const char *irq_vector_name(unsigned int vector)
{
	return vector < IRQ_NR_VECTORS && descs[vector].fn ? descs[vector].name : NULL;
}

long irq_vector_gsi(unsigned int vector)
{
	return vector < IRQ_NR_VECTORS && (descs[vector].allocated || is_system(vector))
		       ? descs[vector].gsi
		       : -1;
}

uintptr_t irq_ctx_pc(const struct irq_ctx *ctx)
{
	return ((const struct trap_frame *)ctx)->rip;
}

bool irq_ctx_from_user(const struct irq_ctx *ctx)
{
	return ((const struct trap_frame *)ctx)->cs & 3;
}

void arch_init_irq(void)
{
	pic_init();
	lapic_init();
	ioapic_init();
	irq_init_cpu_map();
	for (unsigned int v = 0; v < IRQ_NR_VECTORS; v++)
		descs[v].gsi = -1;
	for (unsigned int c = 0; c < IRQ_MAX_CPUS; c++)
		handling[c] = NO_HANDLER;
	trap_set_irq_handler(irq_dispatch);
	if (irq_attach(IRQ_VEC_APIC_ERROR, apic_error_handler, NULL, "apic-error"))
		log_warn("cannot attach the APIC error handler\n");
	log_info("8259s masked, dispatcher on vectors %#x-%#x, %u IOAPIC(s) with %u GSIs\n",
		 VEC_FIRST_IRQ, IRQ_NR_VECTORS - 1, ioapic_count(), ioapic_gsi_count());
}

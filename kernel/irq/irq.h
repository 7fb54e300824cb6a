/*
 * The interrupt API for generic code: allocate a vector, attach a
 * handler(ctx, data) to it, route a GSI or an ISA IRQ to it or hand it to an
 * MSI/MSI-X user, free it; and the per-vector, per-CPU counters behind the
 * `irq` shell command. Implemented by the architecture
 * (arch/x86_64/irq.c, irq_route.c); doc/interrupts.md has the vector map
 * and the EOI policy.
 *
 * Handlers run in interrupt context with interrupts disabled, on the CPU
 * that took the interrupt, and must not sleep. The dispatcher sends the
 * EOI after the handler returns, then calls irq_exit().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

/* Counters are kept for CPU indexes below this (static tables). */
#define IRQ_MAX_CPUS 64
#define IRQ_NR_VECTORS 256

/* The interrupted context, opaque to generic code. */
struct irq_ctx;

/* Trigger and polarity of a GSI for irq_route_gsi(). */
enum irq_route_flags {
	IRQ_EDGE_HIGH = 0,	  /* ISA default */
	IRQ_LEVEL = 1u << 0,	  /* level triggered */
	IRQ_ACTIVE_LOW = 1u << 1, /* active low (PCI INTx: IRQ_LEVEL too) */
};

/* Set up the interrupt controllers and install the dispatcher. Boot CPU,
 * interrupts off, after acpi_init(). (Declared in arch/arch.h as well.) */
void arch_init_irq(void);

/* Reserve a free device vector. Returns it (>= 0), or -ENOSPC. IRQ-safe. */
int irq_alloc_vector(void) __must_check;

/*
 * Attach @fn(ctx, @data) to @vector (@ctx: the interrupted context), which must come from
 * irq_alloc_vector() or be a kernel system vector. @name shows in `irq`
 * and must stay valid. Returns 0, -EINVAL (vector not allocated) or -EBUSY
 * (a handler is attached). IRQ-safe.
 */
int irq_attach(unsigned int vector, void (*fn)(struct irq_ctx *ctx, void *data), void *data,
	       const char *name) __must_check;

/*
 * Unroute any GSI routed to @vector (masking its IOAPIC pin), detach the
 * handler, wait until no other CPU is still running it, and release the
 * vector. Once it returns the handler runs nowhere and its data may be
 * freed; later arrivals count as unhandled. An MSI/MSI-X source is the
 * driver's to disable at the device first (this cannot mask it). Returns 0
 * or -EINVAL (not allocated). IRQ-safe, and may be called from the
 * vector's own handler; spins (interrupts off) for as long as a handler
 * on another CPU runs, so no handler may take irq_desc_lock (call irq_*
 * set-up functions) itself.
 */
int irq_free(unsigned int vector) __must_check;

/*
 * Route GSI @gsi to @vector on the boot CPU with @flags. Returns 0,
 * -ENODEV (no controller serves @gsi), -EBUSY (already routed: the existing
 * route is kept), -EINVAL (vector not allocated). IRQ-safe.
 */
int irq_route_gsi(uint32_t gsi, unsigned int vector, unsigned int flags) __must_check;

/* Undo irq_route_gsi(). Returns 0 or -ENOENT. */
int irq_unroute_gsi(uint32_t gsi) __must_check;

/* The GSI and flags of ISA IRQ @isa_irq after the MADT's overrides. */
uint32_t irq_isa_to_gsi(unsigned int isa_irq, unsigned int *flags);

/*
 * Allocate a vector, attach @fn and route ISA IRQ @isa_irq to it (honouring
 * source overrides). Returns the vector, or -ENOSPC/-EBUSY/-ENODEV with
 * everything undone.
 */
int irq_request_isa(unsigned int isa_irq, void (*fn)(struct irq_ctx *ctx, void *data), void *data,
		    const char *name) __must_check;

/*
 * The MSI/MSI-X address and data that deliver @vector to CPU index @cpu
 * (fixed delivery, edge, physical destination). The caller writes them into
 * the device's capability. Returns 0, -EINVAL (vector not allocated or no
 * such CPU) or -ERANGE (APIC id not addressable without remapping).
 */
int irq_msi_compose(unsigned int vector, unsigned int cpu, uint64_t *addr, uint32_t *data)
	__must_check;

/* Raise @vector on this CPU (a self-IPI); delivered once interrupts are
 * enabled. For tests and benchmarks. */
void irq_raise_self(unsigned int vector);

/* Counters: arrivals on @vector (all CPUs / one CPU), spurious interrupts
 * (no EOI sent) and arrivals with no handler attached. */
uint64_t irq_vector_count(unsigned int vector);
uint64_t irq_cpu_vector_count(unsigned int cpu, unsigned int vector);
uint64_t irq_spurious_count(void);
uint64_t irq_unhandled_count(void);

/* Name attached to @vector, or NULL; the GSI routed to it or -1. */
const char *irq_vector_name(unsigned int vector);
long irq_vector_gsi(unsigned int vector);

/* Index of the calling CPU for the counters (0 = boot CPU). */
unsigned int irq_this_cpu(void);

/* Program counter of the interrupted context; did it come from user mode? */
uintptr_t irq_ctx_pc(const struct irq_ctx *ctx);
bool irq_ctx_from_user(const struct irq_ctx *ctx);

/*
 * Interrupt-exit hook: the dispatcher calls it on every hardware interrupt
 * after the handler ran and the EOI was sent, with interrupts still
 * disabled, just before returning to @ctx. Empty for now; the scheduler
 * extends it to preempt (reschedule) when a tick or a wakeup asked for it.
 * Because the EOI has already been sent, switching threads here cannot
 * leave the local APIC's in-service bit set (which would block every
 * interrupt of equal or lower priority, the tick included, until the
 * interrupted thread runs again).
 */
void irq_exit(struct irq_ctx *ctx);

/*
 * Per-CPU data. Each CPU owns one struct percpu, reached through the GS
 * base (arch_this_cpu()), holding its logical id, the task it runs, its
 * run queue and its interrupt nesting. CPU 0 (the boot CPU) uses a static
 * instance set up first thing in kmain; arch/x86_64/smp.c allocates one
 * for each application processor before starting it.
 *
 * Reading another CPU's fields is allowed only where the field says so.
 * The two first fields are read with single %gs-relative loads
 * (PERCPU_SELF, PERCPU_CURRENT) so that reading `current` can never be
 * torn by a migration between "find my CPU" and "read its field".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"

#define MAX_CPUS 64 /* at most 64: percpu_online_mask() is a uint64_t */

/* Offsets used by arch_this_cpu() / arch_current_task() (%gs:offset). */
#define PERCPU_SELF 0
#define PERCPU_CURRENT 8
/* PERCPU_KERNEL_SP and PERCPU_USER_SP (entry.S's syscall path) are in
 * arch/x86_64/layout.h, which assembly can include. */

struct task;
struct runqueue;
struct arch_percpu;

/* Held-lock record for the debug lock checker (sync/spinlock.c). */
#define PERCPU_MAX_HELD_LOCKS 16

struct percpu {
	struct percpu *self;  /* PERCPU_SELF: this struct's own address */
	struct task *current; /* PERCPU_CURRENT: owner CPU writes, anyone reads */
	/* Owner CPU only (the context switch writes, entry.S reads): */
	uintptr_t kernel_sp; /* PERCPU_KERNEL_SP: top of the running task's stack */
	uintptr_t user_sp;   /* PERCPU_USER_SP: user rsp during syscall entry */
	/* Immutable after percpu_alloc(): */
	unsigned int id;	  /* logical index: 0 = boot CPU, then MADT order */
	uint32_t apic_id;	  /* the CPU's local APIC id */
	struct arch_percpu *arch; /* GDT, TSS, IST stacks, fault catcher */
	struct runqueue *rq;	  /* this CPU's run queue (sched/sched.c) */
	struct task *idle;	  /* this CPU's idle task */
	/* Owner CPU only, with interrupts disabled: */
	unsigned int irq_depth; /* hardware interrupt nesting, 0 in task context */
	unsigned int nheld;	/* debug lock checker: locks held on this CPU */
	const void *held[PERCPU_MAX_HELD_LOCKS];
	/* Atomic: */
	bool online; /* running tasks (set by the CPU itself) */
};

/* Set up CPU 0's per-CPU data and load the GS base. First thing in kmain:
 * until it runs no lock may be taken. */
void percpu_init_boot(void);

/* Record the boot CPU's local APIC id once the APIC is known. */
void percpu_set_apic_id(struct percpu *c, uint32_t apic_id);

/* Allocate and register per-CPU data for logical CPU @id (> 0) with local
 * APIC id @apic_id. Returns NULL when memory runs out or @id >= MAX_CPUS.
 * Boot CPU, during SMP bring-up. */
struct percpu *percpu_alloc(unsigned int id, uint32_t apic_id);

/* The per-CPU data of logical CPU @id, or NULL if it was never allocated. */
struct percpu *percpu_get(unsigned int id);

/* Number of CPUs with per-CPU data (ids 0 .. percpu_count() - 1). */
unsigned int percpu_count(void);

/* Number of CPUs that are online (running tasks). */
unsigned int percpu_online_count(void);

/* Bit i set: logical CPU i is online (MAX_CPUS <= 64). A snapshot. */
uint64_t percpu_online_mask(void);

/* The calling CPU's data. Stable only while preemption or interrupts are
 * disabled (otherwise the task may move to another CPU right after). */
static inline struct percpu *this_cpu(void)
{
	return arch_this_cpu();
}

/* The calling CPU's logical id (same caveat as this_cpu()). */
static inline unsigned int this_cpu_id(void)
{
	return arch_this_cpu()->id;
}

/* The running task (never NULL after percpu_init_boot()). */
static inline struct task *current_task(void)
{
	return arch_current_task();
}

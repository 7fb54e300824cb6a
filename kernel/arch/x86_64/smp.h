/*
 * x86_64 multiprocessor support: per-CPU architecture state, AP bring-up
 * (smp.c, ap_boot.S) and the inter-processor interrupts (ipi.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/x86_64/gdt.h"
#include "mm/vmalloc.h"

/* The architecture's part of struct percpu (percpu->arch). */
struct arch_percpu {
	struct gdt_cpu gdt;	      /* APs only: CPU 0 uses cpu.c's */
	struct kstack ist[IST_COUNT]; /* APs only */
	/* Owner CPU only (trap.c's fault catcher, armed with preemption off): */
	struct arch_jmpbuf *catch_jb;
	struct arch_fault_info *catch_info;
	uint64_t nmis;		/* NMIs taken on this CPU (trap.c) */
	unsigned int nmi_depth; /* NMI handlers running here: 0 or 1 (trap.c) */
	uint64_t nmi_nested;	/* NMIs that arrived inside one: must stay 0 */
	void (*nmi_hook)(void); /* ktests only: called once inside the next NMI */
	struct tss *tss;	/* this CPU's TSS, for rsp0 (switch.c) */
};

/* The 64-bit C entry of an AP, called by the trampoline on its idle
 * task's stack with interrupts off. */
void smp_ap_entry(void) __noreturn;

/* Attach the reschedule and TLB-shootdown vectors (ipi.c). */
void smp_init_ipis(void);

/* True when another CPU is stopping this one (cpu_stop.c): the NMI
 * handler then calls arch_stop_this_cpu(). Any context, NMI included. */
bool smp_stop_requested(void);

/* The calling CPU's architecture state (never NULL after arch_smp_init()
 * started on the boot CPU). */
struct arch_percpu *smp_this_arch(void);

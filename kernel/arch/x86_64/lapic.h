/*
 * Local APIC: xAPIC through MMIO, or x2APIC through MSRs when the CPU has
 * it. Per-CPU enable with the spurious vector at 0xFF, EOI, IPIs and the
 * timer's registers (the clock-event driver is lapic_timer.c).
 * Reference: Intel SDM Vol. 3 ch. 11 (APIC), §11.12 (x2APIC).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Divide configuration the timer runs with (SDM Figure 11-10): by 16. */
#define LAPIC_TIMER_DIVIDE 16

/* Enable the boot CPU's local APIC (x2APIC when CPUID has it): spurious
 * vector, TPR 0, LVTs masked except the MADT's LINT NMI, error vector.
 * Boot CPU, interrupts off, after acpi_init(). */
void lapic_init(void);

/* The same for another CPU once it runs (the mode follows the boot CPU). */
void lapic_init_cpu(void);

/* True when the APIC runs in x2APIC mode. */
bool lapic_is_x2apic(void);

/* This CPU's APIC id. IRQ-safe. */
uint32_t lapic_id(void);

/* Signal end of interrupt for the in-service vector. IRQ-safe. */
void lapic_eoi(void);

/* Send fixed-delivery @vector to the CPU with APIC id @apic_id. */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);

/* Send an NMI to the CPU with APIC id @apic_id (its own id works too:
 * the self shorthand is not valid for NMI delivery, SDM Vol. 3 §11.6.1).
 * IRQ-safe. */
void lapic_send_nmi(uint32_t apic_id);

/* INIT and STARTUP IPIs for bringing up a processor (SDM Vol. 3 §8.4.4):
 * STARTUP makes it run real-mode code at physical @page * 4096. */
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);

/* Send fixed-delivery @vector to this CPU. */
void lapic_send_self_ipi(uint8_t vector);

/* Read and clear the error status register. */
uint32_t lapic_read_esr(void);

/* Program the timer on this CPU: @count ticks of (bus / divide), then
 * @vector; again every @count ticks when @periodic. count 0 stops it. */
void lapic_timer_program(uint8_t vector, uint32_t count, bool periodic);

/* The timer's current count (0 once a one-shot has expired). */
uint32_t lapic_timer_current(void);

/*
 * Local APIC timer clock-event driver (lapic_timer.c).
 */
#pragma once

/* Attach the timer vector and register the clock-event device with
 * time/tick.c. Boot CPU, after lapic_init(). */
void lapic_timer_register(void);

/*
 * Bring-up of the time subsystem (time.c): clock sources, ktime on the best
 * of them, the tick, and the boot wall-clock time from the RTC.
 */
#pragma once

/* Register the platform's clocks, move ktime onto the best source,
 * calibrate and start the LAPIC tick at CONFIG_HZ and read the RTC.
 * Boot CPU, interrupts off, after arch_init_irq(). Failures are logged
 * and leave ktime on its boot estimate or the tick stopped. */
void time_init(void);

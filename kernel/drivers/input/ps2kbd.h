/*
 * PS/2 keyboard on the i8042 controller (drivers/input/ps2kbd.c): IRQ 1
 * through the IOAPIC fills a ring of terminal bytes (lib/ps2keymap.c
 * turns scan codes into them) that the console tty reads.
 */
#pragma once

#include <stdbool.h>

/* Probe and program the i8042, route IRQ 1. Logged and left off when
 * there is no controller. Boot CPU, after arch_init_irq(). */
void ps2kbd_init(void);

/* The screen's DECCKM changed (drivers/fb): cursor keys send ESC O x
 * when @on. IRQ-safe. */
void ps2kbd_set_app_cursor(bool on);

/* Next typed byte, or -1. IRQ-safe. */
int ps2kbd_getc(void);

/* Whether ps2kbd_getc() would return a byte. IRQ-safe. */
bool ps2kbd_pending(void);

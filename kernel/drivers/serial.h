/*
 * 16550 UART driver for COM1 (115200 8N1): the kernel's first console and
 * the shell's input. Reference: TI PC16550D data sheet.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Program COM1 and register it as a console. Boot CPU, before any output. */
void serial_init(void);

/* Write @n bytes, turning "\n" into "\r\n". Busy-waits on the transmitter;
 * callers serialize (the console lock). */
void serial_write(const char *s, size_t n);

/* Next received byte, or -1 if none is waiting. IRQ-safe. */
int serial_getc(void);

/* True when the UART answered the loopback probe at init. */
bool serial_present(void);

/*
 * 16550 UART driver for COM1 (115200 8N1): the kernel's first console and
 * the shell's input. Reference: TI PC16550D data sheet.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Program COM1 and register it as a console. Boot CPU, before any output. */
void serial_init(void);

/* Write @n bytes, turning "\n" into "\r\n". Busy-waits on the transmitter;
 * callers serialize (the console lock). */
void serial_write(const char *s, size_t n);

/* Next received byte, or -1 if none is waiting. IRQ-safe. */
int serial_getc(void);

/* If @byte (^C, say) waits in the input, consume it and everything typed
 * before it (as a terminal flushes type-ahead on ^C) and return true;
 * other input stays for serial_getc(). IRQ-safe. */
bool serial_rx_take_byte(uint8_t byte);

/* Take COM1 input by interrupt (ISA IRQ 4 through the IOAPIC) into a ring
 * that serial_getc() reads. Logged and left polled on failure. Boot CPU,
 * after arch_init_irq(). */
void serial_init_irq(void);

/* True once input arrives by interrupt: a reader with nothing to read may
 * then sleep (arch_wait_for_interrupt) instead of polling. */
bool serial_has_irq(void);

/* True when serial_getc() would return a byte. To sleep without losing a
 * wakeup: disable interrupts, test this, then arch_wait_for_interrupt()
 * (its sti;hlt pair cannot be split by the interrupt). IRQ-safe. */
bool serial_rx_pending(void);

struct waitqueue;

/* Woken (all waiters) from the receive interrupt when bytes arrive: wait
 * with wait_event(serial_rx_waitqueue(), serial_rx_pending()). */
struct waitqueue *serial_rx_waitqueue(void);

/* True when the UART answered the loopback probe at init. */
bool serial_present(void);

/* Move what the UART holds into the receive ring without waiting for its
 * interrupt (a reader's safety net: a lost edge must not leave typed
 * input in the FIFO for ever). Any context. */
void serial_rx_poll(void);

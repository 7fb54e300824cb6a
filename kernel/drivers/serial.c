/*
 * COM1 16550 UART. Polled transmit, polled receive (an interrupt-driven
 * receive path arrives with the IOAPIC). The loopback self-test at init
 * tells whether a UART is there at all; without one output is dropped.
 * Reference: PC16550D data sheet, register map §8.
 */
#include "drivers/serial.h"

#include <stdint.h>

#include "arch/arch.h"
#include "core/console.h"

#define COM1 0x3f8

/* Register offsets from the base port (DLAB=0 unless noted). */
enum {
	UART_DATA = 0,   /* RBR/THR; DLL when DLAB=1 */
	UART_IER = 1,    /* interrupt enable; DLM when DLAB=1 */
	UART_FCR = 2,    /* FIFO control (write) */
	UART_LCR = 3,    /* line control */
	UART_MCR = 4,    /* modem control */
	UART_LSR = 5,    /* line status */
};

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR_14 0xc7 /* enable, clear both FIFOs, 14-byte trigger */
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOPBACK 0x1e
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define BAUD_DIVISOR_115200 1

static bool present;

static void serial_console_write(const char *s, size_t n)
{
	serial_write(s, n);
}

static const struct console serial_console = {
	.name = "ttyS0",
	.write = serial_console_write,
};

void serial_init(void)
{
	arch_outb(COM1 + UART_IER, 0);
	arch_outb(COM1 + UART_LCR, LCR_DLAB);
	arch_outb(COM1 + UART_DATA, BAUD_DIVISOR_115200);
	arch_outb(COM1 + UART_IER, 0);
	arch_outb(COM1 + UART_LCR, LCR_8N1);
	arch_outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR_14);

	/* Loopback probe: a byte sent must come straight back. */
	arch_outb(COM1 + UART_MCR, MCR_LOOPBACK);
	arch_outb(COM1 + UART_DATA, 0xae);
	present = arch_inb(COM1 + UART_DATA) == 0xae;
	arch_outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	if (present)
		console_register(&serial_console);
}

bool serial_present(void)
{
	return present;
}

static void put_raw(char c)
{
	while (!(arch_inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		arch_cpu_relax();
	arch_outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	if (!present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_raw('\r');
		put_raw(s[i]);
	}
}

int serial_getc(void)
{
	if (!present || !(arch_inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return arch_inb(COM1 + UART_DATA);
}

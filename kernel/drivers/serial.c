/*
 * COM1 16550 UART. Polled transmit. Receive is polled until
 * serial_init_irq() routes ISA IRQ 4 through the IOAPIC; from then on the
 * interrupt handler drains the receive FIFO into rx_ring and serial_getc()
 * reads the ring, so an idle reader can halt instead of spinning. The
 * loopback self-test at init tells whether a UART is there at all; without
 * one output is dropped.
 * Locking: rx_lock (IRQ-safe leaf) guards rx_ring, its indexes and the
 * throttle state: the handler fills it on the CPU the IRQ is routed to,
 * readers empty it from any CPU.
 * Reference: PC16550D data sheet, register map §8, IER/IIR §8.4-8.6.
 */
#include "drivers/serial.h"

#include <stdint.h>

#include "arch/arch.h"
#include "core/console.h"
#include "core/log.h"
#include "irq/irq.h"
#include "sched/waitqueue.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "serial: "

#define COM1 0x3f8

/* Register offsets from the base port (DLAB=0 unless noted). */
enum {
	UART_DATA = 0, /* RBR/THR; DLL when DLAB=1 */
	UART_IER = 1,  /* interrupt enable; DLM when DLAB=1 */
	UART_FCR = 2,  /* FIFO control (write) */
	UART_LCR = 3,  /* line control */
	UART_MCR = 4,  /* modem control */
	UART_LSR = 5,  /* line status */
};

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR_14 0xc7 /* enable, clear both FIFOs, 14-byte trigger */
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOPBACK 0x1e
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define BAUD_DIVISOR_115200 1
#define IER_RX_AVAILABLE 0x01
#define COM1_ISA_IRQ 4
#define RX_RING_SIZE 256 /* a power of two */

static bool present;

/* Receive ring (see Locking): head written by the handler, tail by readers. */
static uint8_t rx_ring[RX_RING_SIZE];
static struct spinlock rx_lock = SPINLOCK_INIT("serial_rx", LOCK_RANK_LEAF);
static unsigned int rx_head, rx_tail;
static bool rx_throttled; /* receive interrupt masked: the ring is full */
static bool rx_irq;

static void serial_console_write(const char *s, size_t n)
{
	serial_write(s, n);
}

static void put_raw(char c);

/* The tty's processed output: bytes as they are (no CR added). */
static void serial_console_write_raw(const char *s, size_t n)
{
	if (!present)
		return;
	for (size_t i = 0; i < n; i++)
		put_raw(s[i]);
}

static const struct console serial_console = {
	.name = "ttyS0",
	.write = serial_console_write,
	.write_raw = serial_console_write_raw,
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

static int poll_getc(void)
{
	if (!present || !(arch_inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return arch_inb(COM1 + UART_DATA);
}

/* Woken when bytes arrive (readers: shell_getc). */
static struct waitqueue serial_rx_wq = WAITQUEUE_INIT(serial_rx_wq, "serial_rx");

struct waitqueue *serial_rx_waitqueue(void)
{
	return &serial_rx_wq;
}

/*
 * IRQ 4: move the bytes in the FIFO into the ring (reading them clears the
 * "received data available" interrupt). When the ring is full, stop
 * draining and mask the receive interrupt instead of dropping input: the
 * bytes wait in the UART, which holds off the sender (QEMU stops reading
 * its side), and serial_getc() unmasks once there is room again.
 */
static void serial_rx_interrupt(struct irq_ctx *ctx, void *data)
{
	int c;

	spin_lock(&rx_lock);
	for (;;) {
		if (rx_head - READ_ONCE(rx_tail) == RX_RING_SIZE) {
			rx_throttled = true;
			arch_outb(COM1 + UART_IER, 0);
			break;
		}
		c = poll_getc();
		if (c < 0)
			break;
		rx_ring[rx_head % RX_RING_SIZE] = (uint8_t)c;
		WRITE_ONCE(rx_head, rx_head + 1);
	}
	c = rx_head != rx_tail;
	spin_unlock(&rx_lock);
	if (c)
		waitq_wake_all(&serial_rx_wq);
}

void serial_init_irq(void)
{
	int vector;

	if (!present)
		return;
	vector = irq_request_isa(COM1_ISA_IRQ, serial_rx_interrupt, NULL, "serial");
	if (vector < 0) {
		log_warn("no receive interrupt (%d): input stays polled\n", vector);
		return;
	}
	rx_irq = true;
	arch_outb(COM1 + UART_IER, IER_RX_AVAILABLE);
	log_info("COM1 receive on IRQ %d, vector %#x\n", COM1_ISA_IRQ, vector);
}

bool serial_has_irq(void)
{
	return rx_irq;
}

bool serial_rx_pending(void)
{
	if (READ_ONCE(rx_head) != READ_ONCE(rx_tail))
		return true;
	return !rx_irq && present && (arch_inb(COM1 + UART_LSR) & LSR_DATA_READY);
}

/* Polled input (no receive interrupt): the UART's bytes into the ring, so
 * that they wait there for serial_getc() like interrupt-driven ones. */
static void rx_poll_into_ring_locked(void)
{
	int c;

	while (rx_head - rx_tail < RX_RING_SIZE && (c = poll_getc()) >= 0) {
		rx_ring[rx_head % RX_RING_SIZE] = (uint8_t)c;
		WRITE_ONCE(rx_head, rx_head + 1);
	}
}

void serial_rx_poll(void)
{
	unsigned long flags;
	bool got;

	if (!present)
		return;
	flags = spin_lock_irqsave(&rx_lock);
	if (!rx_throttled)
		rx_poll_into_ring_locked();
	got = rx_head != rx_tail;
	spin_unlock_irqrestore(&rx_lock, flags);
	if (got)
		waitq_wake_all(&serial_rx_wq);
}

/* Move rx_tail up to @new_tail (bytes consumed), unthrottling once the
 * ring has room again; rx_lock held. */
static void rx_advance_locked(unsigned int new_tail)
{
	rx_tail = new_tail;
	if (rx_throttled && rx_head - rx_tail <= RX_RING_SIZE / 2) {
		rx_throttled = false;
		arch_outb(COM1 + UART_IER, IER_RX_AVAILABLE);
	}
}

int serial_getc(void)
{
	unsigned long flags;
	bool irqs_on;
	int c = -1;

	if (!present)
		return -1;
	irqs_on = arch_irqs_enabled();
	flags = spin_lock_irqsave(&rx_lock);
	if (rx_tail == rx_head && (!rx_irq || !irqs_on))
		rx_poll_into_ring_locked(); /* the handler cannot run for this caller */
	if (rx_tail != rx_head) {
		c = rx_ring[rx_tail % RX_RING_SIZE];
		rx_advance_locked(rx_tail + 1);
	}
	spin_unlock_irqrestore(&rx_lock, flags);
	return c;
}

bool serial_rx_take_byte(uint8_t byte)
{
	unsigned long flags;
	bool found = false;

	if (!present)
		return false;
	flags = spin_lock_irqsave(&rx_lock);
	if (!rx_irq || !arch_irqs_enabled())
		rx_poll_into_ring_locked();
	for (unsigned int i = rx_tail; i != rx_head; i++) {
		if (rx_ring[i % RX_RING_SIZE] == byte) {
			rx_advance_locked(i + 1); /* what was typed before it goes too */
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&rx_lock, flags);
	return found;
}

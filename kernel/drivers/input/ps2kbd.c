/*
 * i8042 PS/2 keyboard. Init disables both ports, flushes the output
 * buffer, runs the controller self-test, enables port 1 with its
 * interrupt and scan code translation (so set 1 arrives whatever the
 * keyboard speaks), and routes ISA IRQ 1 (irq_request_isa honours the
 * MADT's interrupt source overrides). The interrupt handler reads the
 * scan code and appends what it types to kbd_ring.
 * Locking: kbd_lock (IRQ-safe leaf) guards kbd_ring, its indexes and the
 * keymap state. References: IBM PS/2 Hardware Interface Technical
 * Reference (8042 commands), OSDev "8042 PS/2 Controller".
 */
#include "drivers/input/ps2kbd.h"
#include "arch/arch.h"
#include "core/log.h"
#include "drivers/serial.h"
#include "irq/irq.h"
#include "lib/ps2keymap.h"
#include "sched/waitqueue.h"
#include "sync/spinlock.h"

#define LOG_PREFIX "ps2kbd: "

enum {
	I8042_DATA = 0x60,
	I8042_STATUS = 0x64, // read
	I8042_CMD = 0x64,    // write
	STATUS_OUT_FULL = 0x01,
	STATUS_IN_FULL = 0x02,
	CMD_READ_CONFIG = 0x20,
	CMD_WRITE_CONFIG = 0x60,
	CMD_DISABLE_PORT2 = 0xa7,
	CMD_SELF_TEST = 0xaa,
	CMD_DISABLE_PORT1 = 0xad,
	CMD_ENABLE_PORT1 = 0xae,
	SELF_TEST_OK = 0x55,
	CONFIG_IRQ1 = 0x01,
	CONFIG_IRQ12 = 0x02,
	CONFIG_PORT1_CLOCK_OFF = 0x10,
	CONFIG_TRANSLATE = 0x40,
	KBD_ISA_IRQ = 1,
	POLL_TRIES = 100000,
};

#define KBD_RING 256

static struct spinlock kbd_lock = SPINLOCK_INIT("ps2kbd", LOCK_RANK_LEAF);
static uint8_t kbd_ring[KBD_RING] GUARDED_BY(&kbd_lock);
static unsigned int kbd_head, kbd_tail; // Protected by kbd_lock (head read atomically)
static struct ps2_keymap keymap GUARDED_BY(&kbd_lock);

static bool wait_status(uint8_t bit, bool set)
{
	for (int i = 0; i < POLL_TRIES; i++) {
		if (((arch_inb(I8042_STATUS) & bit) != 0) == set)
			return true;
		arch_cpu_relax();
	}
	return false;
}

static bool send_cmd(uint8_t cmd)
{
	if (!wait_status(STATUS_IN_FULL, false))
		return false;
	arch_outb(I8042_CMD, cmd);
	return true;
}

static int read_data(void)
{
	return wait_status(STATUS_OUT_FULL, true) ? arch_inb(I8042_DATA) : -1;
}

static void kbd_interrupt(struct irq_ctx *ctx, void *data)
{
	char out[PS2_KEY_MAX];
	size_t n;

	(void)ctx;
	(void)data;
	if (!(arch_inb(I8042_STATUS) & STATUS_OUT_FULL))
		return;
	spin_lock(&kbd_lock);
	n = ps2_keymap_feed(&keymap, arch_inb(I8042_DATA), out);
	for (size_t i = 0; i < n && kbd_head - kbd_tail < KBD_RING; i++) // full: dropped
		kbd_ring[kbd_head++ % KBD_RING] = (uint8_t)out[i];
	spin_unlock(&kbd_lock);
	if (n)
		waitq_wake_all(serial_rx_waitqueue()); // the tty's input queue
}

void ps2kbd_set_app_cursor(bool on)
{
	unsigned long flags = spin_lock_irqsave(&kbd_lock);

	keymap.app_cursor = on;
	spin_unlock_irqrestore(&kbd_lock, flags);
}

int ps2kbd_getc(void)
{
	unsigned long flags;
	int c = -1;

	if (READ_ONCE(kbd_head) == READ_ONCE(kbd_tail))
		return -1;
	flags = spin_lock_irqsave(&kbd_lock);
	if (kbd_head != kbd_tail)
		c = kbd_ring[kbd_tail++ % KBD_RING];
	spin_unlock_irqrestore(&kbd_lock, flags);
	return c;
}

bool ps2kbd_pending(void)
{
	return READ_ONCE(kbd_head) != READ_ONCE(kbd_tail);
}

/* Program the controller; false if it does not answer. */
static bool controller_setup(void)
{
	int config, r = -1;

	if (arch_inb(I8042_STATUS) == 0xff)
		return false; // floating bus: no controller
	if (!send_cmd(CMD_DISABLE_PORT1) || !send_cmd(CMD_DISABLE_PORT2))
		return false;
	for (int i = 0; i < 16 && (arch_inb(I8042_STATUS) & STATUS_OUT_FULL); i++)
		(void)arch_inb(I8042_DATA);
	if (!send_cmd(CMD_READ_CONFIG) || (config = read_data()) < 0)
		return false;
	if (!send_cmd(CMD_SELF_TEST) || (r = read_data()) != SELF_TEST_OK) {
		log_warn("controller self-test answered %#x\n", r);
		return false;
	}
	/* The self-test may reset the configuration: write it afterwards. */
	config &= ~(CONFIG_IRQ12 | CONFIG_PORT1_CLOCK_OFF);
	config |= CONFIG_IRQ1 | CONFIG_TRANSLATE;
	if (!send_cmd(CMD_WRITE_CONFIG) || !wait_status(STATUS_IN_FULL, false))
		return false;
	arch_outb(I8042_DATA, (uint8_t)config);
	return send_cmd(CMD_ENABLE_PORT1);
}

void ps2kbd_init(void)
{
	int vector;

	if (!controller_setup()) {
		log_info("no i8042 controller: no keyboard\n");
		return;
	}
	vector = irq_request_isa(KBD_ISA_IRQ, kbd_interrupt, NULL, "ps2kbd");
	if (vector < 0) {
		log_warn("no interrupt (%d): no keyboard\n", vector);
		return;
	}
	log_info("keyboard on IRQ %d, vector %#x\n", KBD_ISA_IRQ, vector);
}

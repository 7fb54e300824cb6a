/*
 * The shell's console input, in one place: raw bytes from the console tty
 * (tty_shell_getc: serial and keyboard, no line discipline; the shell's
 * line editor does its own editing), sleeping on the tty's input queue.
 * A command polling for ^C takes only the ^C (and what was typed before
 * it) from the serial input: other keystrokes stay there, for the next
 * prompt or for whoever reads the console meanwhile (cat /dev/console).
 * Owner: the shell task (no locks).
 */
#include "arch/arch.h"
#include "drivers/serial.h"
#include "drivers/tty/tty.h"
#include "sched/waitqueue.h"
#include "shell/shell_internal.h"

#define KEY_CTRL_C 0x03

static bool interrupted; /* Shell task only */

#define INPUT_RECHECK_NS (100 * NSEC_PER_MSEC)

/* One byte from the console if one is waiting, else -1. */
static int input_try(void)
{
	return tty_shell_getc();
}

/*
 * Wait until input may have arrived: sleep on the serial receive wait
 * queue (other tasks run meanwhile). Without the receive interrupt (before
 * interrupts are set up, or if routing failed), poll politely.
 */
static void wait_for_input(void)
{
	if (!serial_has_irq()) {
		arch_cpu_relax();
		return;
	}
	/* The receive interrupt wakes us; a lost one (an edge-triggered ISA
	 * line) must not leave typed input in the UART: look every 100 ms. */
	if (!wait_event_timeout(tty_input_waitqueue(), tty_input_pending(), INPUT_RECHECK_NS))
		serial_rx_poll();
}

int shell_getc(void)
{
	int c;

	while ((c = input_try()) < 0)
		wait_for_input();
	return c;
}

bool shell_interrupted(void)
{
	/* Only the shell's own command is interrupted: a background job
	 * polling here would take the prompt's ^C. */
	if (!shell_is_shell_task())
		return false;
	if (!interrupted && serial_rx_take_byte(KEY_CTRL_C))
		interrupted = true;
	return interrupted;
}

void shell_input_clear_interrupt(void)
{
	interrupted = false;
}

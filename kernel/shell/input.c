/*
 * The shell's console input, in one place. Today it polls the UART
 * (serial_getc() returns -1 when nothing is waiting) and spins with
 * arch_cpu_relax(); when the serial driver gains its receive interrupt and
 * buffer, only input_try() and the wait in shell_getc() change (to a read
 * of that buffer and a sleep on its wait queue).
 * Bytes read while a command polls for ^C are kept in a small type-ahead
 * ring for the next prompt. Owner: the shell task (no locks).
 */
#include "arch/arch.h"
#include "drivers/serial.h"
#include "sched/waitqueue.h"
#include "shell/shell_internal.h"

#define TYPEAHEAD_SIZE 64 /* power of two */
#define KEY_CTRL_C 0x03

/* Shell task only: */
static unsigned char typeahead[TYPEAHEAD_SIZE];
static unsigned int ahead_head, ahead_tail; /* free-running counters */
static bool interrupted;

/* One byte from the console if one is waiting, else -1. */
static int input_try(void)
{
	return serial_getc();
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
	wait_event(serial_rx_waitqueue(), serial_rx_pending());
}

int shell_getc(void)
{
	int c;

	if (ahead_tail != ahead_head)
		return typeahead[ahead_tail++ % TYPEAHEAD_SIZE];
	while ((c = input_try()) < 0)
		wait_for_input();
	return c;
}

bool shell_interrupted(void)
{
	int c;

	/* Only the shell reads the console: a background job polling here
	 * would steal the prompt's keystrokes. */
	if (!shell_is_shell_task())
		return false;
	while (!interrupted && (c = input_try()) >= 0) {
		if (c == KEY_CTRL_C) {
			interrupted = true;
			ahead_tail = ahead_head; /* like a tty: ^C flushes type-ahead */
		} else if (ahead_head - ahead_tail < TYPEAHEAD_SIZE) {
			typeahead[ahead_head++ % TYPEAHEAD_SIZE] = (unsigned char)c;
		}
	}
	return interrupted;
}

void shell_input_clear_interrupt(void)
{
	interrupted = false;
}

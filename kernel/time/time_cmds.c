/*
 * Time and power shell commands: uptime, shutdown, reboot.
 */
#include "arch/arch.h"
#include "core/console.h"
#include "shell/shell.h"
#include "time/ktime.h"

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ns = ktime_ns();

	(void)argv;
	if (argc != 1)
		return shell_usage(shell_find("uptime"));
	kprintf("up %lu.%03lu s\n", (unsigned long)(ns / NSEC_PER_SEC),
		(unsigned long)(ns / NSEC_PER_MSEC % 1000));
	return 0;
}

SHELL_COMMAND(uptime, .name = "uptime", .group = "time",
	      .summary = "time since boot", .usage = "uptime", .fn = cmd_uptime);

static int cmd_shutdown(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("shutting down\n");
	arch_poweroff();
}

SHELL_COMMAND(shutdown, .name = "shutdown", .group = "power",
	      .summary = "power the machine off", .usage = "shutdown",
	      .fn = cmd_shutdown);

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("rebooting\n");
	arch_reboot();
}

SHELL_COMMAND(reboot, .name = "reboot", .group = "power",
	      .summary = "reset the machine", .usage = "reboot", .fn = cmd_reboot);

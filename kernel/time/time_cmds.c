/*
 * Time and power shell commands: uptime, date, shutdown, reboot.
 */
#include "arch/arch.h"
#include "core/console.h"
#include "drivers/block/bcache.h"
#include "fs/mount.h"
#include "fs/vfs.h"
#include "lib/string.h"
#include "shell/shell.h"
#include "time/ktime.h"
#include "time/rtc.h"
#include "time/tick.h"

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ns = ktime_ns();

	(void)argv;
	if (argc != 1)
		return shell_usage(shell_find("uptime"));
	kprintf("up %lu.%03lu s, %lu ticks at %u Hz, clock %s\n",
		(unsigned long)(ns / NSEC_PER_SEC), (unsigned long)(ns / NSEC_PER_MSEC % 1000),
		(unsigned long)tick_jiffies(), tick_hz(), ktime_source_name());
	return 0;
}

SHELL_COMMAND(uptime, .name = "uptime", .group = "time", .summary = "time since boot",
	      .usage = "uptime", .fn = cmd_uptime);

static void print_date(const struct cal_date *d)
{
	kprintf("%04d-%02d-%02d %02d:%02d:%02d UTC\n", d->year, d->month, d->day, d->hour, d->min,
		d->sec);
}

/* `date`: boot RTC time advanced by ktime; `date rtc`: read the RTC now. */
static int cmd_date(int argc, char **argv)
{
	struct cal_date d;
	int64_t now;
	int err;

	if (argc == 2 && strcmp(argv[1], "rtc") == 0) {
		err = rtc_read(&d);
		if (err) {
			kprintf("date: cannot read the RTC (%d)\n", err);
			return 1;
		}
		print_date(&d);
		return 0;
	}
	if (argc != 1)
		return shell_usage(shell_find("date"));
	now = rtc_unix_now();
	if (now < 0) {
		kprintf("date: the wall-clock time is unknown (no RTC at boot)\n");
		return 1;
	}
	cal_from_unix(now, &d);
	print_date(&d);
	return 0;
}

static const char *const date_subcmds[] = { "rtc", NULL };

SHELL_COMMAND(date, .name = "date", .group = "time", .summary = "print the date and time (UTC)",
	      .usage = "date [rtc]", .fn = cmd_date, .subcmds = date_subcmds);

static int cmd_shutdown(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	vfs_shutdown(); // nothing written to a disk is lost
	kprintf("shutting down\n");
	arch_poweroff();
}

SHELL_COMMAND(shutdown, .name = "shutdown", .group = "power", .summary = "power the machine off",
	      .usage = "shutdown", .fn = cmd_shutdown);

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	vfs_shutdown(); // nothing written to a disk is lost
	kprintf("rebooting\n");
	arch_reboot();
}

SHELL_COMMAND(reboot, .name = "reboot", .group = "power", .summary = "reset the machine",
	      .usage = "reboot", .fn = cmd_reboot);

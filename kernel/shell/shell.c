/*
 * Shell core: reads a line from the serial console with basic editing,
 * splits it into ';'-separated commands and whitespace-separated words
 * (with '...' and "..." quoting), and runs each through the command table.
 * Runs on the boot CPU's task; owns no locks.
 */
#include "shell/shell.h"

#include "core/console.h"
#include "drivers/serial.h"
#include "arch/arch.h"
#include "lib/string.h"
#include "time/ktime.h"

#define LINE_MAX 256
#define ARGV_MAX 32
#define PROMPT "corvid> "

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

static bool in_boot_commands;
static bool last_boot_command;
static int last_status;
static uint64_t first_prompt_ns;

uint64_t shell_first_prompt_ns(void)
{
	return first_prompt_ns;
}

const struct shell_cmd *shell_cmds_begin(void)
{
	return __shell_cmds_start;
}

const struct shell_cmd *shell_cmds_end(void)
{
	return __shell_cmds_end;
}

bool shell_in_boot_commands(void)
{
	return in_boot_commands;
}

bool shell_is_last_boot_command(void)
{
	return last_boot_command;
}

const struct shell_cmd *shell_find(const char *name)
{
	for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int shell_usage(const struct shell_cmd *cmd)
{
	kprintf("usage: %s\n", cmd->usage);
	return 2;
}

/*
 * Split @buf in place into words. Returns the word count, or -1 for an
 * unterminated quote.
 */
static int split_words(char *buf, char **argv, int max)
{
	int argc = 0;
	char *r = buf, *w = buf;

	while (*r) {
		char quote = 0;

		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = w;
		while (*r && (quote || (*r != ' ' && *r != '\t'))) {
			if (quote && *r == quote)
				quote = 0;
			else if (!quote && (*r == '\'' || *r == '"'))
				quote = *r;
			else
				*w++ = *r;
			r++;
		}
		if (quote)
			return -1;
		if (*r)
			r++;
		*w++ = '\0';
	}
	return argc;
}

static int run_command(char *text)
{
	char *argv[ARGV_MAX + 1];
	const struct shell_cmd *cmd;
	int argc = split_words(text, argv, ARGV_MAX);

	if (argc < 0) {
		kprintf("shell: unterminated quote or too many words\n");
		return 2;
	}
	if (argc == 0)
		return last_status;
	argv[argc] = NULL;
	cmd = shell_find(argv[0]);
	if (!cmd) {
		kprintf("shell: %s: command not found (try 'help')\n", argv[0]);
		return 127;
	}
	return cmd->fn(argc, argv);
}

int shell_run_line(const char *line)
{
	char buf[LINE_MAX];
	char *start = buf;

	if (strlcpy(buf, line, sizeof(buf)) >= sizeof(buf)) {
		kprintf("shell: line too long (max %d characters)\n", LINE_MAX - 1);
		return last_status = 2;
	}
	for (char *p = buf;; p++) {
		if (*p == ';' || *p == '\0') {
			bool end = *p == '\0';

			*p = '\0';
			if (in_boot_commands)
				last_boot_command = end;
			last_status = run_command(start);
			if (end)
				break;
			start = p + 1;
		}
	}
	return last_status;
}

/* Read one line with echo and Backspace. Returns its length. */
static size_t read_line(char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		int c = serial_getc();

		if (c < 0) {
			arch_cpu_relax();
			continue;
		}
		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			buf[len] = '\0';
			return len;
		}
		if ((c == 0x7f || c == '\b') && len > 0) {
			len--;
			console_write("\b \b", 3);
		} else if (c >= 0x20 && c < 0x7f && len + 1 < size) {
			buf[len++] = (char)c;
			console_write((char *)&c, 1);
		}
	}
}

void shell_main(const char *cmdline)
{
	char line[LINE_MAX];

	/* The kernel is ready for commands: the end of boot for the metrics. */
	first_prompt_ns = ktime_ns();
	if (cmdline && *cmdline) {
		in_boot_commands = true;
		shell_run_line(cmdline);
		in_boot_commands = false;
	}
	for (;;) {
		kprintf(PROMPT);
		read_line(line, sizeof(line));
		shell_run_line(line);
	}
}

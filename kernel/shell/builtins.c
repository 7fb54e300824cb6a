/*
 * The shell's own commands: help, echo, clear, history and color. Other
 * subsystems register theirs beside their code. Shell task only.
 */
#include "core/console.h"
#include "lib/string.h"
#include "shell/shell_internal.h"

#define NAME_COLUMN 12 /* width of the command-name column in `help` */

/* ---- help -------------------------------------------------------------- */

static const char *group_of(const struct shell_cmd *c)
{
	return c->group ? c->group : "other";
}

/* The first group name after @after in sort order (NULL: the first of all);
 * NULL when there is none. */
static const char *next_group(const char *after)
{
	const char *best = NULL;

	for (const struct shell_cmd *c = shell_cmds_begin(); c < shell_cmds_end(); c++) {
		const char *g = group_of(c);

		if (after && strcmp(g, after) <= 0)
			continue;
		if (!best || strcmp(g, best) < 0)
			best = g;
	}
	return best;
}

/* The command of @group whose name comes next after @after's. */
static const struct shell_cmd *next_in_group(const char *group, const struct shell_cmd *after)
{
	const struct shell_cmd *best = NULL;

	for (const struct shell_cmd *c = shell_cmds_begin(); c < shell_cmds_end(); c++) {
		if (strcmp(group_of(c), group) != 0)
			continue;
		if (after && strcmp(c->name, after->name) <= 0)
			continue;
		if (!best || strcmp(c->name, best->name) < 0)
			best = c;
	}
	return best;
}

static void help_list(void)
{
	const char *heading = shell_color(SHELL_COLOR_HEADING);
	const char *name = shell_color(SHELL_COLOR_NAME);
	const char *reset = shell_color(SHELL_COLOR_RESET);

	kprintf("Commands by subsystem ('help COMMAND' shows its usage):\n");
	for (const char *g = next_group(NULL); g; g = next_group(g)) {
		kprintf("%s%s%s\n", heading, g, reset);
		for (const struct shell_cmd *c = next_in_group(g, NULL); c; c = next_in_group(g, c))
			kprintf("  %s%-*s%s %s\n", name, NAME_COLUMN, c->name, reset,
				c->summary ? c->summary : "");
	}
}

static void help_one(const struct shell_cmd *c)
{
	kprintf("%s%s%s - %s\n", shell_color(SHELL_COLOR_NAME), c->name,
		shell_color(SHELL_COLOR_RESET), c->summary ? c->summary : "");
	kprintf("usage: %s\n", c->usage ? c->usage : c->name);
	if (c->subcmds && c->subcmds[0]) {
		kprintf("sub-commands:");
		for (const char *const *s = c->subcmds; *s; s++)
			kprintf(" %s", *s);
		kprintf("\n");
	}
	kprintf("group: %s\n", group_of(c));
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *c;

	if (argc > 2)
		return shell_usage(shell_find("help"));
	if (argc == 1) {
		help_list();
		return 0;
	}
	c = shell_find(argv[1]);
	if (!c) {
		kprintf("help: no command '%s' (try 'help')\n", argv[1]);
		return 1;
	}
	help_one(c);
	return 0;
}

SHELL_COMMAND(help, .name = "help", .group = "shell",
	      .summary = "list commands, or show one command's usage", .usage = "help [COMMAND]",
	      .fn = cmd_help);

/* ---- echo, clear ------------------------------------------------------- */

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		kprintf("%s%s", argv[i], i + 1 < argc ? " " : "");
	kprintf("\n");
	return 0;
}

SHELL_COMMAND(echo, .name = "echo", .group = "shell",
	      .summary = "print the arguments ($? is the last status)", .usage = "echo [WORD...]",
	      .fn = cmd_echo);

static int cmd_clear(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(shell_find("clear"));
	kprintf("\x1b[H\x1b[2J"); /* CUP home, ED whole screen */
	return 0;
}

SHELL_COMMAND(clear, .name = "clear", .group = "shell", .summary = "clear the terminal",
	      .usage = "clear", .fn = cmd_clear);

/* ---- history ----------------------------------------------------------- */

static const char *const history_subcmds[] = { "clear", NULL };

static int cmd_history(int argc, char **argv)
{
	struct history *h = shell_history();

	if (argc == 2 && strcmp(argv[1], "clear") == 0) {
		history_init(h);
		return 0;
	}
	if (argc != 1)
		return shell_usage(shell_find("history"));
	for (unsigned int age = history_count(h); age-- > 0;)
		kprintf("%5lu  %s\n", history_number(h, age), history_get(h, age));
	return 0;
}

SHELL_COMMAND(history, .name = "history", .group = "shell",
	      .summary = "list the lines typed (Up/Down recall them)", .usage = "history [clear]",
	      .fn = cmd_history, .subcmds = history_subcmds);

/* ---- color ------------------------------------------------------------- */

/* Indexed by enum shell_color_mode. */
static const char *const color_subcmds[] = { "auto", "on", "off", NULL };

static int cmd_color(int argc, char **argv)
{
	enum shell_color_mode mode = shell_get_color_mode();

	if (argc == 1) {
		kprintf("color %s (terminal %s): colours are %s\n", color_subcmds[mode],
			shell_terminal_seen() ? "answered" : "not detected",
			shell_colors_on() ? "on" : "off");
		return 0;
	}
	if (argc != 2)
		return shell_usage(shell_find("color"));
	for (mode = SHELL_COLOR_AUTO; mode <= SHELL_COLOR_OFF; mode++) {
		if (strcmp(argv[1], color_subcmds[mode]) == 0) {
			shell_set_color_mode(mode);
			return 0;
		}
	}
	return shell_usage(shell_find("color"));
}

SHELL_COMMAND(color, .name = "color", .group = "shell",
	      .summary = "colours in output: on, off, or auto (when a terminal answers)",
	      .usage = "color [on|off|auto]", .fn = cmd_color, .subcmds = color_subcmds);

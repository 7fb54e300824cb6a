/*
 * Shell core: the command table, running a line (tokenize.c splits it,
 * each command is looked up and called, with its output sent to a file
 * for '>' and '>>'), the boot command line, colours,
 * and the interactive loop that drives the line editor (lineedit.c) with
 * history (history.c) and Tab completion (complete.c).
 * Runs on the boot CPU's task; all state here is owned by that task (no
 * locks). Colour state is read by other tasks' output only as a hint.
 */
#include "shell/shell.h"

#include "arch/arch.h"
#include "core/console.h"
#include "fs/fs_complete.h"
#include "fs/fs_redirect.h"
#include "lib/strerror.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "shell/complete.h"
#include "shell/job.h"
#include "shell/lineedit.h"
#include "shell/shell_internal.h"
#include "shell/tokenize.h"
#include "time/ktime.h"

#define PROMPT_TEXT "corvid> "
#define LIST_COLUMN 16 /* width of one name in a completion list */
#define LIST_WIDTH 80  /* terminal width assumed for the list */
#define LIST_MAX 128   /* candidates listed at most */
#define LIST_POOL 8192 /* bytes of candidate names kept for the list */

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

/* Shell task only: */
static bool in_boot_commands;
static bool last_boot_command;
static unsigned int run_depth; /* shell_run_line() nesting (tests call it) */
static int last_status;
static uint64_t first_prompt_ns;
static struct task *shell_task; /* Written once by shell_main() */
static struct history history;
static struct lineedit editor;
static enum shell_color_mode color_mode = SHELL_COLOR_AUTO;

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

struct history *shell_history(void)
{
	return &history;
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
	if (cmd)
		kprintf_err("usage: %s\n", cmd->usage);
	return SHELL_STATUS_USAGE;
}

/* ---- colours ----------------------------------------------------------- */

void shell_set_color_mode(enum shell_color_mode mode)
{
	color_mode = mode;
}

enum shell_color_mode shell_get_color_mode(void)
{
	return color_mode;
}

bool shell_terminal_seen(void)
{
	return lineedit_terminal_seen(&editor);
}

bool shell_colors_on(void)
{
	if (in_boot_commands || color_mode == SHELL_COLOR_OFF)
		return false;
	return color_mode == SHELL_COLOR_ON || shell_terminal_seen();
}

const char *shell_color(enum shell_color c)
{
	/* SGR parameters, ECMA-48 §8.3.117. */
	static const char *const sgr[] = {
		[SHELL_COLOR_RESET] = "\x1b[0m",      [SHELL_COLOR_PROMPT] = "\x1b[1;32m",
		[SHELL_COLOR_HEADING] = "\x1b[1;36m", [SHELL_COLOR_NAME] = "\x1b[1m",
		[SHELL_COLOR_ERROR] = "\x1b[1;31m",   [SHELL_COLOR_WARN] = "\x1b[33m",
		[SHELL_COLOR_DIM] = "\x1b[2m",
	};

	if (!shell_colors_on() || (unsigned int)c >= ARRAY_SIZE(sgr))
		return "";
	return sgr[c];
}

/* ---- running commands -------------------------------------------------- */

static int exec_command(struct tok_cmd *tc)
{
	const struct shell_cmd *cmd = shell_find(tc->argv[0]);

	if (!cmd) {
		kprintf("%sshell: %s: command not found%s (try 'help')\n",
			shell_color(SHELL_COLOR_ERROR), tc->argv[0],
			shell_color(SHELL_COLOR_RESET));
		return SHELL_STATUS_NOT_FOUND;
	}
	if (tc->background)
		return shell_job_start(cmd, tc->argc, tc->argv, NULL, NULL);
	shell_input_clear_interrupt();
	return cmd->fn(tc->argc, tc->argv);
}

int shell_redirect_error(const char *path, int err)
{
	kprintf_err("%ssh: %s: %s%s\n", shell_color(SHELL_COLOR_ERROR), path, kstrerror(err),
		    shell_color(SHELL_COLOR_RESET));
	return 1;
}

/* Run @tc with its output in the file it names ('>' or '>>'). The file is
 * opened first; when that fails the command does not run. A background
 * job gets the open file and redirects its own task. */
static int exec_redirected(struct tok_cmd *tc)
{
	const struct shell_cmd *cmd = shell_find(tc->argv[0]);
	struct fs_redirect *r;
	int status, err, ferr;

	if (!cmd)
		return exec_command(tc); // "command not found" stays on the console
	err = fs_redirect_open(tc->redirect, tc->append, &r);
	if (err)
		return shell_redirect_error(tc->redirect, err);
	if (tc->background)
		return shell_job_start(cmd, tc->argc, tc->argv, r, tc->redirect);
	err = fs_redirect_start(r);
	status = err ? 1 : exec_command(tc);
	ferr = fs_redirect_finish(r);
	if (err || ferr)
		return shell_redirect_error(tc->redirect, err ? err : ferr);
	return status;
}

/* tok_run()'s callback: one command of the line being run. */
static int run_one(void *ctx, struct tok_cmd *tc, const char *rest)
{
	if (in_boot_commands && run_depth == 1)
		last_boot_command = tok_at_end(rest);
	return tc->redirect ? exec_redirected(tc) : exec_command(tc);
}

int shell_run_line(const char *line)
{
	struct tok_cmd tc; /* about 800 bytes: fine on the shell's stack */
	int ret;

	/* A syntax error anywhere refuses the whole line before it runs. */
	run_depth++;
	ret = tok_run(line, &last_status, &tc, run_one, NULL);
	run_depth--;
	if (ret < 0) {
		kprintf("%sshell: %s%s\n", shell_color(SHELL_COLOR_ERROR), tok_strerror(ret),
			shell_color(SHELL_COLOR_RESET));
		last_status = SHELL_STATUS_USAGE;
	}
	return last_status;
}

/* ---- the line editor's callbacks --------------------------------------- */

static void editor_write(void *ctx, const char *s, size_t n)
{
	console_write(s, n);
}

static const char *source_command(void *ctx, size_t i)
{
	const struct shell_cmd *c = __shell_cmds_start + i;

	return c < __shell_cmds_end ? c->name : NULL;
}

static const char *const *source_subcmds(void *ctx, const char *name, size_t n)
{
	for (const struct shell_cmd *c = __shell_cmds_start; c < __shell_cmds_end; c++)
		if (strlen(c->name) == n && strncmp(c->name, name, n) == 0)
			return c->subcmds;
	return NULL;
}

static void source_paths(void *ctx, const char *dir, size_t n,
			 void (*fn)(void *arg, const char *name, bool is_dir), void *arg)
{
	fs_complete_list_dir(dir, n, fn, arg);
}

static const struct complete_source cmd_source = {
	.command = source_command,
	.subcmds = source_subcmds,
	.paths = source_paths,
};

static size_t editor_complete(void *ctx, const char *line, size_t pos, char *ins, size_t cap)
{
	struct complete_result res;
	size_t n = complete_word(&cmd_source, line, pos, &res);

	strlcpy(ins, res.insert, cap);
	return n;
}

/* Candidates collected for an ambiguous Tab, to print them sorted. Path
 * candidates live only for the callback, so the names are copied. */
struct cand_list {
	const char *names[LIST_MAX];
	size_t count;
	size_t used; /* bytes of pool in use */
	char pool[LIST_POOL];
};

static void collect_candidate(void *ctx, const char *cand)
{
	struct cand_list *l = ctx;
	size_t i, len = strlen(cand) + 1;
	char *copy = l->pool + l->used;

	if (l->count == LIST_MAX || len > LIST_POOL - l->used)
		return;
	memcpy(copy, cand, len);
	l->used += len;
	for (i = l->count++; i > 0 && strcmp(l->names[i - 1], copy) > 0; i--)
		l->names[i] = l->names[i - 1]; /* insertion sort */
	l->names[i] = copy;
}

/* The candidates in columns, alphabetically. */
static void editor_list(void *ctx, const char *line, size_t pos)
{
	struct cand_list *list = kzalloc(sizeof(*list)); /* 9 KiB: not on the stack */
	unsigned int col = 0;

	if (!list)
		return;
	complete_list(&cmd_source, line, pos, collect_candidate, list);
	for (size_t i = 0; i < list->count; i++) {
		if (col + LIST_COLUMN > LIST_WIDTH) {
			kprintf("\n");
			col = 0;
		}
		kprintf("%-*s", LIST_COLUMN, list->names[i]);
		col += LIST_COLUMN;
	}
	kprintf("\n");
	kfree(list);
}

static const struct lineedit_ops editor_ops = {
	.write = editor_write,
	.complete = editor_complete,
	.list = editor_list,
};

/* ---- the interactive loop ---------------------------------------------- */

static const char *prompt(void)
{
	static char buf[48];

	if (!shell_colors_on())
		return PROMPT_TEXT;
	strlcpy(buf, shell_color(SHELL_COLOR_PROMPT), sizeof(buf));
	strlcat(buf, PROMPT_TEXT, sizeof(buf));
	strlcat(buf, shell_color(SHELL_COLOR_RESET), sizeof(buf));
	return buf;
}

/* Read one line at the prompt and run it. */
static void read_and_run(void)
{
	static bool probed_terminal;
	enum lineedit_result r;

	lineedit_begin(&editor, prompt());
	if (!probed_terminal) {
		probed_terminal = true;
		/* DSR (VT100): a terminal answers with a cursor position report,
		 * which turns `color auto` on; a script or a log stays plain. */
		console_write("\x1b[6n", 4);
	}
	do
		r = lineedit_feed(&editor, (unsigned char)shell_getc());
	while (r == LINEEDIT_MORE);

	if (r == LINEEDIT_DONE) {
		(void)history_add(&history, lineedit_line(&editor));
		shell_run_line(lineedit_line(&editor));
	} else if (r == LINEEDIT_CANCEL) {
		last_status = SHELL_STATUS_INTERRUPTED;
	} else {
		kprintf("%sshell: line too long (%zu characters, at most %d); nothing was run%s\n",
			shell_color(SHELL_COLOR_ERROR), lineedit_typed_len(&editor),
			LINEEDIT_MAX - 1, shell_color(SHELL_COLOR_RESET));
		last_status = SHELL_STATUS_USAGE;
	}
}

bool shell_is_shell_task(void)
{
	return current_task() == READ_ONCE(shell_task);
}

bool shell_in_foreground(void)
{
	return shell_is_shell_task();
}

void shell_main(const char *cmdline)
{
	/* The kernel is ready for commands: the end of boot for the metrics. */
	first_prompt_ns = ktime_ns();
	shell_task = current_task();
	shell_set_job_starter(shell_job_start_task);
	history_init(&history);
	lineedit_init(&editor, &editor_ops, NULL, &history);
	if (cmdline && *cmdline) {
		in_boot_commands = true;
		shell_run_line(cmdline);
		in_boot_commands = false;
		last_boot_command = false;
	}
	for (;;)
		read_and_run();
}

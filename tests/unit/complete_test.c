/*
 * Tests for kernel/shell/complete.c with a fixed command list: unique and
 * ambiguous command names, sub-commands as the second word, paths for
 * other arguments (from a fake directory tree), and ';' starting a new
 * command.
 */
#include <string.h>

#include "shell/complete.h"
#include "unit.h"

static const char *const commands[] = { "help", "history",  "prime", "panic",
					"log",	"bootinfo", "echo" };
static const char *const log_subs[] = { "err", "warn", "info", "debug", NULL };
static const char *const boot_subs[] = { "mmap", "modules", "fb", NULL };

static const char *get_command(void *ctx, size_t i)
{
	(void)ctx;
	return i < sizeof(commands) / sizeof(commands[0]) ? commands[i] : NULL;
}

static const char *const *get_subcmds(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	if (n == 3 && !strncmp(name, "log", 3))
		return log_subs;
	if (n == 8 && !strncmp(name, "bootinfo", 8))
		return boot_subs;
	return NULL;
}

static const struct complete_source src = { get_command, get_subcmds, NULL, NULL };

/* A fake tree: the working directory holds these; "docs/" holds two
 * more; any other directory is empty. */
static void get_paths(void *ctx, const char *dir, size_t n,
		      void (*fn)(void *arg, const char *name, bool is_dir), void *arg)
{
	static const struct {
		const char *name;
		bool dir;
	} cwd[] = { { ".", true },	    { "..", true },	   { ".hidden", false },
		    { "docs", true },	    { "data.txt", false }, { "readme", false },
		    { "dirlongname", true } },
	  docs[] = { { "guide.md", false }, { "gui", true } };

	(void)ctx;
	if (n == 0)
		for (size_t i = 0; i < sizeof(cwd) / sizeof(cwd[0]); i++)
			fn(arg, cwd[i].name, cwd[i].dir);
	if (n == 5 && !strncmp(dir, "docs/", 5))
		for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
			fn(arg, docs[i].name, docs[i].dir);
}

static const struct complete_source psrc = { get_command, get_subcmds, get_paths, NULL };

static void check_path(const char *line, size_t want_n, const char *want_ins)
{
	struct complete_result res;
	size_t n = complete_word(&psrc, line, strlen(line), &res);

	CHECKF(n == want_n, "<%s>: %zu matches, want %zu", line, n, want_n);
	CHECKF(strcmp(res.insert, want_ins) == 0, "<%s>: insert <%s>, want <%s>", line, res.insert,
	       want_ins);
}

static void count_cand(void *ctx, const char *cand)
{
	char *seen = ctx;

	strcat(seen, cand);
	strcat(seen, ",");
}

TEST(complete_paths)
{
	char seen[256] = "";

	check_path("cat r", 1, "eadme ");
	check_path("cat do", 1, "cs/"); /* a directory: '/' and no space */
	check_path("cat d", 3, "");	/* docs, data.txt, dirlongname */
	check_path("cat di", 1, "rlongname/");
	check_path("cat docs/g", 2, "ui"); /* guide.md, gui/ */
	check_path("cat docs/guid", 1, "e.md ");
	check_path("cat docs/gui", 2, ""); /* "gui/" or "guide.md" */
	check_path("cat .", 1, "hidden "); /* dot files only when asked; never . and .. */
	check_path("cat ", 4, "");
	check_path("cat x/", 0, "");		  /* an empty directory */
	check_path("cat readme docs/gu", 2, "i"); /* any later argument */
	check_path("echo hi >r", 1, "eadme ");	  /* after '>' */
	check_path("echo hi > r", 1, "eadme ");
	check_path("log d", 1, "ebug "); /* sub-commands win for the second word */
	check_path("log debug r", 1, "eadme ");
	check_path("rea", 0, ""); /* the command word is never a path */
	complete_list(&psrc, "cat docs/g", 10, count_cand, seen);
	CHECK_STR_EQ(seen, "guide.md,gui/,");
	seen[0] = '\0';
	complete_list(&psrc, "cat ", 4, count_cand, seen);
	CHECK_STR_EQ(seen, "docs/,data.txt,readme,dirlongname/,");
}

/* Complete at the end of @line; check the count and the inserted text. */
static void check_end(const char *line, size_t want_n, const char *want_ins)
{
	struct complete_result res;
	size_t n = complete_word(&src, line, strlen(line), &res);

	CHECKF(n == want_n, "<%s>: %zu matches, want %zu", line, n, want_n);
	CHECKF(strcmp(res.insert, want_ins) == 0, "<%s>: insert <%s>, want <%s>", line, res.insert,
	       want_ins);
}

TEST(complete_commands)
{
	check_end("pri", 1, "me ");
	check_end("pa", 1, "nic ");
	check_end("p", 2, ""); /* prime, panic: nothing in common */
	check_end("h", 2, ""); /* help, history */
	check_end("hi", 1, "story ");
	check_end("he", 1, "lp ");
	check_end("prime", 1, " "); /* complete word: just the space */
	check_end("zzz", 0, "");
	check_end("", 7, "");
	check_end("  ec", 1, "ho ");
}

TEST(complete_subcommands)
{
	check_end("log ", 4, "");
	check_end("log d", 1, "ebug ");
	check_end("log  w", 1, "arn ");
	check_end("bootinfo m", 2, "");
	check_end("bootinfo mo", 1, "dules ");
	check_end("echo x", 0, "");	 /* echo has no sub-commands */
	check_end("log debug x", 0, ""); /* third word */
	check_end("nosuch a", 0, "");
}

TEST(complete_after_separator)
{
	check_end("echo a; pri", 1, "me ");
	check_end("echo a;pri", 1, "me ");
	check_end("prime 5 & lo", 1, "g ");
	check_end("echo x; log i", 1, "nfo ");
}

TEST(complete_mid_line)
{
	struct complete_result res;
	const char *line = "pri 100";

	/* Only the text before the cursor counts. */
	CHECK_EQ(complete_word(&src, line, 3, &res), 1);
	CHECK_STR_EQ(res.insert, "me ");
}

static void collect(void *ctx, const char *cand)
{
	strcat(ctx, cand);
	strcat(ctx, ",");
}

TEST(complete_listing)
{
	char out[256] = "";

	complete_list(&src, "h", 1, collect, out);
	CHECK_STR_EQ(out, "help,history,");
	out[0] = '\0';
	complete_list(&src, "bootinfo m", 10, collect, out);
	CHECK_STR_EQ(out, "mmap,modules,");
}

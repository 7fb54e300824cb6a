/*
 * Tests for kernel/shell/tokenize.c: words and blanks, both quote kinds,
 * backslashes, ';' and '&' (also inside quotes, where they are plain
 * characters), '>' and '>>' redirection (and its syntax errors), $?
 * expansion, empty input, unterminated quotes and the size
 * limits, plus a random-input run checking the buffer bounds under ASan.
 */
#include <stdio.h>
#include <string.h>

#include "include/uapi/errno.h"
#include "shell/tokenize.h"
#include "unit.h"

static struct tok_cmd cmd;

/*
 * Parse all of @line with status @status and render the commands as
 * "[w1|w2]" per command ("&" appended for a background one). Returns the
 * last tok_next() result (0 at a clean end).
 */
static int render(const char *line, int status, char *out, size_t cap)
{
	int ret;

	out[0] = '\0';
	while ((ret = tok_next(&line, status, &cmd)) > 0) {
		strncat(out, "[", cap - strlen(out) - 1);
		for (int i = 0; i < cmd.argc; i++) {
			strncat(out, cmd.argv[i], cap - strlen(out) - 1);
			if (i + 1 < cmd.argc)
				strncat(out, "|", cap - strlen(out) - 1);
		}
		if (cmd.redirect) {
			strncat(out, cmd.append ? ">>" : ">", cap - strlen(out) - 1);
			strncat(out, cmd.redirect, cap - strlen(out) - 1);
		}
		strncat(out, cmd.background ? "]&" : "]", cap - strlen(out) - 1);
		CHECK(cmd.argv[cmd.argc] == NULL);
	}
	return ret;
}

static void check_line(const char *line, int status, const char *want)
{
	char got[2048];

	CHECK_EQ(render(line, status, got, sizeof(got)), 0);
	CHECKF(strcmp(got, want) == 0, "line <%s>: got <%s>, want <%s>", line, got, want);
}

TEST(tok_words)
{
	check_line("echo hello world", 0, "[echo|hello|world]");
	check_line("  \t echo   a\tb  ", 0, "[echo|a|b]");
	check_line("x", 0, "[x]");
}

TEST(tok_empty)
{
	check_line("", 0, "");
	check_line("    ", 0, "");
	check_line(" ; ;; & ", 0, "");
	CHECK(tok_at_end(" ; & \t"));
	CHECK(!tok_at_end(" ; x"));
}

TEST(tok_quotes)
{
	check_line("echo 'a b'  \"c d\"", 0, "[echo|a b|c d]");
	check_line("echo 'it''s'", 0, "[echo|its]");
	check_line("echo a'b c'd", 0, "[echo|ab cd]");
	check_line("echo '' \"\" x", 0, "[echo|||x]"); /* empty words survive */
	check_line("echo \"a 'b' c\"", 0, "[echo|a 'b' c]");
	check_line("echo '\"'", 0, "[echo|\"]");
	check_line("echo \"x\\\"y\\\\z\\n\"", 0, "[echo|x\"y\\z\\n]");
	check_line("echo '\\'", 0, "[echo|\\]");
}

TEST(tok_backslash)
{
	check_line("echo a\\ b", 0, "[echo|a b]");
	check_line("echo \\;\\&\\'", 0, "[echo|;&']");
	check_line("echo end\\", 0, "[echo|end\\]"); /* a final one stays */
}

TEST(tok_separators)
{
	check_line("echo a; echo b", 0, "[echo|a][echo|b]");
	check_line("echo a;echo b;", 0, "[echo|a][echo|b]");
	check_line("echo 'a;b' \"c;d\"; x", 0, "[echo|a;b|c;d][x]");
	check_line("prime 5 &", 0, "[prime|5]&");
	check_line("prime 5& echo x", 0, "[prime|5]&[echo|x]");
	check_line("echo 'a & b'", 0, "[echo|a & b]");
}

TEST(tok_redirect)
{
	check_line("echo hi > f", 0, "[echo|hi>f]");
	check_line("echo hi >f", 0, "[echo|hi>f]");
	check_line("echo hi>f", 0, "[echo|hi>f]");
	check_line("echo a >> 'my file'", 0, "[echo|a>>my file]");
	check_line("echo a>>f b", 0, "[echo|a|b>>f]"); /* anywhere among the words */
	check_line("> f echo x", 0, "[echo|x>f]");
	check_line("ls > l; cat l", 0, "[ls>l][cat|l]");
	check_line("prime 5 > p &", 0, "[prime|5>p]&");
	check_line("echo x > f$?", 3, "[echo|x>f3]");
	/* Quoted or escaped, '>' is a plain character. */
	check_line("echo '>' \">>\" \\> a'>'b", 0, "[echo|>|>>|>|a>b]");
	check_line("echo > '>'", 0, "[echo>>]");
	check_line("echo > ''", 0, "[echo>]"); /* an empty name: open() refuses it */
}

TEST(tok_redirect_errors)
{
	static const struct {
		const char *line;
		int err;
	} bad[] = {
		{ "echo >", -EDESTADDRREQ },	  { "echo >> ", -EDESTADDRREQ },
		{ "echo > ; ls", -EDESTADDRREQ }, { "echo > &", -EDESTADDRREQ },
		{ "echo > > f", -EALREADY },	  { "echo >f >g", -EALREADY },
		{ "echo >>>f", -EALREADY },	  { "> f", -ENOMSG },
		{ "ls; >f; ls", -ENOMSG },	  { "echo ok; echo >", -EDESTADDRREQ },
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = bad[i].line;
		int ret;

		CHECKF(tok_check(bad[i].line, &cmd) == bad[i].err, "line <%s>", bad[i].line);
		while ((ret = tok_next(&p, 0, &cmd)) > 0)
			;
		CHECK_EQ(ret, bad[i].err);
		CHECK_EQ(*p, '\0');
		CHECK(strncmp(tok_strerror(bad[i].err), "syntax error", 12) == 0);
	}
}

TEST(tok_status)
{
	check_line("echo $?", 2, "[echo|2]");
	check_line("echo \"s=$?\" '$?' x$?y", 127, "[echo|s=127|$?|x127y]");
	check_line("echo \\$? \"\\$?\"", 1, "[echo|$?|$?]");
	check_line("echo $ $x", 0, "[echo|$|$x]");
	check_line("echo $?", -5, "[echo|-5]");
}

TEST(tok_unterminated)
{
	const char *bad[] = { "echo 'abc", "echo \"abc", "echo ok; echo 'x", "'", "echo \"a\\\"" };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = bad[i];
		int ret;

		CHECK_EQ(tok_check(bad[i], &cmd), -EINVAL);
		while ((ret = tok_next(&p, 0, &cmd)) > 0)
			;
		CHECK_EQ(ret, -EINVAL);
		CHECK_EQ(*p, '\0'); /* moved to the end: loops stop */
	}
	CHECK_EQ(tok_check("echo 'a;b'; echo \"c\"", &cmd), 0);
	CHECK_STR_EQ(tok_strerror(-EINVAL), "unterminated quote");
}

TEST(tok_limits)
{
	char line[4 * TOK_BUF_SIZE];
	size_t n = 0;

	/* TOK_ARGV_MAX words fit; one more does not. */
	for (int i = 0; i < TOK_ARGV_MAX; i++)
		n += sprintf(line + n, "w%d ", i);
	CHECK_EQ(tok_check(line, &cmd), 0);
	sprintf(line + n, "extra");
	CHECK_EQ(tok_check(line, &cmd), -E2BIG);

	/* One word of TOK_BUF_SIZE - 1 bytes fits with its NUL; one more does not. */
	memset(line, 'a', TOK_BUF_SIZE - 1);
	line[TOK_BUF_SIZE - 1] = '\0';
	CHECK_EQ(tok_check(line, &cmd), 0);
	memset(line, 'a', TOK_BUF_SIZE);
	line[TOK_BUF_SIZE] = '\0';
	CHECK_EQ(tok_check(line, &cmd), -E2BIG);

	/* The limit is per command: long lines of short commands are fine. */
	n = 0;
	for (int i = 0; i < 100; i++)
		n += sprintf(line + n, "echo %d;", i);
	CHECK_EQ(tok_check(line, &cmd), 0);
}

/* Random lines over the interesting alphabet: no crash, bounds respected. */
TEST(tok_random)
{
	static const char alphabet[] = "ab '\"\\;&$? \t";
	char line[700];

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = unit_rand_below(sizeof(line) - 1);
		const char *p = line;
		int ret;

		for (size_t i = 0; i < len; i++)
			line[i] = alphabet[unit_rand_below(sizeof(alphabet) - 1)];
		line[len] = '\0';
		while ((ret = tok_next(&p, 42, &cmd)) > 0) {
			CHECK(cmd.argc > 0 && cmd.argc <= TOK_ARGV_MAX);
			for (int i = 0; i < cmd.argc; i++)
				CHECK(cmd.argv[i] >= cmd.buf &&
				      cmd.argv[i] + strlen(cmd.argv[i]) < cmd.buf + TOK_BUF_SIZE);
		}
		CHECK(ret == 0 || ret == -EINVAL || ret == -E2BIG);
		CHECK(p >= line && p <= line + len);
	}
}

/* tok_run() callback: counts the commands and returns a fixed status. */
struct run_count {
	int status, ran;
};

static int run_counted(void *ctx, struct tok_cmd *tc, const char *rest)
{
	struct run_count *rc = ctx;

	(void)tc;
	(void)rest;
	rc->ran++;
	return rc->status;
}

/*
 * tok_check() expanded $? as "0" while the run used the real status, so a
 * line of many $? passed the check, ran its first command and then failed
 * with E2BIG. A line must be refused up front or run completely, whatever
 * status its commands return. Found by the tokenize fuzzer
 * (tests/fuzz/corpus/tokenize/crash-status-widens).
 */
TEST(tok_run_is_all_or_nothing)
{
	static const int statuses[] = { 0, 7, 255, -2147483647 - 1 };
	char line[4 * TOK_BUF_SIZE];

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		for (int reps = 1; reps < 300; reps += 7) {
			struct run_count rc = { .status = statuses[i] };
			int status = 0, ret;
			size_t n = (size_t)sprintf(line, "x; x ");

			for (int k = 0; k < reps; k++)
				n += (size_t)sprintf(line + n, "$?");
			ret = tok_run(line, &status, &cmd, run_counted, &rc);
			CHECKF((ret == -E2BIG && rc.ran == 0) || (ret == 0 && rc.ran == 2),
			       "status %d, %d x $?: ret %d after %d commands", statuses[i], reps,
			       ret, rc.ran);
		}
	}
	/* The status each command sees is the previous one's. */
	{
		struct run_count rc = { .status = 42 };
		int status = 3;

		CHECK_EQ(tok_run("a $?; b", &status, &cmd, run_counted, &rc), 0);
		CHECK_EQ(rc.ran, 2);
		CHECK_EQ(status, 42);
	}
}

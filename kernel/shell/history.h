/*
 * Shell command history: the last HISTORY_MAX lines typed at the prompt, in
 * a fixed ring (no allocation), newest first for Up/Down and numbered from
 * the first line ever added for the `history` command.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define HISTORY_MAX 64	 /* entries kept; older ones drop off */
#define HISTORY_LINE 512 /* bytes per entry, NUL included */

/* A ring of lines. Owned by one shell; not shared between CPUs. */
struct history {
	char lines[HISTORY_MAX][HISTORY_LINE];
	unsigned int count;  /* entries held, <= HISTORY_MAX */
	unsigned int next;   /* slot the next line goes to */
	unsigned long total; /* lines ever added (numbers them) */
};

/* Empty @h. */
void history_init(struct history *h);

/*
 * Remember @line. Returns 0 when stored, -EINVAL for a line of blanks only,
 * -EEXIST when it equals the newest entry (kept once, like bash's
 * ignoredups), -E2BIG when it does not fit an entry. Callers usually ignore
 * the result: all three refusals are normal.
 */
int history_add(struct history *h, const char *line);

/* Entry @age (0 = newest), or NULL when @age >= history_count(). The
 * pointer stays valid until the next history_add() or history_init(). */
const char *history_get(const struct history *h, unsigned int age);

/* Number of entries held. */
unsigned int history_count(const struct history *h);

/* The number `history` shows for entry @age: 1 for the first line ever
 * added, counting on past the ones that dropped off. */
unsigned long history_number(const struct history *h, unsigned int age);

/*
 * Shell command history (see history.h): a ring of HISTORY_MAX fixed-size
 * slots. No locks: the one shell task owns its history.
 * Pure: host-testable.
 */
#include "shell/history.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

void history_init(struct history *h)
{
	h->count = 0;
	h->next = 0;
	h->total = 0;
}

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

int history_add(struct history *h, const char *line)
{
	const char *newest = history_get(h, 0);

	if (is_blank(line))
		return -EINVAL;
	if (newest && strcmp(newest, line) == 0)
		return -EEXIST;
	if (strnlen(line, HISTORY_LINE) >= HISTORY_LINE)
		return -E2BIG; /* checked first: the slot may hold the oldest */
	strlcpy(h->lines[h->next], line, HISTORY_LINE);
	h->next = (h->next + 1) % HISTORY_MAX;
	if (h->count < HISTORY_MAX)
		h->count++;
	h->total++;
	return 0;
}

const char *history_get(const struct history *h, unsigned int age)
{
	if (age >= h->count)
		return NULL;
	return h->lines[(h->next + HISTORY_MAX - 1 - age) % HISTORY_MAX];
}

unsigned int history_count(const struct history *h)
{
	return h->count;
}

unsigned long history_number(const struct history *h, unsigned int age)
{
	return h->total - age;
}

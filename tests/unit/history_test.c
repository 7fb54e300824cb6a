/*
 * Tests for kernel/shell/history.c: newest-first lookup, the ring dropping
 * the oldest of more than HISTORY_MAX lines, numbering across the wrap,
 * and the refusals (blank, repeated, too long) leaving the ring untouched.
 */
#include <stdio.h>
#include <string.h>

#include "include/uapi/errno.h"
#include "shell/history.h"
#include "unit.h"

static struct history h;

TEST(history_empty)
{
	history_init(&h);
	CHECK_EQ(history_count(&h), 0);
	CHECK(history_get(&h, 0) == NULL);
}

TEST(history_newest_first)
{
	history_init(&h);
	CHECK_EQ(history_add(&h, "one"), 0);
	CHECK_EQ(history_add(&h, "two"), 0);
	CHECK_EQ(history_add(&h, "three"), 0);
	CHECK_EQ(history_count(&h), 3);
	CHECK_STR_EQ(history_get(&h, 0), "three");
	CHECK_STR_EQ(history_get(&h, 1), "two");
	CHECK_STR_EQ(history_get(&h, 2), "one");
	CHECK(history_get(&h, 3) == NULL);
	CHECK_EQ(history_number(&h, 0), 3);
	CHECK_EQ(history_number(&h, 2), 1);
}

TEST(history_refusals)
{
	char big[HISTORY_LINE + 10];

	history_init(&h);
	CHECK_EQ(history_add(&h, ""), -EINVAL);
	CHECK_EQ(history_add(&h, "  \t "), -EINVAL);
	CHECK_EQ(history_add(&h, "ls"), 0);
	CHECK_EQ(history_add(&h, "ls"), -EEXIST);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(history_add(&h, big), -E2BIG);
	big[HISTORY_LINE - 1] = '\0'; /* exactly the longest that fits */
	CHECK_EQ(history_add(&h, big), 0);
	CHECK_EQ(history_count(&h), 2);
	CHECK_EQ(strlen(history_get(&h, 0)), HISTORY_LINE - 1);
	CHECK_STR_EQ(history_get(&h, 1), "ls");
}

TEST(history_wraps)
{
	char line[32];
	const unsigned int n = HISTORY_MAX * 2 + 5;

	history_init(&h);
	for (unsigned int i = 1; i <= n; i++) {
		snprintf(line, sizeof(line), "cmd %u", i);
		CHECK_EQ(history_add(&h, line), 0);
	}
	CHECK_EQ(history_count(&h), HISTORY_MAX);
	for (unsigned int age = 0; age < HISTORY_MAX; age++) {
		snprintf(line, sizeof(line), "cmd %u", n - age);
		CHECK_STR_EQ(history_get(&h, age), line);
		CHECK_EQ(history_number(&h, age), n - age);
	}
	CHECK(history_get(&h, HISTORY_MAX) == NULL);
}

/* A refused over-long line must not wipe the oldest entry of a full ring. */
TEST(history_full_ring_refusal_keeps_oldest)
{
	char big[HISTORY_LINE * 2];
	char line[32];

	history_init(&h);
	for (unsigned int i = 1; i <= HISTORY_MAX; i++) {
		snprintf(line, sizeof(line), "c%u", i);
		CHECK_EQ(history_add(&h, line), 0);
	}
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(history_add(&h, big), -E2BIG);
	CHECK_STR_EQ(history_get(&h, HISTORY_MAX - 1), "c1");
	CHECK_STR_EQ(history_get(&h, 0), "c64");
}

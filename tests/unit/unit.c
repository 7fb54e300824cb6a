/*
 * Runner for the host unit tests (see unit.h), linked into every
 * build/unit/<name>_test binary. Output: one "FAIL test file:line: ..." line
 * per failed check (at most MAX_SHOWN per test), then one summary line.
 * Exit status 0 only if every check passed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define MAX_SHOWN 20 // failure lines printed per test

static struct unit_test *tests, **tests_tail = &tests;
static const struct unit_test *current;
static unsigned long current_failures;
static uint64_t rand_state;

void unit_register(struct unit_test *t)
{
	t->next = NULL;
	*tests_tail = t;
	tests_tail = &t->next;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (++current_failures > MAX_SHOWN)
		return;
	printf("FAIL %s %s:%d: ", current ? current->name : "?", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

bool unit_check_str(const char *file, int line, const char *ea, const char *eb, const char *a,
		    const char *b)
{
	if (a == b || (a && b && !strcmp(a, b)))
		return true;
	unit_fail(file, line, "CHECK_STR_EQ(%s, %s): \"%s\" != \"%s\"", ea, eb, a ? a : "(NULL)",
		  b ? b : "(NULL)");
	return false;
}

bool unit_check_mem(const char *file, int line, const char *ea, const char *eb, const void *a,
		    const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	size_t i;

	for (i = 0; i < n && p[i] == q[i]; i++)
		;
	if (i == n)
		return true;
	unit_fail(file, line, "CHECK_MEM_EQ(%s, %s, %zu): byte %zu: %#x != %#x", ea, eb, n, i, p[i],
		  q[i]);
	return false;
}

uint64_t unit_rand(void)
{
	uint64_t z = (rand_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Seed for a test: UNIT_SEED (or a constant) mixed with the test's name. */
static uint64_t test_seed(const char *name)
{
	const char *env = getenv("UNIT_SEED");
	uint64_t h = env ? strtoull(env, NULL, 0) : 0x636f72766964ull;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 0x100000001b3ull;
	return h;
}

int main(int argc, char **argv)
{
	const char *prefix = argc > 1 ? argv[1] : "";
	unsigned long ran = 0, failed = 0;

	for (current = tests; current; current = current->next) {
		if (strncmp(current->name, prefix, strlen(prefix)))
			continue;
		current_failures = 0;
		rand_state = test_seed(current->name);
		current->fn();
		ran++;
		if (current_failures > MAX_SHOWN)
			printf("FAIL %s: %lu more failures not shown\n", current->name,
			       current_failures - MAX_SHOWN);
		if (current_failures)
			failed++;
	}
	current = NULL;
	printf("%s: %lu tests, %lu passed, %lu failed\n", argv[0], ran, ran - failed, failed);
	return failed || !ran ? EXIT_FAILURE : EXIT_SUCCESS;
}

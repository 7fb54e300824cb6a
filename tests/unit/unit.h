/*
 * A tiny host test framework. TEST(name) { ... } registers a test through a
 * constructor; CHECK*() report "file:line" on failure and let the test go on;
 * unit.c's main() runs every test (or those whose name starts with argv[1]),
 * prints one line per failure and a summary, and exits nonzero on failure.
 * unit_rand() is a deterministic PRNG, reseeded before each test (UNIT_SEED
 * in the environment changes the seed).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);

/* Record a failed check in the running test and print it (rate-limited). */
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Helpers behind CHECK_STR_EQ/CHECK_MEM_EQ; return true if equal. */
bool unit_check_str(const char *file, int line, const char *ea, const char *eb, const char *a,
		    const char *b);
bool unit_check_mem(const char *file, int line, const char *ea, const char *eb, const void *a,
		    const void *b, size_t n);

/* Next value of the test's PRNG (splitmix64). */
uint64_t unit_rand(void);

/* Uniform-enough value in [0, n); n must be > 0. */
static inline uint64_t unit_rand_below(uint64_t n)
{
	return unit_rand() % n;
}

#define TEST(tname)                                                     \
	static void unit_fn_##tname(void);                              \
	static struct unit_test unit_desc_##tname = {                   \
		.name = #tname,                                         \
		.fn = unit_fn_##tname,                                  \
	};                                                              \
	__attribute__((constructor)) static void unit_reg_##tname(void) \
	{                                                               \
		unit_register(&unit_desc_##tname);                      \
	}                                                               \
	static void unit_fn_##tname(void)

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

/* CHECK with a printf-style message instead of the expression. */
#define CHECKF(cond, ...)                                           \
	do {                                                        \
		if (!(cond))                                        \
			unit_fail(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

/* Compare two integer (or pointer) values as long long; evaluates each once. */
#define CHECK_EQ(a, b)                                                                      \
	do {                                                                                \
		long long unit_a_ = (long long)(a);                                         \
		long long unit_b_ = (long long)(b);                                         \
		if (unit_a_ != unit_b_)                                                     \
			unit_fail(__FILE__, __LINE__,                                       \
				  "CHECK_EQ(%s, %s): %lld (%#llx) != %lld (%#llx)", #a, #b, \
				  unit_a_, (unsigned long long)unit_a_, unit_b_,            \
				  (unsigned long long)unit_b_);                             \
	} while (0)

/* Compare NUL-terminated strings (NULL allowed). */
#define CHECK_STR_EQ(a, b) ((void)unit_check_str(__FILE__, __LINE__, #a, #b, (a), (b)))

/* Compare @n bytes. */
#define CHECK_MEM_EQ(a, b, n) ((void)unit_check_mem(__FILE__, __LINE__, #a, #b, (a), (b), (n)))

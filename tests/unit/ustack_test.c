/*
 * Tests for kernel/lib/ustack.c: the initial stack has argc, argv and
 * envp pointers to their strings, NULL ends, the auxiliary vector with the
 * addresses of the random bytes, execfn and platform filled in, a 16-byte
 * aligned stack pointer, and an image too small gives -E2BIG.
 */
#include <string.h>

#include "include/uapi/errno.h"
#include "lib/ustack.h"
#include "unit.h"

#define TOP 0x7ffffffff000ull
#define SIZE 8192

static uint8_t img[SIZE];

static uint64_t word(uint64_t addr)
{
	uint64_t v;

	memcpy(&v, img + (addr - (TOP - SIZE)), 8);
	return v;
}

static const char *str(uint64_t addr)
{
	return (const char *)img + (addr - (TOP - SIZE));
}

TEST(ustack_layout)
{
	static const char strings[] = "prog\0arg one\0A=1\0B=2";
	const uint64_t auxv[] = { AT_PAGESZ, 4096, AT_RANDOM, 0, AT_EXECFN, 0, AT_PLATFORM, 0 };
	struct ustack_args a = {
		.strings = strings,
		.strings_len = sizeof(strings),
		.argc = 2,
		.envc = 2,
		.execfn = "/bin/prog",
		.platform = "x86_64",
		.random = { 1, 2, 3, 4, 5, 6, 7, 8, 9 },
		.auxv = auxv,
		.nauxv = 4,
	};
	uint64_t sp, p;

	CHECK_EQ(ustack_build(img, SIZE, TOP, &a, &sp), 0);
	CHECK_EQ(sp % 16, 0);
	CHECK_EQ(word(TOP - 8), 0);
	CHECK_EQ(word(sp), 2);
	CHECK_STR_EQ(str(word(sp + 8)), "prog");
	CHECK_STR_EQ(str(word(sp + 16)), "arg one");
	CHECK_EQ(word(sp + 24), 0);
	CHECK_STR_EQ(str(word(sp + 32)), "A=1");
	CHECK_STR_EQ(str(word(sp + 40)), "B=2");
	CHECK_EQ(word(sp + 48), 0);
	p = sp + 56;
	CHECK_EQ(word(p), AT_PAGESZ);
	CHECK_EQ(word(p + 8), 4096);
	CHECK_EQ(word(p + 16), AT_RANDOM);
	CHECK_EQ(img[word(p + 24) - (TOP - SIZE) + 8], 9);
	CHECK_EQ(word(p + 32), AT_EXECFN);
	CHECK_STR_EQ(str(word(p + 40)), "/bin/prog");
	CHECK_EQ(word(p + 48), AT_PLATFORM);
	CHECK_STR_EQ(str(word(p + 56)), "x86_64");
	CHECK_EQ(word(p + 64), AT_NULL);
	/* Strings sit above the vectors, below the top. */
	CHECK(word(sp + 8) > p + 72 && word(sp + 8) < TOP);

	CHECK_EQ(ustack_build(img, 128, TOP, &a, &sp), -E2BIG);
	a.strings_len = 3; /* not NUL-terminated */
	CHECK_EQ(ustack_build(img, SIZE, TOP, &a, &sp), -EINVAL);
}

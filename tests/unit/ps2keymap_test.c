/*
 * Tests for kernel/lib/ps2keymap.c: scan code set 1 sequences (as QEMU's
 * i8042 sends them for `sendkey`) to the bytes a terminal types.
 */
#include <string.h>

#include "lib/ps2keymap.h"
#include "unit.h"

static const char *typed(struct ps2_keymap *k, const uint8_t *codes, size_t n)
{
	static char buf[64];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		char out[PS2_KEY_MAX];
		size_t got = ps2_keymap_feed(k, codes[i], out);

		memcpy(buf + len, out, got);
		len += got;
	}
	buf[len] = 0;
	return buf;
}

#define TYPED(k, ...) \
	typed((k), (const uint8_t[]){ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }))

TEST(letters_digits_enter)
{
	struct ps2_keymap k = { 0 };

	// l s SPACE 1 ENTER, make then break
	CHECK_STR_EQ(TYPED(&k, 0x26, 0xa6, 0x1f, 0x9f, 0x39, 0xb9, 0x02, 0x82, 0x1c, 0x9c),
		     "ls 1\r");
}

TEST(shift_and_caps)
{
	struct ps2_keymap k = { 0 };

	CHECK_STR_EQ(TYPED(&k, 0x2a, 0x1e, 0x9e, 0x02, 0xaa, 0x1e), "A!a");
	CHECK_STR_EQ(TYPED(&k, 0x3a, 0xba, 0x1e, 0x02, 0x2a, 0x1e, 0xaa), "A1a");
}

TEST(ctrl_and_alt)
{
	struct ps2_keymap k = { 0 };

	CHECK_STR_EQ(TYPED(&k, 0x1d, 0x2e, 0xae, 0x9d), "\x03");
	CHECK_STR_EQ(TYPED(&k, 0x38, 0x30, 0xb8), "\x1b"
						  "b");
	CHECK_STR_EQ(TYPED(&k, 0x0e), "\x7f");
}

TEST(extended_keys)
{
	struct ps2_keymap k = { 0 };

	CHECK_STR_EQ(TYPED(&k, 0xe0, 0x48, 0xe0, 0xc8), "\x1b[A");
	CHECK_STR_EQ(TYPED(&k, 0xe0, 0x53), "\x1b[3~");
	k.app_cursor = true;
	CHECK_STR_EQ(TYPED(&k, 0xe0, 0x48, 0xe0, 0x53), "\x1bOA\x1b[3~");
	k.app_cursor = false;
	CHECK_STR_EQ(TYPED(&k, 0xe0, 0x2a, 0xe0, 0x4b, 0xe0, 0xaa, 0x1e), "\x1b[Da"); // fake shift
}

/*
 * PS/2 keyboard scan codes (set 1, as the i8042 delivers them with
 * translation on) to the bytes a terminal sends: US layout, Shift, Ctrl,
 * Alt (ESC prefix, as xterm's metaSendsEscape), Caps Lock, and the VT100
 * sequences of the cursor and editing keys (ESC [ A, ESC [ 3 ~, ...).
 * Pure: host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ps2_keymap {
	bool shift_l, shift_r, ctrl, alt, caps;
	bool e0; // the previous byte was the 0xE0 prefix
	/* DECCKM (the screen's application cursor mode): the cursor keys
	 * and Home/End send ESC O x instead of ESC [ x. */
	bool app_cursor;
};

/* Longest output of one scan code byte: ESC [ 3 ~ with an Alt ESC. */
#define PS2_KEY_MAX 6

/* Feed one scan code byte; the bytes it types go to @out. Returns their
 * count (0 for prefixes, releases and modifiers). */
size_t ps2_keymap_feed(struct ps2_keymap *k, uint8_t code, char out[PS2_KEY_MAX]);

/*
 * Scan code set 1 to terminal bytes (lib/ps2keymap.h). Reference: the
 * IBM PC AT Technical Reference's scan code table as QEMU's ps2.c and
 * Linux's drivers/input/keyboard/atkbd.c use it (make code; break code =
 * make | 0x80; 0xE0 prefixes the extended keys).
 * Pure: host-testable.
 */
#include "lib/ps2keymap.h"
#include "lib/string.h"

#define ESC 0x1b
#define BREAK 0x80

enum {
	SC_CTRL = 0x1d,
	SC_SHIFT_L = 0x2a,
	SC_SHIFT_R = 0x36,
	SC_ALT = 0x38,
	SC_CAPS = 0x3a,
	SC_E0 = 0xe0,
};

/* Make codes 0x00-0x39; 0 means no character. */
static const char plain[0x3a] = {
	0,    ESC, '1', '2', '3', '4', '5', '6', '7', '8', '9',	 '0', '-', '=',	 0x7f,
	'\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p',	 '[', ']', '\r', 0,
	'a',  's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,   '\\', 'z',
	'x',  'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0,   '*',	 0,   ' ',
};
static const char shifted[0x3a] = {
	0,    ESC, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',	0x7f,
	'\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,
	'A',  'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,	  '|',	'Z',
	'X',  'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*', 0,   ' ',
};

/* The 0xE0 keys: make code and the sequence they send. */
static const struct {
	uint8_t code;
	const char *seq;
} extended[] = {
	{ 0x48, "\x1b[A" },  { 0x50, "\x1b[B" },  { 0x4d, "\x1b[C" },  { 0x4b, "\x1b[D" },
	{ 0x47, "\x1b[H" },  { 0x4f, "\x1b[F" },  { 0x52, "\x1b[2~" }, { 0x53, "\x1b[3~" },
	{ 0x49, "\x1b[5~" }, { 0x51, "\x1b[6~" }, { 0x1c, "\r" },      { 0x35, "/" },
};

static bool modifier(struct ps2_keymap *k, uint8_t make, bool down)
{
	switch (make) {
	case SC_CTRL:
		k->ctrl = down;
		return true;
	case SC_ALT:
		k->alt = down;
		return true;
	case SC_SHIFT_L:
		if (!k->e0) // E0 2A: a fake shift some keys send
			k->shift_l = down;
		return true;
	case SC_SHIFT_R:
		if (!k->e0)
			k->shift_r = down;
		return true;
	case SC_CAPS:
		if (down)
			k->caps = !k->caps;
		return true;
	default:
		return false;
	}
}

static char to_char(const struct ps2_keymap *k, uint8_t make)
{
	bool shift = k->shift_l || k->shift_r;
	char c;

	if (make >= sizeof(plain))
		return 0;
	c = plain[make];
	if (c >= 'a' && c <= 'z' && k->caps)
		shift = !shift;
	if (shift)
		c = shifted[make];
	if (k->ctrl && c) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			c &= 0x1f;
		else if (c == ' ' || c == '@' || c == '2')
			c = 0;
		else if (c >= '[' && c <= '_')
			c &= 0x1f; // ^[ ^\ ^] ^^ ^_
		else if (c == '/')
			c = 0x1f;
		else if (c == '8' || c == '?')
			c = 0x7f;
		if (c == 0)
			return 0; // ^@ (NUL): not sent
	}
	return c;
}

size_t ps2_keymap_feed(struct ps2_keymap *k, uint8_t code, char out[PS2_KEY_MAX])
{
	bool down = !(code & BREAK), e0 = k->e0;
	uint8_t make = code & ~BREAK;
	size_t n = 0;

	if (code == SC_E0) {
		k->e0 = true;
		return 0;
	}
	if (code == 0xe1 || code == 0xff || code == 0x00)
		return 0; // Pause's prefix, overrun, error
	if (modifier(k, make, down)) {
		k->e0 = false;
		return 0;
	}
	k->e0 = false;
	if (!down)
		return 0;
	if (k->alt)
		out[n++] = ESC;
	if (e0) {
		for (size_t i = 0; i < sizeof(extended) / sizeof(extended[0]); i++) {
			if (extended[i].code == make) {
				size_t len = strlen(extended[i].seq);

				memcpy(out + n, extended[i].seq, len);
				if (k->app_cursor && len == 3)
					out[n + 1] = 'O'; // ESC O A ... (SS3)
				return n + len;
			}
		}
		return 0;
	}
	out[n] = to_char(k, make);
	return out[n] ? n + 1 : 0;
}

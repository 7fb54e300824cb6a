/*
 * Fuzz the line discipline core (kernel/lib/ldisc.c): the first bytes pick
 * termios flags and control characters, the rest alternate between typed
 * input and reads of varying size. Checks the buffer invariants after
 * every step (ASan catches any read or write out of the 4 KiB buffer).
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "lib/ldisc.h"

static size_t echoed;

static void on_echo(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		echoed += (unsigned char)s[i];
}

static void on_signal(void *ctx, int sig)
{
	(void)ctx;
	assert(sig == LD_SIGINT || sig == LD_SIGQUIT || sig == LD_SIGTSTP);
}

static void check(const struct ldisc *l)
{
	assert(l->nread <= l->nbuf && l->nbuf <= LDISC_BUF);
	assert(ldisc_avail(l) <= l->nread);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ldisc_ops ops = { on_echo, on_signal };
	static struct ldisc l;
	static char out[LDISC_BUF * 2];
	struct ldisc_termios t;

	ldisc_init(&l);
	if (size < 8)
		return 0;
	t = l.t;
	t.c_iflag = data[0] << 4;
	t.c_oflag = data[1] & 0xf;
	t.c_lflag = (uint32_t)data[2] | (uint32_t)(data[3] & 0x88) << 8;
	memcpy(t.c_cc, data + 4, 4);
	ldisc_set_termios(&l, &t);
	for (size_t i = 8; i < size; i++) {
		uint8_t c = data[i];

		if (c == 0xff && i + 1 < size) { // a read of data[i+1] * 17 bytes
			size_t n = (size_t)data[++i] * 17 % sizeof(out);
			size_t got = ldisc_read(&l, out, n);

			assert(got <= n);
		} else if (c == 0xfe && i + 1 < size) { // toggle ICANON
			t.c_lflag ^= LD_ICANON;
			ldisc_set_termios(&l, &t);
			i++;
		} else {
			ldisc_receive(&l, c, &ops, NULL);
		}
		check(&l);
		assert(ldisc_output(&l, (const char *)data, size < LDISC_BUF ? size : LDISC_BUF,
				    out) <= 2 * size);
	}
	return 0;
}

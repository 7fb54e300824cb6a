/*
 * Tests for kernel/lib/ldisc.c, the line discipline's pure core: bytes in,
 * then the lines a read gets, the echo a terminal shows and the signals
 * raised, checked against what Linux's n_tty does on a fresh pty.
 */
#include <string.h>

#include "lib/ldisc.h"
#include "unit.h"

struct rec {
	char echo[512];
	size_t n;
	int sigs[8];
	int nsig;
};

static void rec_echo(void *ctx, const char *s, size_t n)
{
	struct rec *r = ctx;

	if (r->n + n < sizeof(r->echo)) {
		memcpy(r->echo + r->n, s, n);
		r->n += n;
		r->echo[r->n] = 0;
	}
}

static void rec_signal(void *ctx, int sig)
{
	struct rec *r = ctx;

	if (r->nsig < 8)
		r->sigs[r->nsig++] = sig;
}

static const struct ldisc_ops ops = { rec_echo, rec_signal };

static void feed(struct ldisc *l, struct rec *r, const char *s)
{
	while (*s)
		ldisc_receive(l, (uint8_t)*s++, &ops, r);
}

static const char *read_str(struct ldisc *l, size_t n)
{
	static char buf[LDISC_BUF + 1];
	size_t got = ldisc_read(l, buf, n);

	buf[got] = 0;
	return buf;
}

static struct ldisc ld;
static struct rec rec;

static void fresh(void)
{
	ldisc_init(&ld);
	memset(&rec, 0, sizeof(rec));
}

TEST(defaults_match_linux_pty)
{
	fresh();
	CHECK_EQ(ld.t.c_iflag, 0x500u);
	CHECK_EQ(ld.t.c_oflag, 0x5u);
	CHECK_EQ(ld.t.c_lflag, 0x8a3bu);
	CHECK_EQ(ld.t.c_cc[LD_VINTR], 3);
	CHECK_EQ(ld.t.c_cc[LD_VMIN], 1);
	CHECK_EQ(ld.t.c_cc[LD_VWERASE], 23);
}

TEST(canonical_line_waits_for_enter)
{
	fresh();
	feed(&ld, &rec, "hello");
	CHECK(!ldisc_can_read(&ld, 1));
	CHECK_EQ(ldisc_avail(&ld), 0u);
	feed(&ld, &rec, "\r");
	CHECK(ldisc_can_read(&ld, 1));
	CHECK_EQ(ldisc_avail(&ld), 6u);
	CHECK_STR_EQ(read_str(&ld, 100), "hello\n");
	CHECK_STR_EQ(rec.echo, "hello\r\n");
	CHECK(!ldisc_can_read(&ld, 1));
}

TEST(one_line_per_read_and_partial_reads)
{
	fresh();
	feed(&ld, &rec, "ab\ncd\n");
	CHECK_STR_EQ(read_str(&ld, 1), "a");
	CHECK_STR_EQ(read_str(&ld, 100), "b\n");
	CHECK_STR_EQ(read_str(&ld, 100), "cd\n");
	CHECK(!ldisc_can_read(&ld, 1));
}

TEST(erase_kill_werase)
{
	fresh();
	feed(&ld, &rec, "abc\x7f");
	CHECK_STR_EQ(rec.echo, "abc\b \b");
	feed(&ld, &rec, "\b"); // ^H is not ERASE by default: a literal, echoed ^H
	CHECK_STR_EQ(rec.echo, "abc\b \b^H");
	feed(&ld, &rec, "\x15xy zz\x17\n");
	CHECK_STR_EQ(read_str(&ld, 100), "xy \n");
	fresh();
	feed(&ld, &rec, "\x7f\x7f"); // nothing to erase: no echo
	CHECK_STR_EQ(rec.echo, "");
}

TEST(erase_of_a_control_char_takes_two_columns)
{
	fresh();
	feed(&ld, &rec, "\x01\x7f");
	CHECK_STR_EQ(rec.echo, "^A\b \b\b \b");
}

TEST(eof_ends_read_without_being_read)
{
	fresh();
	feed(&ld, &rec, "ab\x04");
	CHECK(ldisc_can_read(&ld, 1));
	CHECK_STR_EQ(read_str(&ld, 100), "ab");
	CHECK(!ldisc_can_read(&ld, 1));
	feed(&ld, &rec, "\x04");
	CHECK(ldisc_can_read(&ld, 1));
	CHECK_EQ(ldisc_read(&ld, (char[4]){ 0 }, 4), 0u); // EOF
	CHECK(!ldisc_can_read(&ld, 1));
	CHECK_STR_EQ(rec.echo, "ab");
}

TEST(isig_raises_and_flushes)
{
	fresh();
	feed(&ld, &rec, "junk\x03");
	CHECK_EQ(rec.nsig, 1);
	CHECK_EQ(rec.sigs[0], LD_SIGINT);
	CHECK_STR_EQ(rec.echo, "junk^C");
	feed(&ld, &rec, "\x1c\x1a");
	CHECK_EQ(rec.nsig, 3);
	CHECK_EQ(rec.sigs[1], LD_SIGQUIT);
	CHECK_EQ(rec.sigs[2], LD_SIGTSTP);
	feed(&ld, &rec, "ok\n");
	CHECK_STR_EQ(read_str(&ld, 100), "ok\n");
}

TEST(no_isig_passes_ctrl_c)
{
	fresh();
	ld.t.c_lflag &= ~(uint32_t)LD_ISIG;
	feed(&ld, &rec, "\x03\n");
	CHECK_EQ(rec.nsig, 0);
	CHECK_STR_EQ(read_str(&ld, 100), "\x03\n");
}

TEST(raw_mode_bytes_at_once)
{
	struct ldisc_termios t;

	fresh();
	t = ld.t;
	t.c_lflag &= ~(uint32_t)(LD_ICANON | LD_ECHO | LD_ISIG);
	t.c_iflag &= ~(uint32_t)LD_ICRNL;
	ldisc_set_termios(&ld, &t);
	feed(&ld, &rec, "a\r\x7f\x03");
	CHECK_EQ(rec.n, 0u);
	CHECK_EQ(ldisc_avail(&ld), 4u);
	CHECK(ldisc_can_read(&ld, 4));
	CHECK(!ldisc_can_read(&ld, 5));
	CHECK_STR_EQ(read_str(&ld, 2), "a\r");
	CHECK_STR_EQ(read_str(&ld, 9), "\x7f\x03");
}

TEST(leaving_canon_makes_the_partial_line_readable)
{
	struct ldisc_termios t;

	fresh();
	feed(&ld, &rec, "par");
	t = ld.t;
	t.c_lflag &= ~(uint32_t)LD_ICANON;
	ldisc_set_termios(&ld, &t);
	CHECK_STR_EQ(read_str(&ld, 9), "par");
	feed(&ld, &rec, "xy");
	t.c_lflag |= LD_ICANON;
	ldisc_set_termios(&ld, &t);
	CHECK(!ldisc_can_read(&ld, 1));
	feed(&ld, &rec, "\x7f\n");
	CHECK_STR_EQ(read_str(&ld, 9), "x\n");
}

TEST(input_maps)
{
	fresh();
	ld.t.c_iflag = LD_IGNCR;
	feed(&ld, &rec, "a\rb\n");
	CHECK_STR_EQ(read_str(&ld, 9), "ab\n");
	ld.t.c_iflag = LD_INLCR;
	ld.t.c_cc[LD_VEOL] = '\r';
	feed(&ld, &rec, "c\n");
	CHECK_STR_EQ(read_str(&ld, 9), "c\r");
}

TEST(echonl_without_echo)
{
	fresh();
	ld.t.c_lflag = (ld.t.c_lflag & ~(uint32_t)LD_ECHO) | LD_ECHONL;
	feed(&ld, &rec, "secret\n");
	CHECK_STR_EQ(rec.echo, "\r\n");
}

TEST(echok_without_echoke)
{
	fresh();
	ld.t.c_lflag &= ~(uint32_t)LD_ECHOKE;
	feed(&ld, &rec, "ab\x15");
	CHECK_STR_EQ(rec.echo, "ab^U\r\n");
}

TEST(lnext_quotes)
{
	fresh();
	feed(&ld, &rec, "\x16\x03\x16\x7f\n");
	CHECK_EQ(rec.nsig, 0);
	CHECK_STR_EQ(read_str(&ld, 9), "\x03\x7f\n");
}

TEST(ixon_swallows_stop_start)
{
	fresh();
	feed(&ld, &rec, "\x13");
	CHECK(ld.stopped);
	feed(&ld, &rec, "\x11x\n");
	CHECK(!ld.stopped);
	CHECK_STR_EQ(read_str(&ld, 9), "x\n");
}

TEST(long_line_keeps_room_for_newline)
{
	fresh();
	for (int i = 0; i < LDISC_BUF + 100; i++)
		ldisc_receive(&ld, 'x', &ops, &rec);
	ldisc_receive(&ld, '\n', &ops, &rec);
	CHECK_EQ(ldisc_avail(&ld), (size_t)LDISC_BUF);
	CHECK_EQ(strlen(read_str(&ld, LDISC_BUF)), (size_t)LDISC_BUF);
	CHECK_EQ(ldisc_avail(&ld), 0u);
}

TEST(output_processing)
{
	char out[16];

	fresh();
	CHECK_EQ(ldisc_output(&ld, "a\nb", 3, out), 4u);
	CHECK_MEM_EQ(out, "a\r\nb", 4);
	ld.t.c_oflag = 0;
	CHECK_EQ(ldisc_output(&ld, "a\n", 2, out), 2u);
	ld.t.c_oflag = LD_OPOST | LD_OCRNL;
	CHECK_EQ(ldisc_output(&ld, "\r", 1, out), 1u);
	CHECK_EQ(out[0], '\n');
}

TEST(flush_drops_everything)
{
	fresh();
	feed(&ld, &rec, "a\nb");
	ldisc_flush_input(&ld);
	CHECK(!ldisc_can_read(&ld, 1));
	CHECK_EQ(ldisc_avail(&ld), 0u);
}

TEST(take_all_hands_over_lines_and_the_partial_one)
{
	char out[LDISC_BUF + 1];
	size_t n;

	fresh();
	feed(&ld, &rec,
	     "shutdown\rls -l\x04"
	     "ec");
	n = ldisc_take_all(&ld, out);
	out[n] = '\0';
	CHECK_STR_EQ(out, "shutdown\nls -lec"); /* the EOF mark is dropped */
	CHECK(!ldisc_can_read(&ld, 1));
	CHECK_EQ(ld.nbuf, 0u);
	CHECK_EQ(ldisc_take_all(&ld, out), 0u);
	feed(&ld, &rec, "x\r"); /* the buffers work on afterwards */
	CHECK_STR_EQ(read_str(&ld, 100), "x\n");
}

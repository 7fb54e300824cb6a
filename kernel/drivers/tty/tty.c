/*
 * The console tty. Input devices (serial, PS/2 keyboard) keep their bytes
 * in their own rings; the tty pulls them through the line discipline
 * (lib/ldisc.c): a user process reading /dev/console or /dev/tty gets
 * Linux's canonical or raw input with echo and ISIG, the kernel shell
 * (tty_shell_getc) takes raw bytes and edits lines itself. While the
 * shell waits for its foreground program, the pump task runs input
 * through the line discipline as it arrives (^C for a program that does
 * not read). The console is the controlling tty of at most one session.
 * Output goes to every console (serial and framebuffer).
 * Locking: tty.lock (a mutex: echo writes to the console while holding
 * it) guards the line discipline, sid, pgrp and winsize. Order: tty.lock,
 * then the console lock; signals are sent after tty.lock is dropped.
 * References: POSIX.1-2017 XBD §11, Linux drivers/tty/tty_jobctrl.c.
 */
#include "drivers/tty/tty.h"
#include "arch/arch.h"
#include "core/console.h"
#include "drivers/input/ps2kbd.h"
#include "drivers/serial.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "lib/ldisc.h"
#include "lib/string.h"
#include "mm/usercopy.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "sync/mutex.h"

#define LOG_PREFIX "tty: "

#define SIGHUP 1
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGWINCH 28
#define VTIME_NS 100000000ull // VTIME counts tenths of a second

struct winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static struct tty {
	struct mutex lock;
	/* Protected by lock: */
	struct ldisc ld;
	int sid;  // the session whose controlling tty this is (0: none)
	int pgrp; // its foreground process group
	struct winsize ws;
	/* Atomic: */
	bool fg_pump;	 // tty_foreground_begin .. _end: the pump task runs input
	uint64_t pumped; // bumped when the pump task moved input (readers recheck)
} console_tty;

/* Drop tty.lock. A poller that found it busy (tty_poll only tries it)
 * said "not readable" without looking at input waiting in the devices'
 * rings: wake it to look again. */
static void tty_unlock(struct tty *t) RELEASE(&t->lock);

static struct task *pump_task; // Shell task only (created at the first begin)

void tty_init(void)
{
	mutex_init(&console_tty.lock, "tty");
	ldisc_init(&console_tty.ld);
	console_tty.ws = (struct winsize){ 24, 80, 0, 0 };
}

static void tty_unlock(struct tty *t)
{
	mutex_unlock(&t->lock);
	if (tty_input_pending())
		waitq_wake_all(tty_input_waitqueue());
}

struct waitqueue *tty_input_waitqueue(void)
{
	return serial_rx_waitqueue(); // the keyboard wakes it too
}

bool tty_input_pending(void)
{
	return serial_rx_pending() || ps2kbd_pending();
}

static int input_getc(void)
{
	int c = serial_getc();

	return c >= 0 ? c : ps2kbd_getc();
}

/* Does session @sid live on? Its leader is looked up (a zombie leader
 * not yet reaped still counts; members outliving their leader do not). */
static bool session_alive(int sid)
{
	return proc_getsid(sid) == sid;
}

/* Forget a session that has ended: the console is free again, with a
 * fresh line discipline for the next one. */
static void drop_dead_session_locked(struct tty *t)
{
	if (t->sid && !session_alive(t->sid)) {
		t->sid = t->pgrp = 0;
		ldisc_init(&t->ld);
	}
}

/* Typeahead a foreground program left unread, replayed to the shell.
 * Owner: the shell task. */
static char typeahead[LDISC_BUF];
static size_t typeahead_len, typeahead_pos;

int tty_shell_getc(void)
{
	struct tty *t = &console_tty;

	/* The shell asks only at its prompt, when no program it started in
	 * the foreground runs: the input is the shell's (a background
	 * program reading the console races it for bytes, as today). What
	 * was typed while the program ran went through the line discipline
	 * (echoed there); the program did not read it, so it is the shell's
	 * now, as a terminal keeps it for its next reader. */
	if (typeahead_pos == typeahead_len && READ_ONCE(t->ld.nbuf) && !READ_ONCE(t->fg_pump)) {
		mutex_lock(&t->lock);
		typeahead_len = ldisc_take_all(&t->ld, typeahead);
		typeahead_pos = 0;
		tty_unlock(t);
	}
	if (typeahead_pos < typeahead_len)
		return (unsigned char)typeahead[typeahead_pos++];
	return input_getc();
}

/* Echo went through the line discipline's output processing (ONLCR's
 * CR is already there): the devices get it exactly. */
static void echo_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write_devices_raw(s, n);
}

static void note_signal(void *ctx, int sig)
{
	*(int *)ctx = sig;
}

/* Run waiting input through the line discipline; returns a signal to
 * send the foreground group (0: none). */
static int pump_locked(struct tty *t)
{
	static const struct ldisc_ops ops = { echo_out, note_signal };
	int sig = 0, c;

	while ((c = input_getc()) >= 0)
		ldisc_receive(&t->ld, (uint8_t)c, &ops, &sig);
	return sig;
}

static void send_signal(int pgrp, int sig)
{
	if (sig && pgrp)
		(void)proc_signal_pgrp(pgrp, sig);
}

/* Job control for a read (@sig SIGTTIN) or a write (SIGTTOU) by a
 * process of the console's session outside its foreground group: 0 to go
 * on, else the error. */
static int job_control(struct tty *t, int sig)
{
	struct proc *self = proc_current();
	int pgid, sid, pgrp;

	if (!self)
		return 0; // the kernel shell's own reads
	pgid = (int)proc_getpgid(0);
	sid = (int)proc_getsid(0);
	mutex_lock(&t->lock);
	pgrp = t->sid == sid && !proc_ctty_given_up() ? t->pgrp : 0;
	tty_unlock(t);
	if (!pgrp || pgrp == pgid)
		return 0;
	/* Linux (n_tty's job control): a blocked or ignored SIGTTIN is
	 * -EIO (a write with SIGTTOU blocked or ignored just goes ahead);
	 * otherwise the group gets the signal and the call restarts after
	 * the stop (-ERESTARTSYS). Orphaned groups: not checked yet. */
	if (proc_signal_blocked_or_ignored(sig))
		return sig == SIGTTIN ? -EIO : 0;
	return proc_signal_pgrp(pgid, sig) == 0 ? -ERESTARTSYS : -EIO;
}

/* Whether the read may return, with @got bytes so far. */
static bool read_done_locked(struct tty *t, size_t n, size_t got)
{
	size_t min = t->ld.t.c_cc[LD_VMIN];

	if (t->ld.t.c_lflag & LD_ICANON)
		return ldisc_can_read(&t->ld, 1);
	if (!min) // a poll (TIME 0), or a wait of TIME for one byte
		return !t->ld.t.c_cc[LD_VTIME] || got + t->ld.nread > 0;
	if (min > n)
		min = n;
	return got + t->ld.nread >= min;
}

/* Wait for input, or @ns (0: for ever), or for the pump task to have run
 * since it had run @seen times. 0: maybe input; -EAGAIN: the time ran
 * out; -EINTR. */
static int wait_input(uint64_t ns, uint64_t seen)
{
	int r;

	if (!serial_has_irq()) {
		arch_cpu_relax();
		return proc_is_killed() ? -EINTR : 0;
	}
#define READY()                                     \
	(tty_input_pending() || proc_is_killed() || \
	 __atomic_load_n(&console_tty.pumped, __ATOMIC_ACQUIRE) != seen)
	if (!ns)
		return wait_event_interruptible(tty_input_waitqueue(), READY());
	r = wait_event_interruptible_timeout(tty_input_waitqueue(), READY(), ns);
#undef READY
	return r < 0 ? r : r ? 0 : -EAGAIN;
}

/* What a read step saw, under the lock. */
struct read_state {
	int sig, pgrp; // a signal for the foreground group pgrp (0: none)
	bool canon;
	uint8_t vmin, vtime;
};

/* One step of a read: pump, take what may be taken. Returns true when
 * the read is complete. */
static bool read_step(struct tty *t, char *out, size_t n, size_t *got, struct read_state *rs)
{
	bool done;

	mutex_lock(&t->lock);
	rs->sig = pump_locked(t);
	rs->pgrp = t->pgrp;
	rs->canon = t->ld.t.c_lflag & LD_ICANON;
	rs->vmin = t->ld.t.c_cc[LD_VMIN];
	rs->vtime = t->ld.t.c_cc[LD_VTIME];
	done = read_done_locked(t, n, *got);
	if (done || !rs->canon)
		*got += ldisc_read(&t->ld, out + *got, n - *got);
	tty_unlock(t);
	return done;
}

/* The pump task: while the shell waits for its foreground program, run
 * input through the line discipline as it arrives. */
static int pump_main(void *arg)
{
	struct tty *t = arg;

	for (;;) {
		int sig, pgrp;

		wait_event(tty_input_waitqueue(), READ_ONCE(t->fg_pump) && tty_input_pending());
		mutex_lock(&t->lock);
		sig = pump_locked(t);
		pgrp = t->pgrp;
		tty_unlock(t);
		__atomic_fetch_add(&t->pumped, 1, __ATOMIC_RELEASE);
		waitq_wake_all(tty_input_waitqueue()); // a reader rechecks
		send_signal(pgrp, sig);
	}
	return 0;
}

void tty_foreground_begin(void)
{
	if (!pump_task)
		pump_task = task_create(pump_main, &console_tty, "tty");
	WRITE_ONCE(console_tty.fg_pump, true);
	waitq_wake_all(tty_input_waitqueue());
}

void tty_foreground_end(void)
{
	WRITE_ONCE(console_tty.fg_pump, false);
}

ssize_t tty_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct tty *t = &console_tty;
	size_t got = 0;
	int err = job_control(t, SIGTTIN);
	struct read_state rs;
	uint64_t vtime;

	(void)off;
	if (err)
		return err;
	if (!n)
		return 0;
	for (;;) {
		uint64_t seen = __atomic_load_n(&t->pumped, __ATOMIC_ACQUIRE);
		bool done = read_step(t, buf, n, &got, &rs);

		send_signal(rs.pgrp, rs.sig);
		if (proc_is_killed())
			return got ? (ssize_t)got : -EINTR;
		vtime = rs.canon ? 0 : rs.vtime * VTIME_NS;
		if (done || got == n)
			return (ssize_t)got;
		if (f->flags & O_NONBLOCK)
			return got ? (ssize_t)got : -EAGAIN;
		/* TIME with MIN > 0 is an inter-byte timer: it starts with
		 * the first byte. */
		if (!rs.canon && rs.vmin && !got)
			vtime = 0;
		err = wait_input(vtime, seen);
		if (err == -EAGAIN)
			return (ssize_t)got;
		/* A signal: what was read, or -ERESTARTSYS (proc/signal.h:
		 * -EINTR for a handler, a restart under SA_RESTART or with
		 * none); a kill ends it with -EINTR. */
		if (err == -EINTR && !proc_is_killed())
			err = -ERESTARTSYS;
		if (err)
			return got ? (ssize_t)got : err;
	}
}

/* Input a read could take now, as Linux's input_available_p for a poll:
 * a whole line (or EOF) in canonical mode, else VMIN bytes when TIME is 0
 * and one byte otherwise. */
static bool poll_available_locked(struct tty *t)
{
	size_t min = t->ld.t.c_cc[LD_VMIN];

	if (t->ld.t.c_lflag & LD_ICANON)
		return ldisc_can_read(&t->ld, 1);
	if (t->ld.t.c_cc[LD_VTIME] || !min)
		min = 1;
	return t->ld.nread >= min;
}

/* Readable once a read would not wait (poll_available_locked). Raw input
 * still in the devices' rings is pumped through the line discipline
 * first, so half a canonical line is not readable. A poll must not
 * sleep: when tty.lock is busy it answers from what the line discipline
 * already holds, and the holder's tty_unlock wakes it to look again
 * while input waits. Always writable. */
unsigned int tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *t = &console_tty;
	unsigned int ready = POLLOUT | POLLWRNORM;
	int sig, pgrp;
	bool in;

	(void)f;
	poll_wait(pt, tty_input_waitqueue());
	if (!mutex_trylock(&t->lock)) // lockless: whole lines only
		return READ_ONCE(t->ld.nread) ? ready | POLLIN | POLLRDNORM : ready;
	sig = pump_locked(t);
	pgrp = t->pgrp;
	in = poll_available_locked(t);
	tty_unlock(t);
	send_signal(pgrp, sig);
	return in ? ready | POLLIN | POLLRDNORM : ready;
}

/* Output processing (OPOST: ONLCR, OCRNL) in chunks, then the bytes go to
 * the consoles exactly: with -opost or ONLCR off a '\n' goes out alone,
 * as raw-mode programs (vi, less) expect. */
static void write_processed(struct tty *t, const char *buf, size_t n)
{
	enum { CHUNK = 256 };
	char out[2 * CHUNK]; // ONLCR at most doubles
	size_t k;

	for (size_t i = 0; i < n; i += k) {
		size_t m;

		k = n - i < CHUNK ? n - i : CHUNK;
		mutex_lock(&t->lock);
		m = ldisc_output(&t->ld, buf + i, k, out);
		tty_unlock(t);
		console_write_raw(out, m);
	}
}

ssize_t tty_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	struct tty *t = &console_tty;
	bool tostop;

	(void)f;
	(void)off;
	mutex_lock(&t->lock);
	tostop = t->ld.t.c_lflag & LD_TOSTOP;
	tty_unlock(t);
	if (tostop) {
		int err = job_control(t, SIGTTOU);

		if (err)
			return err;
	}
	write_processed(t, buf, n);
	return (ssize_t)n;
}

/* Is the console the caller's controlling tty: its session owns it and
 * the caller has not given it up for itself? */
static bool is_ctty_locked(struct tty *t)
{
	return proc_current() && t->sid && t->sid == proc_getsid(0) && !proc_ctty_given_up();
}

/*
 * A session leader without a controlling tty opening the console acquires
 * it (Linux tty_open_proc_set_tty). A program the kernel shell started
 * (parent: the kernel) takes it even from a live session: the shell has
 * no job control of its own yet, so its latest program is the foreground.
 */
static void maybe_acquire_locked(struct tty *t, bool force)
{
	struct proc *self = proc_current();
	int sid;

	if (!self)
		return;
	sid = (int)proc_getsid(0);
	if (sid != self->pid || t->sid == sid)
		return;
	drop_dead_session_locked(t);
	if (t->sid && !force && proc_getppid() != 0)
		return;
	t->sid = sid;
	t->pgrp = (int)proc_getpgid(0);
	ldisc_flush_input(&t->ld);
}

void tty_console_owner(int *sid, int *pgrp)
{
	struct tty *t = &console_tty;

	mutex_lock(&t->lock);
	drop_dead_session_locked(t);
	*sid = t->sid;
	*pgrp = t->sid ? t->pgrp : 0;
	tty_unlock(t);
}

int tty_open(struct file *f)
{
	struct tty *t = &console_tty;

	if (f->flags & O_NOCTTY)
		return 0;
	mutex_lock(&t->lock);
	maybe_acquire_locked(t, false);
	tty_unlock(t);
	return 0;
}

int tty_open_ctty(struct file *f)
{
	struct tty *t = &console_tty;
	int err;

	(void)f;
	mutex_lock(&t->lock);
	drop_dead_session_locked(t);
	err = is_ctty_locked(t) ? 0 : -ENXIO;
	tty_unlock(t);
	return err;
}

/* ---- ioctl (Linux's asm-generic/ioctls.h numbers) ---- */

enum {
	TCGETS = 0x5401,
	TCSETS = 0x5402,
	TCSETSW = 0x5403,
	TCSETSF = 0x5404,
	TCFLSH = 0x540b,
	TIOCSCTTY = 0x540e,
	TIOCGPGRP = 0x540f,
	TIOCSPGRP = 0x5410,
	TIOCOUTQ = 0x5411,
	TIOCGWINSZ = 0x5413,
	TIOCSWINSZ = 0x5414,
	FIONREAD = 0x541b,
	TIOCNOTTY = 0x5422,
	TIOCGSID = 0x5429,
};
enum { TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2 };

static long set_termios(struct tty *t, unsigned long cmd, unsigned long arg)
{
	struct ldisc_termios nt;

	if (copy_from_user(&nt, uptr(arg), sizeof(nt)))
		return -EFAULT;
	mutex_lock(&t->lock);
	if (cmd == TCSETSF)
		ldisc_flush_input(&t->ld);
	ldisc_set_termios(&t->ld, &nt); // output is synchronous: TCSETSW has nothing to drain
	tty_unlock(t);
	return 0;
}

static long set_pgrp(struct tty *t, unsigned long arg)
{
	int pgrp;
	long err = 0, sid;

	if (copy_from_user(&pgrp, uptr(arg), sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	/* Linux: a group nobody is in is -ESRCH, one of another session
	 * -EPERM. A group lives while any member does: a pipeline's first
	 * process may be gone when ash makes its group the foreground. */
	sid = proc_pgrp_session(pgrp);
	if (sid < 0)
		return -ESRCH;
	mutex_lock(&t->lock);
	if (!is_ctty_locked(t))
		err = -ENOTTY;
	else if (sid != t->sid)
		err = -EPERM;
	else
		t->pgrp = pgrp;
	tty_unlock(t);
	return err;
}

static long set_ctty(struct tty *t, unsigned long arg)
{
	struct proc *self = proc_current();
	long err = 0;

	if (!self || proc_getsid(0) != self->pid)
		return -EPERM;
	mutex_lock(&t->lock);
	drop_dead_session_locked(t);
	if (t->sid != self->pid) {
		if (t->sid && arg != 1)
			err = -EPERM; // another session's; arg 1 steals (root)
		else
			maybe_acquire_locked(t, true);
	}
	tty_unlock(t);
	return err;
}

/*
 * TIOCNOTTY (Linux tiocnotty): a member of the session gives the console
 * up for itself (and the children it forks from now on); the leader gives
 * it up for the whole session, and its foreground group gets SIGHUP and
 * SIGCONT.
 */
static long no_ctty(struct tty *t)
{
	struct proc *self = proc_current();
	int hup = 0;
	long err = 0;

	mutex_lock(&t->lock);
	if (!is_ctty_locked(t)) {
		err = -ENOTTY;
	} else if (t->sid == self->pid) {
		hup = t->pgrp;
		t->sid = t->pgrp = 0;
	} else {
		proc_give_up_ctty();
	}
	tty_unlock(t);
	send_signal(hup, SIGHUP);
	send_signal(hup, PROC_SIGCONT);
	return err;
}

/* TIOCGPGRP / TIOCGSID: only on the caller's controlling tty. */
static long get_id(struct tty *t, unsigned long arg, bool sid)
{
	int v;

	mutex_lock(&t->lock);
	drop_dead_session_locked(t);
	v = !is_ctty_locked(t) ? -1 : sid ? t->sid : t->pgrp;
	tty_unlock(t);
	if (v < 0)
		return -ENOTTY;
	return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0;
}

static long set_winsize(struct tty *t, unsigned long arg)
{
	struct winsize ws;
	bool changed;
	int pgrp;

	if (copy_from_user(&ws, uptr(arg), sizeof(ws)))
		return -EFAULT;
	mutex_lock(&t->lock);
	changed = memcmp(&ws, &t->ws, sizeof(ws)) != 0;
	t->ws = ws;
	pgrp = t->pgrp;
	tty_unlock(t);
	if (changed)
		send_signal(pgrp, SIGWINCH);
	return 0;
}

/* Small reads of the state: TCGETS, TIOCGWINSZ, FIONREAD, TIOCOUTQ. */
static long get_state(struct tty *t, unsigned long cmd, unsigned long arg)
{
	union {
		struct ldisc_termios tio;
		struct winsize ws;
		int n;
	} u;
	size_t len;
	int sig = 0, pgrp;

	mutex_lock(&t->lock);
	if (cmd == TCGETS) {
		u.tio = t->ld.t;
		len = sizeof(u.tio);
	} else if (cmd == TIOCGWINSZ) {
		u.ws = t->ws;
		len = sizeof(u.ws);
	} else {
		if (cmd == FIONREAD)
			sig = pump_locked(t);
		u.n = cmd == FIONREAD ? (int)ldisc_avail(&t->ld) : 0;
		len = sizeof(u.n);
	}
	pgrp = t->pgrp;
	tty_unlock(t);
	send_signal(pgrp, sig);
	return copy_to_user(uptr(arg), &u, len) ? -EFAULT : 0;
}

long tty_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct tty *t = &console_tty;

	(void)f;
	switch (cmd) {
	case TCGETS:
	case TIOCGWINSZ:
	case FIONREAD:
	case TIOCOUTQ:
		return get_state(t, cmd, arg);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(t, cmd, arg);
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		mutex_lock(&t->lock);
		if (arg != TCOFLUSH)
			ldisc_flush_input(&t->ld);
		tty_unlock(t);
		return 0;
	case TIOCSWINSZ:
		return set_winsize(t, arg);
	case TIOCGPGRP:
	case TIOCGSID:
		return get_id(t, arg, cmd == TIOCGSID);
	case TIOCSPGRP:
		return set_pgrp(t, arg);
	case TIOCSCTTY:
		return set_ctty(t, arg);
	case TIOCNOTTY:
		return no_ctty(t);
	default:
		return -ENOTTY;
	}
}

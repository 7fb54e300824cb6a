/*
 * poll, ppoll, select and pselect6 (Linux fs/select.c; poll(2),
 * select(2)): every file's poll op is asked for its readiness and
 * registers the caller on its wait queues (fs/poll.h); with nothing ready
 * the caller sleeps until a queue is woken, the timeout passes or a
 * signal is pending (-EINTR), then scans again. poll reports POLLNVAL for
 * a descriptor that is not open; select fails with -EBADF. select and
 * pselect6 (and ppoll) write the time left back, as Linux does.
 * ppoll/pselect6 wait with their signal mask in place of the caller's
 * (proc_sigmask_for_wait), restored after the handler if one interrupts.
 * Locking: none of its own; the files' wait queues' locks.
 */
#include "fs/poll.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/resource.h"
#include "include/uapi/stat.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "syscall/syscall_internal.h"
#include "time/ktime.h"

#define NS_PER_SEC 1000000000ull
#define POLL_FOREVER UINT64_MAX
#define POLL_OVERFLOW_NS 10000000ull // a too-full table re-scans every 10 ms
#define POLL_QUEUES_PER_FILE 2	     // a pipe opened O_RDWR has two

/* What select's three sets mean in poll bits (Linux's POLL*_SET). */
#define SEL_IN (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define SEL_OUT (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define SEL_EX (POLLPRI)

struct linux_pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* One polled descriptor. */
struct pitem {
	struct file *f; // referenced; NULL: not open (POLLNVAL)
	unsigned int events, revents;
};

/* One scan: each item's revents; returns how many are ready. */
static int poll_scan(struct pitem *it, size_t n, struct poll_table *pt)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		if (!it[i].f)
			it[i].revents = it[i].events & POLLNVAL;
		else
			it[i].revents = file_poll(it[i].f, pt) & it[i].events;
		ready += it[i].revents != 0;
	}
	return ready;
}

/* Scan until something is ready, @deadline (ktime ns; 0: scan once,
 * POLL_FOREVER: none) passes or a signal comes (-EINTR). */
static int poll_wait_loop(struct pitem *it, size_t n, uint64_t deadline)
{
	struct waitqueue self; // always armed: something to sleep on
	struct poll_table pt = { 0 };
	int ready;

	if (!deadline)
		return poll_scan(it, n, NULL);
	pt.max = n * POLL_QUEUES_PER_FILE + 1;
	pt.entries = kcalloc(pt.max, sizeof(*pt.entries));
	if (!pt.entries)
		return -ENOMEM;
	waitqueue_init(&self, "poll");
	waitq_interruptible_begin();
	for (;;) {
		uint64_t until = deadline;

		poll_table_rescan(&pt);
		poll_wait(&pt, &self);
		ready = poll_scan(it, n, &pt);
		if (ready)
			break;
		if (task_signal_pending()) {
			ready = -EINTR;
			break;
		}
		if (deadline != POLL_FOREVER && ktime_ns() >= deadline)
			break;
		if (poll_table_woken(&pt))
			continue;
		if (poll_table_overflowed(&pt))
			until = MIN(until, ktime_ns() + POLL_OVERFLOW_NS);
		if (until == POLL_FOREVER)
			waitq_sleep(&pt.entries[0].we);
		else
			waitq_sleep_until(&pt.entries[0].we, until);
	}
	poll_table_finish(&pt);
	waitq_interruptible_end();
	kfree(pt.entries);
	return ready;
}

static void put_items(struct pitem *it, size_t n)
{
	for (size_t i = 0; i < n; i++)
		file_put(it[i].f);
	kfree(it);
}

/* The deadline @ts (relative) sets, or -EINVAL for an invalid one. */
static int deadline_of(const struct linux_timespec *ts, uint64_t *out)
{
	uint64_t ns;

	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NS_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > (POLL_FOREVER - NS_PER_SEC) / NS_PER_SEC / 2) {
		*out = POLL_FOREVER; // centuries: the same as none
		return 0;
	}
	ns = (uint64_t)ts->tv_sec * NS_PER_SEC + (uint64_t)ts->tv_nsec;
	*out = ns ? ktime_ns() + ns : 0;
	return 0;
}

/* The time left until @deadline, for the write-back. */
static struct linux_timespec time_left(uint64_t deadline)
{
	uint64_t now = ktime_ns(), left = deadline > now ? deadline - now : 0;

	return (struct linux_timespec){ (int64_t)(left / NS_PER_SEC),
					(int64_t)(left % NS_PER_SEC) };
}

static long do_poll(uptr_t ufds, unsigned int nfds, uint64_t deadline)
{
	struct linux_pollfd *pfd;
	struct pitem *it;
	long ret;

	if (nfds > sys_rlimit_cur(RLIMIT_NOFILE) || nfds > FD_TABLE_MAX * 4)
		return -EINVAL;
	pfd = kcalloc(nfds ? nfds : 1, sizeof(*pfd));
	it = kcalloc(nfds ? nfds : 1, sizeof(*it));
	if (!pfd || !it) {
		kfree(pfd);
		kfree(it);
		return -ENOMEM;
	}
	ret = copy_from_user(pfd, ufds, nfds * sizeof(*pfd));
	for (unsigned int i = 0; !ret && i < nfds; i++) {
		it[i].f = pfd[i].fd < 0 ? NULL : sys_file(pfd[i].fd);
		/* A negative fd is skipped (revents 0); a closed one POLLNVAL. */
		it[i].events = pfd[i].fd < 0 ? 0
			       : it[i].f     ? ((uint16_t)pfd[i].events | POLLERR | POLLHUP)
					     : POLLNVAL;
	}
	if (!ret)
		ret = poll_wait_loop(it, nfds, deadline);
	for (unsigned int i = 0; ret >= 0 && i < nfds; i++)
		pfd[i].revents = (int16_t)it[i].revents;
	if (ret >= 0 && copy_to_user(ufds, pfd, nfds * sizeof(*pfd)))
		ret = -EFAULT;
	put_items(it, nfds);
	kfree(pfd);
	return ret;
}

long sys_poll(uptr_t ufds, unsigned int nfds, int timeout_ms)
{
	uint64_t deadline = timeout_ms < 0 ? POLL_FOREVER
			    : timeout_ms   ? ktime_ns() + (uint64_t)timeout_ms * 1000000ull
					   : 0;

	return do_poll(ufds, nfds, deadline);
}

long sys_ppoll(uptr_t ufds, unsigned int nfds, uptr_t tsp, uptr_t sigmask, size_t sigsetsize)
{
	struct linux_timespec ts;
	uint64_t deadline = POLL_FOREVER, mask;
	long ret;

	if (!uptr_is_null(sigmask) && sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (!uptr_is_null(tsp)) {
		if (copy_from_user(&ts, tsp, sizeof(ts)))
			return -EFAULT;
		if (deadline_of(&ts, &deadline))
			return -EINVAL;
	}
	if (!uptr_is_null(sigmask)) {
		if (copy_from_user(&mask, sigmask, sizeof(mask)))
			return -EFAULT;
		proc_sigmask_for_wait(mask);
	}
	ret = do_poll(ufds, nfds, deadline);
	if (!uptr_is_null(sigmask))
		proc_sigmask_after_wait(ret == -EINTR);
	if (!uptr_is_null(tsp) && deadline && deadline != POLL_FOREVER) {
		ts = time_left(deadline);
		(void)!copy_to_user(tsp, &ts, sizeof(ts)); // see write_back_note
	}
	return ret;
}

/*
 * write_back_note: the time left is written back only for a nonzero
 * timeout, and a fault doing so is ignored: Linux's poll_select_finish
 * does not turn a completed call into -EFAULT for a read-only timeout.
 */

/* select's sets: @nwords 64-bit words each (NULL: none). */
struct fdsets {
	uint64_t *in, *out, *ex;
};

static int sets_copy_in(uint64_t *k, uptr_t u, size_t bytes)
{
	if (uptr_is_null(u)) {
		memset(k, 0, bytes);
		return 0;
	}
	return copy_from_user(k, u, bytes);
}

static bool bit(const uint64_t *set, int fd)
{
	return (set[fd / 64] >> (fd % 64)) & 1;
}

/* Turn the sets into items (only descriptors named in some set). */
static long select_items(const struct fdsets *s, int n, struct pitem *it, int *fdof)
{
	long count = 0;

	for (int fd = 0; fd < n; fd++) {
		unsigned int ev = (bit(s->in, fd) ? SEL_IN : 0) | (bit(s->out, fd) ? SEL_OUT : 0) |
				  (bit(s->ex, fd) ? SEL_EX : 0);

		if (!ev)
			continue;
		it[count].f = sys_file(fd);
		if (!it[count].f)
			return -EBADF;
		it[count].events = ev;
		fdof[count++] = fd;
	}
	return count;
}

/* The result sets from the items' revents; returns the bits set. */
static long select_results(struct fdsets *s, size_t words, const struct pitem *it, long count,
			   const int *fdof)
{
	long bits = 0;

	memset(s->in, 0, words * 24);
	for (long i = 0; i < count; i++) {
		int fd = fdof[i];
		uint64_t b = 1ull << (fd % 64);

		if (it[i].revents & SEL_IN & it[i].events && (it[i].events & POLLIN)) {
			s->in[fd / 64] |= b;
			bits++;
		}
		if (it[i].revents & SEL_OUT & it[i].events && (it[i].events & POLLOUT)) {
			s->out[fd / 64] |= b;
			bits++;
		}
		if (it[i].revents & SEL_EX && (it[i].events & POLLPRI)) {
			s->ex[fd / 64] |= b;
			bits++;
		}
	}
	return bits;
}

static long do_select(int n, uptr_t uin, uptr_t uout, uptr_t uex, uint64_t deadline)
{
	size_t words, bytes;
	struct fdsets s;
	struct pitem *it = NULL;
	int *fdof = NULL;
	long ret, count = 0;

	if (n < 0)
		return -EINVAL;
	if (n > FD_TABLE_MAX)
		n = FD_TABLE_MAX; // Linux: clamped to the table's size
	words = ((size_t)n + 63) / 64;
	bytes = words * sizeof(uint64_t);
	s.in = kcalloc(words ? words * 3 : 3, sizeof(uint64_t));
	if (!s.in)
		return -ENOMEM;
	s.out = s.in + words;
	s.ex = s.out + words;
	ret = -EFAULT;
	if (sets_copy_in(s.in, uin, bytes) || sets_copy_in(s.out, uout, bytes) ||
	    sets_copy_in(s.ex, uex, bytes))
		goto out_free;
	ret = -ENOMEM;
	it = kcalloc(n ? (size_t)n : 1, sizeof(*it));
	fdof = kcalloc(n ? (size_t)n : 1, sizeof(*fdof));
	if (!it || !fdof)
		goto out_free;
	count = ret = select_items(&s, n, it, fdof);
	if (ret < 0) {
		count = n; // put whatever was taken (the rest are NULL)
		goto out_free;
	}
	ret = poll_wait_loop(it, (size_t)count, deadline);
	if (ret < 0)
		goto out_free;
	ret = select_results(&s, words, it, count, fdof);
	if ((!uptr_is_null(uin) && copy_to_user(uin, s.in, bytes)) ||
	    (!uptr_is_null(uout) && copy_to_user(uout, s.out, bytes)) ||
	    (!uptr_is_null(uex) && copy_to_user(uex, s.ex, bytes)))
		ret = -EFAULT;
out_free:
	if (it)
		for (long i = 0; i < count; i++)
			file_put(it[i].f);
	kfree(it);
	kfree(fdof);
	kfree(s.in);
	return ret;
}

long sys_select(int n, uptr_t in, uptr_t out, uptr_t ex, uptr_t utv)
{
	struct linux_timeval tv;
	struct linux_timespec ts;
	uint64_t deadline = POLL_FOREVER;
	long ret;

	if (!uptr_is_null(utv)) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		/* Linux: tv_usec past a second carries into tv_sec. */
		ts.tv_sec = tv.tv_sec + tv.tv_usec / 1000000;
		ts.tv_nsec = (tv.tv_usec % 1000000) * 1000;
		if (tv.tv_usec < 0 || deadline_of(&ts, &deadline))
			return -EINVAL;
	}
	ret = do_select(n, in, out, ex, deadline);
	if (!uptr_is_null(utv) && deadline && deadline != POLL_FOREVER) {
		ts = time_left(deadline);
		tv.tv_sec = ts.tv_sec;
		tv.tv_usec = ts.tv_nsec / 1000;
		(void)!copy_to_user(utv, &tv, sizeof(tv)); // see write_back_note
	}
	return ret;
}

long sys_pselect6(int n, uptr_t in, uptr_t out, uptr_t ex, uptr_t uts, uptr_t usig)
{
	struct linux_timespec ts;
	uint64_t deadline = POLL_FOREVER, sig[2];
	long ret;

	if (!uptr_is_null(usig)) { // { const sigset_t *ss; size_t ss_len; }
		if (copy_from_user(sig, usig, sizeof(sig)))
			return -EFAULT;
		if (sig[0] && sig[1] != sizeof(uint64_t))
			return -EINVAL;
	}
	if (!uptr_is_null(uts)) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (deadline_of(&ts, &deadline))
			return -EINVAL;
	}
	if (!uptr_is_null(usig) && sig[0]) {
		uint64_t mask;

		if (copy_from_user(&mask, uptr(sig[0]), sizeof(mask)))
			return -EFAULT;
		proc_sigmask_for_wait(mask);
	}
	ret = do_select(n, in, out, ex, deadline);
	if (!uptr_is_null(usig) && sig[0])
		proc_sigmask_after_wait(ret == -EINTR);
	if (!uptr_is_null(uts) && deadline && deadline != POLL_FOREVER) {
		ts = time_left(deadline);
		(void)!copy_to_user(uts, &ts, sizeof(ts)); // see write_back_note
	}
	return ret;
}

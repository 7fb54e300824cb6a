/*
 * Futexes (proc/futex.h): a hash table of waiters by key, FUTEX_WAIT /
 * WAKE / REQUEUE / CMP_REQUEUE and the bitset forms, and the exit-time
 * duties (robust list, clear_child_tid). A waiter queues itself BEFORE it
 * reads the user word: a waker that changed the word after that read
 * finds it queued, one that changed it before is seen by the read, so no
 * wake-up is lost although the read (which may fault and sleep) is not
 * made under the lock as Linux's is. CMP_REQUEUE's compare is made just
 * before taking the lock, for the same reason. One lock for the table
 * (requeue moves waiters between buckets, and the rank checker allows no
 * two locks of one rank); each waiter sleeps on its own wait queue.
 * Reference: futex(2), Linux kernel/futex/ (core.c get_futex_key,
 * waitwake.c, requeue.c), Documentation/robust-futex-ABI.rst,
 * kernel/futex/core.c exit_robust_list / handle_futex_death.
 * Locking: futex_lock, then a waiter's wq.lock (LOCK_RANK_WAITQ); a waker
 * wakes with futex_lock held and a waiter takes it before it returns, so
 * a waiter's stack is never touched after it has gone.
 */
#include "proc/futex.h"

#include "arch/arch.h"
#include "core/log.h"
#include "include/atomic.h"
#include "include/list.h"
#include "include/uapi/errno.h"
#include "proc/futex_core.h"
#include "proc/mm.h"
#include "proc/mm_internal.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "sched/task.h"
#include "sched/waitqueue.h"
#include "sync/spinlock.h"
#include "time/ktime.h"
#include "time/rtc.h"

#define LOG_PREFIX "futex: "
#define HASH_BITS 8
#define NSEC 1000000000ull
#define MAX_SLEEP_NS (3600ull * NSEC) /* one sleep at most: the deadline is re-checked */
#define SHARED_KEY 1		      /* key.a of a shared futex (no mm is at address 1) */
#define ROBUST_LIST_LIMIT 2048	      /* Linux's: a looping list ends here */

struct futex_key {
	uint64_t a; /* the mm, or SHARED_KEY */
	uint64_t b; /* the user address, or the physical address */
};

struct futex_waiter {
	/* Protected by futex_lock: */
	struct list_head link; /* in its key's bucket while queued */
	struct futex_key key;
	bool woken; /* dequeued by a waker (read by the waiter without the lock) */
	/* Immutable while queued: */
	uint32_t bitset;
	struct waitqueue wq; /* the waiter alone sleeps here */
};

static struct spinlock futex_lock = SPINLOCK_INIT("futex", LOCK_RANK_WAITQ - 1);
static struct list_head buckets[1u << HASH_BITS] GUARDED_BY(&futex_lock);
static bool buckets_ready GUARDED_BY(&futex_lock);
static unsigned int nr_waiters GUARDED_BY(&futex_lock);

/* Take futex_lock (the table is set up on first use). */
static unsigned long lock_table(void) ACQUIRE(&futex_lock)
{
	unsigned long flags = spin_lock_irqsave(&futex_lock);

	if (!buckets_ready) {
		for (size_t i = 0; i < ARRAY_SIZE(buckets); i++)
			list_init(&buckets[i]);
		buckets_ready = true;
	}
	return flags;
}

static struct list_head *bucket_of(const struct futex_key *k)
{
	return &buckets[futex_hash(k->a, k->b, HASH_BITS)];
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

/* The physical address behind @addr in @mm, when @addr is in a
 * MAP_SHARED region and its page is present; false otherwise. */
static bool shared_phys(struct mm *mm, uintptr_t addr, paddr_t *pa)
{
	unsigned long flags = mm_lock(mm);
	struct vma *v = mm_find_vma_locked(mm, addr);
	unsigned int fl;
	bool ok = false;

	if (v && v->shared && arch_as_translate(mm->root, ALIGN_DOWN(addr, PAGE_SIZE), pa, &fl)) {
		*pa += addr & (PAGE_SIZE - 1);
		ok = true;
	}
	mm_unlock(mm, flags);
	return ok;
}

/* The key of the word at @uaddr (Linux's get_futex_key): -EINVAL when it
 * is not 4-byte aligned, -EFAULT outside the user half (a private word is
 * not looked up further: its wait's read faults instead). A shared
 * word's page is faulted in first (a read), so both processes name the
 * same frame. */
static int get_key(uptr_t uaddr, bool private, struct futex_key *k)
{
	struct proc *p = proc_current();
	uintptr_t addr = (uintptr_t)uaddr.addr_;
	paddr_t pa;
	uint32_t v;

	if (addr & 3)
		return -EINVAL;
	if (!uptr_range_ok(uaddr, sizeof(uint32_t)) || !p || !p->mm)
		return -EFAULT;
	k->a = (uint64_t)(uintptr_t)p->mm;
	k->b = addr;
	if (private)
		return 0;
	if (copy_from_user(&v, uaddr, sizeof(v)))
		return -EFAULT;
	if (shared_phys(p->mm, addr, &pa)) {
		k->a = SHARED_KEY;
		k->b = pa;
	}
	return 0;
}

static void queue_locked(struct futex_waiter *w) REQUIRES(&futex_lock)
{
	spin_assert_held(&futex_lock);
	list_add_tail(&w->link, bucket_of(&w->key));
	nr_waiters++;
}

static void wake_locked(struct futex_waiter *w) REQUIRES(&futex_lock)
{
	spin_assert_held(&futex_lock);
	list_del(&w->link);
	nr_waiters--;
	WRITE_ONCE(w->woken, true);
	waitq_wake_all(&w->wq);
}

/* Sleep until woken, @deadline (ktime ns, UINT64_MAX: none) or a
 * signal: 0 woken, -ETIMEDOUT, -EINTR. */
static int sleep_on(struct futex_waiter *w, uint64_t deadline)
{
	for (;;) {
		uint64_t now = ktime_ns();
		int r;

		if (READ_ONCE(w->woken))
			return 0;
		if (deadline == UINT64_MAX) {
			r = wait_event_interruptible(&w->wq, READ_ONCE(w->woken));
			return r ? -EINTR : 0;
		}
		if (now >= deadline)
			return -ETIMEDOUT;
		r = wait_event_interruptible_timeout(&w->wq, READ_ONCE(w->woken),
						     MIN(deadline - now, MAX_SLEEP_NS));
		if (r < 0)
			return -EINTR;
		if (r > 0)
			return 0;
	}
}

static long futex_wait(uptr_t uaddr, bool private, uint32_t val, uint32_t bitset, uint64_t deadline,
		       bool timed)
{
	struct futex_waiter w = { .bitset = bitset };
	unsigned long flags;
	uint32_t cur;
	long ret;

	if (!bitset)
		return -EINVAL;
	ret = get_key(uaddr, private, &w.key);
	if (ret)
		return ret;
	waitqueue_init(&w.wq, "futex");
	flags = lock_table();
	queue_locked(&w);
	spin_unlock_irqrestore(&futex_lock, flags);
	if (copy_from_user(&cur, uaddr, sizeof(cur)))
		ret = -EFAULT;
	else if (cur != val)
		ret = -EAGAIN;
	else
		ret = sleep_on(&w, deadline);
	flags = lock_table();
	if (READ_ONCE(w.woken)) {
		ret = 0; /* a wake that came with the timeout or signal counts */
	} else {
		list_del(&w.link);
		nr_waiters--;
	}
	spin_unlock_irqrestore(&futex_lock, flags);
	if (ret == -EINTR) /* untimed: restart; timed: -EINTR when a handler runs */
		ret = timed ? -ERESTARTNOHAND : -ERESTARTSYS;
	return ret;
}

static long wake_key(const struct futex_key *k, int nr, uint32_t bitset)
{
	unsigned long flags;
	struct list_head *pos, *tmp;
	long woken = 0;

	if (!bitset)
		return -EINVAL;
	flags = lock_table();
	list_for_each_safe(pos, tmp, bucket_of(k))
	{
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);

		if (woken >= nr)
			break;
		if (key_eq(&w->key, k) && (w->bitset & bitset)) {
			wake_locked(w);
			woken++;
		}
	}
	spin_unlock_irqrestore(&futex_lock, flags);
	return woken;
}

static long futex_wake(uptr_t uaddr, bool private, int nr, uint32_t bitset)
{
	struct futex_key k;
	long err = get_key(uaddr, private, &k);

	return err ? err : wake_key(&k, nr, bitset);
}

long futex_wake_user(uptr_t uaddr, int nr)
{
	return futex_wake(uaddr, false, nr, FUTEX_BITSET_MATCH_ANY);
}

/* REQUEUE / CMP_REQUEUE: wake @nr_wake waiters of @uaddr, move up to
 * @nr_requeue others to @uaddr2. Returns woken + moved. */
static long futex_requeue(uptr_t uaddr, uptr_t uaddr2, bool private, int nr_wake, int nr_requeue,
			  bool cmp, uint32_t val3)
{
	struct futex_key k1, k2;
	struct list_head *pos, *tmp;
	unsigned long flags;
	long done = 0, moved = 0, err;
	uint32_t cur;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = get_key(uaddr, private, &k1);
	if (!err)
		err = get_key(uaddr2, private, &k2);
	if (err)
		return err;
	if (cmp) {
		if (copy_from_user(&cur, uaddr, sizeof(cur)))
			return -EFAULT;
		if (cur != val3)
			return -EAGAIN;
	}
	flags = lock_table();
	list_for_each_safe(pos, tmp, bucket_of(&k1))
	{
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, link);

		if (!key_eq(&w->key, &k1))
			continue;
		if (done < nr_wake) {
			wake_locked(w);
			done++;
		} else if (moved < nr_requeue) {
			if (!key_eq(&k1, &k2)) { /* onto itself: it stays where it is */
				list_del(&w->link);
				w->key = k2;
				list_add_tail(&w->link, bucket_of(&k2));
			}
			moved++;
		} else {
			break;
		}
	}
	spin_unlock_irqrestore(&futex_lock, flags);
	return done + moved;
}

struct linux_timespec {
	int64_t tv_sec, tv_nsec;
};

/* The deadline of a wait command's timeout (UINT64_MAX: none). */
static int wait_deadline(const struct futex_cmd *c, uptr_t utime, uint64_t *deadline)
{
	struct linux_timespec ts;
	uint64_t mono = ktime_ns();
	int64_t now;

	*deadline = UINT64_MAX;
	if (uptr_is_null(utime))
		return 0;
	if (copy_from_user(&ts, utime, sizeof(ts)))
		return -EFAULT;
	if (c->cmd == FUTEX_WAIT)
		return futex_deadline(ts.tv_sec, ts.tv_nsec, false, 0, mono, deadline);
	now = c->clockrt ? rtc_unix_now_ns() : (int64_t)mono;
	if (now < 0)
		now = (int64_t)mono; /* no RTC: realtime is the monotonic clock */
	return futex_deadline(ts.tv_sec, ts.tv_nsec, true, now, mono, deadline);
}

long futex_syscall(uptr_t uaddr, int op, uint32_t val, uptr_t utime, uptr_t uaddr2, uint32_t val3)
{
	static bool logged;
	struct futex_cmd c;
	uint64_t deadline;
	long err = futex_decode_op(op, &c);

	if (err)
		return err;
	switch (c.cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fallthrough */
	case FUTEX_WAIT_BITSET:
		err = wait_deadline(&c, utime, &deadline);
		if (err)
			return err;
		return futex_wait(uaddr, c.private, val, val3, deadline, !uptr_is_null(utime));
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fallthrough */
	case FUTEX_WAKE_BITSET:
		/* Linux wakes one even for 0 or a negative count */
		return futex_wake(uaddr, c.private, (int)val < 1 ? 1 : (int)val, val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		/* val2 (the requeue count) comes in the timeout's register */
		return futex_requeue(uaddr, uaddr2, c.private, (int)val, (int)utime.addr_,
				     c.cmd == FUTEX_CMP_REQUEUE, val3);
	default:
		if (!atomic_exchange(&logged, true))
			log_warn("futex op %d is not supported (-ENOSYS)\n", c.cmd);
		return -ENOSYS;
	}
}

unsigned int futex_nr_waiters(void)
{
	unsigned long flags = lock_table();
	unsigned int n = nr_waiters;

	spin_unlock_irqrestore(&futex_lock, flags);
	return n;
}

/* ---- exit: the robust list and clear_child_tid ---- */

/* The dying owner @tid's lock word at @uaddr: mark it FUTEX_OWNER_DIED
 * (keeping FUTEX_WAITERS) and wake one waiter (Linux's
 * handle_futex_death). Returns false when the word cannot be read. */
static bool futex_death(uptr_t uaddr, int tid)
{
	uint32_t uval, found;

	for (int tries = 0; tries < 16; tries++) {
		if (copy_from_user(&uval, uaddr, sizeof(uval)))
			return false;
		if ((uval & FUTEX_TID_MASK) != (uint32_t)tid)
			return true; /* not ours (any more) */
		if (cmpxchg_user_u32(uaddr, uval, (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED,
				     &found))
			return false;
		if (found != uval)
			continue; /* a waiter set FUTEX_WAITERS meanwhile */
		if (uval & FUTEX_WAITERS)
			(void)futex_wake_user(uaddr, 1);
		return true;
	}
	return true;
}

struct robust_list_head {
	uint64_t list; /* the first entry, or the head's own address: empty */
	int64_t futex_offset;
	uint64_t list_op_pending;
};

static void walk_robust_list(const struct thread *th)
{
	struct robust_list_head h;
	uint64_t head = th->robust_list.addr_, entry, pending;
	int limit = ROBUST_LIST_LIMIT;

	if (copy_from_user(&h, th->robust_list, sizeof(h)))
		return;
	entry = h.list & ~1ull; /* bit 0: a PI futex (Corvid has none) */
	pending = h.list_op_pending & ~1ull;
	while (entry != head && limit-- > 0) {
		uint64_t next;

		if (copy_from_user(&next, uptr(entry), sizeof(next)))
			return;
		if (entry != pending &&
		    !futex_death(uptr(entry + (uint64_t)h.futex_offset), th->tid))
			return;
		entry = next & ~1ull;
	}
	if (pending)
		(void)futex_death(uptr(pending + (uint64_t)h.futex_offset), th->tid);
}

void futex_thread_release(struct thread *th)
{
	struct proc *p = th->proc;

	if (!p->mm)
		return;
	if (!uptr_is_null(th->robust_list) && th->robust_len == sizeof(struct robust_list_head))
		walk_robust_list(th);
	th->robust_list = uptr(0);
	if (!uptr_is_null(th->clear_child_tid)) {
		uint32_t zero = 0;

		/* CLONE_CHILD_CLEARTID: pthread_join waits on this word */
		if (copy_to_user(th->clear_child_tid, &zero, sizeof(zero)))
			log_debug("tid %d: its clear_child_tid is not writable\n", th->tid);
		else
			(void)futex_wake_user(th->clear_child_tid, 1);
		th->clear_child_tid = uptr(0);
	}
}

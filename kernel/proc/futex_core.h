/*
 * The pure half of futexes (proc/futex.c): decoding futex(2)'s op word,
 * turning its timeout into a monotonic deadline and hashing a key to a
 * bucket. Pure: no locks, no user memory; tests/unit/futex_core_test.c.
 * Reference: futex(2), Linux kernel/futex/syscalls.c (futex_init_timeout,
 * the FUTEX_CLOCK_REALTIME rule), include/uapi/linux/futex.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/compiler.h"

/* futex(2) commands (the op word's low 7 bits) and flags. */
enum {
	FUTEX_WAIT = 0,
	FUTEX_WAKE = 1,
	FUTEX_FD = 2,
	FUTEX_REQUEUE = 3,
	FUTEX_CMP_REQUEUE = 4,
	FUTEX_WAKE_OP = 5,
	FUTEX_LOCK_PI = 6,
	FUTEX_UNLOCK_PI = 7,
	FUTEX_TRYLOCK_PI = 8,
	FUTEX_WAIT_BITSET = 9,
	FUTEX_WAKE_BITSET = 10,
	FUTEX_WAIT_REQUEUE_PI = 11,
	FUTEX_CMP_REQUEUE_PI = 12,
	FUTEX_LOCK_PI2 = 13,
	FUTEX_PRIVATE_FLAG = 128,
	FUTEX_CLOCK_REALTIME = 256,
};
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* The robust-futex word (Documentation/robust-futex-ABI.rst). */
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

struct futex_cmd {
	int cmd;      /* FUTEX_WAIT ... */
	bool private; /* FUTEX_PRIVATE_FLAG */
	bool clockrt; /* FUTEX_CLOCK_REALTIME */
};

/* Split @op. Returns 0, or -ENOSYS for FUTEX_CLOCK_REALTIME with a
 * command other than FUTEX_WAIT_BITSET (and the PI waits), as the Linux
 * the differential test runs on (6.x) answers FUTEX_WAIT too. */
int futex_decode_op(int op, struct futex_cmd *out) __must_check;

/* Does @cmd take a timeout in its fourth argument (rather than val2)? */
bool futex_cmd_has_timeout(int cmd);

/*
 * The monotonic deadline of a wait given timespec @sec/@nsec: FUTEX_WAIT's
 * is relative, FUTEX_WAIT_BITSET's absolute on CLOCK_MONOTONIC or (with
 * @clockrt) CLOCK_REALTIME; @now_mono and @now_clock are the monotonic
 * clock and the clock the timeout is on, in ns. A deadline in the past is
 * @now_mono (the wait times out at once). Returns 0 or -EINVAL (negative
 * seconds, nanoseconds outside [0, 1e9)).
 */
int futex_deadline(int64_t sec, int64_t nsec, bool absolute, int64_t now_clock, uint64_t now_mono,
		   uint64_t *deadline) __must_check;

/* Bucket of key (@a, @b) in a table of 2^@bits buckets. */
unsigned int futex_hash(uint64_t a, uint64_t b, unsigned int bits);

/*
 * Futex op decoding, timeouts and key hashing (proc/futex_core.h).
 * Pure: host-testable.
 */
#include "proc/futex_core.h"

#include "include/uapi/errno.h"

#define NSEC 1000000000ll

int futex_decode_op(int op, struct futex_cmd *out)
{
	out->cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	out->private = (op & FUTEX_PRIVATE_FLAG) != 0;
	out->clockrt = (op & FUTEX_CLOCK_REALTIME) != 0;
	if (out->clockrt && out->cmd != FUTEX_WAIT_BITSET && out->cmd != FUTEX_WAIT_REQUEUE_PI &&
	    out->cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	return 0;
}

bool futex_cmd_has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
	       cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_WAIT_REQUEUE_PI;
}

int futex_deadline(int64_t sec, int64_t nsec, bool absolute, int64_t now_clock, uint64_t now_mono,
		   uint64_t *deadline)
{
	int64_t rel;

	if (sec < 0 || nsec < 0 || nsec >= NSEC)
		return -EINVAL;
	if (absolute) {
		/* how far the target is on its clock, in ns, saturating */
		if (sec > INT64_MAX / NSEC - 1) {
			*deadline = UINT64_MAX;
			return 0;
		}
		rel = sec * NSEC + nsec - now_clock;
		if (rel <= 0) {
			*deadline = now_mono;
			return 0;
		}
	} else {
		if (sec > INT64_MAX / NSEC - 1) {
			*deadline = UINT64_MAX;
			return 0;
		}
		rel = sec * NSEC + nsec;
	}
	*deadline = (uint64_t)rel > UINT64_MAX - now_mono ? UINT64_MAX : now_mono + (uint64_t)rel;
	return 0;
}

unsigned int futex_hash(uint64_t a, uint64_t b, unsigned int bits)
{
	/* a 64-bit mix (splitmix64's finaliser) of both words, top bits kept */
	uint64_t x = a * 0x9e3779b97f4a7c15ull ^ (b >> 2);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return bits ? (unsigned int)(x >> (64 - bits)) : 0;
}

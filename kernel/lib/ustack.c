/*
 * Initial user stack builder (lib/ustack.h). Works on a buffer that
 * stands for the top of the stack, so the same code runs in the kernel
 * and in the host test; every address it writes is a user address.
 * Pure: host-testable.
 */
#include "lib/ustack.h"

#include "include/uapi/errno.h"
#include "lib/string.h"

struct cursor {
	uint8_t *img;
	uint64_t base, p; /* user address of img[0]; current low end */
};

/* Reserve @n bytes below the current end; 0 when it does not fit. */
static uint64_t push(struct cursor *c, const void *data, size_t n)
{
	if (c->p - c->base < n)
		return 0;
	c->p -= n;
	if (data)
		memcpy(c->img + (c->p - c->base), data, n);
	return c->p;
}

static void put64(struct cursor *c, uint64_t at, uint64_t v)
{
	memcpy(c->img + (at - c->base), &v, sizeof(v));
}

static uint64_t patch(uint64_t type, uint64_t v, uint64_t random, uint64_t execfn,
		      uint64_t platform)
{
	if (type == AT_RANDOM)
		return random;
	if (type == AT_EXECFN)
		return execfn;
	if (type == AT_PLATFORM)
		return platform;
	return v;
}

int ustack_build(uint8_t *img, size_t size, uint64_t top, const struct ustack_args *a, uint64_t *sp)
{
	struct cursor c = { img, top - size, top };
	uint64_t zero = 0, strs, execfn, platform, random, at;
	size_t nwords, off = 0;

	if (top % 16 || size < 64 || (a->strings_len && a->strings[a->strings_len - 1]))
		return -EINVAL;
	if (!push(&c, &zero, sizeof(zero)) ||
	    !(execfn = push(&c, a->execfn, strlen(a->execfn) + 1)) ||
	    !(strs = push(&c, a->strings, a->strings_len)) ||
	    !(platform = push(&c, a->platform, strlen(a->platform) + 1)) ||
	    !(random = push(&c, a->random, sizeof(a->random))))
		return -E2BIG;
	c.p &= ~15ull;
	nwords = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + 2 * (a->nauxv + 1);
	if (c.p - c.base < nwords * 8 + 16)
		return -E2BIG;
	c.p = (c.p - nwords * 8) & ~15ull; /* sp (at argc) 16-byte aligned */
	at = c.p;
	put64(&c, at, (uint64_t)a->argc);
	at += 8;
	for (int i = 0; i < a->argc + a->envc + 2; i++, at += 8) {
		if (i == a->argc || i == a->argc + a->envc + 1) {
			put64(&c, at, 0);
			continue;
		}
		if (off >= a->strings_len)
			return -EINVAL;
		put64(&c, at, strs + off);
		off += strlen(a->strings + off) + 1;
	}
	for (size_t i = 0; i < a->nauxv; i++, at += 16) {
		put64(&c, at, a->auxv[2 * i]);
		put64(&c, at + 8,
		      patch(a->auxv[2 * i], a->auxv[2 * i + 1], random, execfn, platform));
	}
	put64(&c, at, AT_NULL);
	put64(&c, at + 8, 0);
	*sp = c.p;
	return 0;
}

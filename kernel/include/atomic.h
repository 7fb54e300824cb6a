/*
 * Atomic operations on plain integers, thin wrappers around the GCC
 * __atomic builtins. The default ordering is sequentially consistent;
 * the _acquire/_release forms are for lock-like hand-offs. On x86 every
 * read-modify-write is a locked instruction and a full barrier.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	int64_t v;
} atomic_t;

#define ATOMIC_INIT(x) \
	{              \
		(x)    \
	}

static inline int64_t atomic_read(const atomic_t *a)
{
	return __atomic_load_n(&a->v, __ATOMIC_SEQ_CST);
}

static inline void atomic_set(atomic_t *a, int64_t x)
{
	__atomic_store_n(&a->v, x, __ATOMIC_SEQ_CST);
}

/* Add @x and return the new value. */
static inline int64_t atomic_add_return(atomic_t *a, int64_t x)
{
	return __atomic_add_fetch(&a->v, x, __ATOMIC_SEQ_CST);
}

static inline void atomic_inc(atomic_t *a)
{
	__atomic_add_fetch(&a->v, 1, __ATOMIC_SEQ_CST);
}

static inline void atomic_dec(atomic_t *a)
{
	__atomic_sub_fetch(&a->v, 1, __ATOMIC_SEQ_CST);
}

/* Decrement; true when the result is zero (the last reference). */
static inline bool atomic_dec_and_test(atomic_t *a)
{
	return __atomic_sub_fetch(&a->v, 1, __ATOMIC_SEQ_CST) == 0;
}

/* Store @x and return the old value. */
static inline int64_t atomic_xchg(atomic_t *a, int64_t x)
{
	return __atomic_exchange_n(&a->v, x, __ATOMIC_SEQ_CST);
}

/* If the value is @old, store @new; returns true when it did. */
static inline bool atomic_cmpxchg(atomic_t *a, int64_t old, int64_t new_val)
{
	return __atomic_compare_exchange_n(&a->v, &old, new_val, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* Generic forms for any naturally aligned integer or pointer lvalue. */
#define atomic_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define atomic_store_release(p, x) __atomic_store_n(p, x, __ATOMIC_RELEASE)
#define atomic_fetch_add(p, x) __atomic_fetch_add(p, x, __ATOMIC_SEQ_CST)
#define atomic_fetch_or(p, x) __atomic_fetch_or(p, x, __ATOMIC_SEQ_CST)
#define atomic_fetch_and(p, x) __atomic_fetch_and(p, x, __ATOMIC_SEQ_CST)
#define atomic_exchange(p, x) __atomic_exchange_n(p, x, __ATOMIC_SEQ_CST)

/* Full barrier for the compiler and the CPU (mfence on x86). */
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/*
 * Compiler helpers shared by every kernel file and by the host unit tests:
 * attributes, branch hints, barriers, and the lock annotations from
 * STYLE.md (thread-safety attributes under Clang, nothing under GCC).
 */
#pragma once

#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))
#define __used __attribute__((used))
#define __section(s) __attribute__((section(s)))
#define __must_check __attribute__((warn_unused_result))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noinline __attribute__((noinline))
#undef __always_inline /* glibc defines it too (host unit tests) */
#define __always_inline inline __attribute__((always_inline))
#define __weak __attribute__((weak))

/* Debug build? (a constant, so .c files test it with `if`, not #ifdef) */
#ifdef CONFIG_DEBUG
#define CONFIG_DEBUG_ENABLED 1
#else
#define CONFIG_DEBUG_ENABLED 0
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Compiler-only barrier: stops GCC moving memory accesses across it. */
#define barrier() __asm__ __volatile__("" ::: "memory")

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

/* Single, untorn accesses to shared data (Linux's READ_ONCE/WRITE_ONCE). */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* Lock annotations (STYLE.md "Locking"). */
#if defined(__clang__)
#define GUARDED_BY(x) __attribute__((guarded_by(x)))
#define REQUIRES(...) __attribute__((requires_capability(__VA_ARGS__)))
#define ACQUIRE(...) __attribute__((acquire_capability(__VA_ARGS__)))
#define RELEASE(...) __attribute__((release_capability(__VA_ARGS__)))
#else
#define GUARDED_BY(x)
#define REQUIRES(...)
#define ACQUIRE(...)
#define RELEASE(...)
#endif

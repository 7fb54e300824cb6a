/*
 * Tests of the foundation: formatting through the kernel's printf, the
 * embedded symbol table, the fault-catching path the other tests rely on,
 * int3 resumption and the clock.
 */
#include "arch/arch.h"
#include "core/ksyms.h"
#include "ktest/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "time/ktime.h"

KTEST(core_printf_formats)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%5d|%-4s|%#x|%lu", -42, "ab", 255, 1ul << 40);
	KASSERT(strcmp(buf, "  -42|ab  |0xff|1099511627776") == 0);
	KASSERT_EQ(ksnprintf(buf, 4, "%s", "truncated"), 9);
	KASSERT(strcmp(buf, "tru") == 0);
}

KTEST(core_ksyms_lookup)
{
	uintptr_t off = 0;
	uintptr_t addr = ksyms_address("ksyms_lookup");
	const char *name;

	KASSERT(addr != 0);
	name = ksyms_lookup(addr + 3, &off);
	KASSERT(name && strcmp(name, "ksyms_lookup") == 0);
	KASSERT_EQ(off, 3);
	KASSERT(ksyms_lookup(0x1234, &off) == NULL);
}

/* Just below the kernel image: never mapped. */
#define UNMAPPED_ADDR 0xffffffff7ff00000ull

static void touch_unmapped(void *arg)
{
	(void)arg;
	*(volatile int *)UNMAPPED_ADDR = 1;
}

static void no_fault(void *arg)
{
	*(int *)arg = 7;
}

KTEST(core_expected_fault_caught)
{
	struct arch_fault_info info;
	int x = 0;

	KASSERT(ktest_expect_fault(touch_unmapped, NULL, &info));
	KASSERT_EQ(info.vector, 14);
	KASSERT_EQ(info.addr, UNMAPPED_ADDR);
	KASSERT(info.error_code & 2); /* a write */
	KASSERT(!ktest_expect_fault(no_fault, &x, &info));
	KASSERT_EQ(x, 7);
}

KTEST(core_int3_resumes)
{
	volatile int after = 0;

	__asm__ __volatile__("int3");
	after = 1;
	KASSERT_EQ(after, 1);
}

KTEST(core_ktime_monotonic)
{
	uint64_t prev = ktime_ns();

	KASSERT(ktime_cycles_hz() > 0);
	for (int i = 0; i < 10000; i++) {
		uint64_t now = ktime_ns();

		KASSERT(now >= prev);
		prev = now;
	}
	uint64_t t0 = ktime_ns();
	mdelay(5);
	KASSERT(ktime_ns() - t0 >= 5 * NSEC_PER_MSEC);
}

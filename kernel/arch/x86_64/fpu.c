/*
 * FPU/SSE/AVX state for user threads: CR0/CR4 and XCR0 set-up on each CPU,
 * the size of a save area, the initial state Linux gives a new program
 * (FCW 0x37f, MXCSR 0x1f80, everything else zero), and save/restore with
 * xsave/xrstor, or fxsave/fxrstor on CPUs without XSAVE. The kernel itself
 * is built -mgeneral-regs-only, so a CPU's FPU registers belong to the
 * last user thread that ran on it; kernel tasks carry no FPU area.
 * Reference: Intel SDM Vol. 1 §10.5 (FXSAVE area), §13 (XSAVE), Vol. 3
 * §13.1 (CR4.OSFXSR, OSXSAVE).
 * Locking: the globals are written once on the boot CPU, then read-only.
 */
#include "arch/x86_64/fpu.h"

#include "arch/x86_64/cpu.h"
#include "core/log.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "fpu: "

#define FXSAVE_SIZE 512
#define XSAVE_HEADER_END 576 /* legacy area + the 64-byte XSAVE header */
#define XFEATURE_X87 (1ull << 0)
#define XFEATURE_SSE (1ull << 1)
#define XFEATURE_AVX (1ull << 2)
#define FCW_INIT 0x37f	  /* all exceptions masked, 64-bit precision */
#define MXCSR_INIT 0x1f80 /* all exceptions masked, round to nearest */
#define FPU_ALIGN 64	  /* xsave needs 64-byte alignment */
#define OFF_FCW 0
#define OFF_MXCSR 24
#define OFF_XSTATE_BV 512

/* Immutable after fpu_init_boot(): */
static bool use_xsave;
static uint64_t xcr0;
static size_t area_size = FXSAVE_SIZE;

void fpu_init_cpu(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	/* x87 present (no EM), FWAIT honours TS (MP), no lazy trap (TS). */
	write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (c & CPUID1_ECX_XSAVE) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		cpuid(0xd, 0, &a, &b, &c, &d);
		xcr0 = ((uint64_t)d << 32 | a) & (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX);
		xsetbv(0, xcr0);
	}
	__asm__ __volatile__("fninit");
}

void fpu_init_boot(void)
{
	uint32_t a, b, c, d;

	fpu_init_cpu();
	cpuid(1, 0, &a, &b, &c, &d);
	use_xsave = c & CPUID1_ECX_XSAVE;
	if (use_xsave) {
		cpuid(0xd, 0, &a, &b, &c, &d);
		area_size = b > XSAVE_HEADER_END ? b : XSAVE_HEADER_END; /* for xcr0 */
	}
	log_info("%s, %zu-byte save area, XCR0 %#lx\n", use_xsave ? "xsave" : "fxsave", area_size,
		 (unsigned long)xcr0);
}

void *fpu_alloc(void)
{
	uint8_t *raw = kzalloc(area_size + FPU_ALIGN + sizeof(void *));
	uint8_t *area;

	if (!raw)
		return NULL;
	area = (uint8_t *)ALIGN_UP((uintptr_t)raw + sizeof(void *), FPU_ALIGN);
	((void **)area)[-1] = raw;
	*(uint16_t *)(area + OFF_FCW) = FCW_INIT;
	*(uint32_t *)(area + OFF_MXCSR) = MXCSR_INIT;
	if (use_xsave) /* x87 and SSE from the area, AVX in its init state */
		*(uint64_t *)(area + OFF_XSTATE_BV) = XFEATURE_X87 | XFEATURE_SSE;
	return area;
}

void fpu_free(void *area)
{
	if (area)
		kfree(((void **)area)[-1]);
}

void fpu_save(void *area)
{
	if (use_xsave)
		xsave64(area, xcr0);
	else
		fxsave64(area);
}

void fpu_restore(const void *area)
{
	if (use_xsave)
		xrstor64(area, xcr0);
	else
		fxrstor64(area);
}

size_t fpu_area_size(void)
{
	return area_size;
}

void fpu_sanitize(void *area)
{
	uint8_t *a = area;
	uint32_t mxcsr;

	memcpy(&mxcsr, a + OFF_MXCSR, sizeof(mxcsr));
	mxcsr &= 0xffbf; /* the bits every SSE CPU has but DAZ (fxsave's default mask) */
	memcpy(a + OFF_MXCSR, &mxcsr, sizeof(mxcsr));
	if (use_xsave) {
		uint64_t bv;

		memcpy(&bv, a + OFF_XSTATE_BV, sizeof(bv));
		bv &= xcr0;
		memcpy(a + OFF_XSTATE_BV, &bv, sizeof(bv));
		memset(a + OFF_XSTATE_BV + 8, 0, XSAVE_HEADER_END - OFF_XSTATE_BV - 8);
	}
}

/*
 * One static inline wrapper per x86_64 instruction the kernel uses
 * (STYLE.md "Assembly"). Only code under arch/x86_64/ includes this file;
 * generic code goes through arch/arch.h.
 * Reference: Intel SDM Vol. 2 (instruction set), Vol. 3 §2.5 (control regs).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr"
			     :
			     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* RDRAND (Intel SDM Vol. 1 §7.3.17): true when CF says @*v is random. */
static inline bool rdrand64(uint64_t *v)
{
	uint8_t ok;
	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void invlpg(uintptr_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cli(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void sti(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void hlt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

/* sti; hlt as one pair: an interrupt cannot slip in between the two. */
static inline void sti_hlt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

static inline void cpu_pause(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

/* Order all earlier loads and stores before later ones. */
static inline void mfence(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}

/* No later instruction starts until earlier ones have completed locally. */
static inline void lfence(void)
{
	__asm__ __volatile__("lfence" ::: "memory");
}

static inline void lgdt(const void *ptr)
{
	__asm__ __volatile__("lgdt (%0)" : : "r"(ptr) : "memory");
}

static inline void lidt(const void *ptr)
{
	__asm__ __volatile__("lidt (%0)" : : "r"(ptr) : "memory");
}

static inline void ltr(uint16_t sel)
{
	__asm__ __volatile__("ltr %0" : : "r"(sel) : "memory");
}

static inline void int3(void)
{
	__asm__ __volatile__("int3" ::: "memory");
}

static inline uint64_t read_rbp(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%rbp, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_rsp(void)
{
	uint64_t v;
	__asm__ __volatile__("mov %%rsp, %0" : "=r"(v));
	return v;
}

/* A write to an unused port: about 1 µs on real hardware, for old devices. */
static inline void io_wait(void)
{
	outb(0x80, 0);
}

/* CPUID feature bits used across arch/x86_64 (Intel SDM Vol. 2A, CPUID). */
enum {
	CPUID1_ECX_X2APIC = 1u << 21,
	CPUID1_ECX_TSC_DEADLINE = 1u << 24,
	CPUID1_ECX_HYPERVISOR = 1u << 31,
	CPUID1_EDX_APIC = 1u << 9,
	CPUID1_EDX_PAT = 1u << 16,
	CPUID1_EDX_FXSR = 1u << 24,
	CPUID1_ECX_XSAVE = 1u << 26,
	CPUID7_EBX_SMEP = 1u << 7,
	CPUID7_EBX_SMAP = 1u << 20,
	CPUID81_EDX_NX = 1u << 20,
	CPUID81_EDX_PDPE1GB = 1u << 26,
	CPUID87_EDX_INVARIANT_TSC = 1u << 8,
};

enum {
	MSR_APIC_BASE = 0x1b,
	MSR_PAT = 0x277,
	MSR_EFER = 0xc0000080,
	MSR_STAR = 0xc0000081,
	MSR_LSTAR = 0xc0000082,
	MSR_FMASK = 0xc0000084,
	MSR_FS_BASE = 0xc0000100,
	MSR_GS_BASE = 0xc0000101,
	MSR_KERNEL_GS_BASE = 0xc0000102,
};

/* Control-register bits (Intel SDM Vol. 3 §2.5). */
enum {
	CR0_MP = 1u << 1,
	CR0_EM = 1u << 2,
	CR0_TS = 1u << 3,
	CR4_OSFXSR = 1u << 9,
	CR4_OSXMMEXCPT = 1u << 10,
	CR4_OSXSAVE = 1u << 18,
	CR4_SMEP = 1u << 20,
	CR4_SMAP = 1u << 21,
};
#define EFER_SCE (1ull << 0)

static inline void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ __volatile__("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void xsave64(void *area, uint64_t mask)
{
	__asm__ __volatile__("xsave64 (%0)"
			     :
			     : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
			     : "memory");
}

static inline void xrstor64(const void *area, uint64_t mask)
{
	__asm__ __volatile__("xrstor64 (%0)"
			     :
			     : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
			     : "memory");
}

static inline void fxsave64(void *area)
{
	__asm__ __volatile__("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fxrstor64(const void *area)
{
	__asm__ __volatile__("fxrstor64 (%0)" : : "r"(area) : "memory");
}

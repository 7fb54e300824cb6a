/*
 * Memory-mapped device registers: the one mapping helper (mmio_map) and
 * the accessors every driver uses. Each access is a single volatile load or
 * store fenced by compiler barriers, so the compiler neither merges,
 * reorders nor elides it; x86 keeps uncached accesses in program order, so
 * no CPU fence is needed (a weakly ordered architecture would put its
 * fences here). Reference: Intel SDM Vol. 3 §11.3 (UC memory ordering).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "include/compiler.h"
#include "mm/vmalloc.h"

/*
 * Map @len bytes of device registers at physical @pa, uncached, for mmio_*
 * access (mm's ioremap). Returns the virtual address, or NULL when the
 * range cannot be mapped. May not be called before vmm_init().
 */
static inline void *mmio_map(paddr_t pa, size_t len)
{
	return ioremap(pa, len);
}

/* Undo mmio_map(). */
static inline void mmio_unmap(void *va)
{
	iounmap(va);
}

static inline uint8_t mmio_read8(const volatile void *addr)
{
	uint8_t v;

	barrier();
	v = *(const volatile uint8_t *)addr;
	barrier();
	return v;
}

static inline uint16_t mmio_read16(const volatile void *addr)
{
	uint16_t v;

	barrier();
	v = *(const volatile uint16_t *)addr;
	barrier();
	return v;
}

static inline uint32_t mmio_read32(const volatile void *addr)
{
	uint32_t v;

	barrier();
	v = *(const volatile uint32_t *)addr;
	barrier();
	return v;
}

static inline uint64_t mmio_read64(const volatile void *addr)
{
	uint64_t v;

	barrier();
	v = *(const volatile uint64_t *)addr;
	barrier();
	return v;
}

static inline void mmio_write8(volatile void *addr, uint8_t v)
{
	barrier();
	*(volatile uint8_t *)addr = v;
	barrier();
}

static inline void mmio_write16(volatile void *addr, uint16_t v)
{
	barrier();
	*(volatile uint16_t *)addr = v;
	barrier();
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
	barrier();
	*(volatile uint32_t *)addr = v;
	barrier();
}

static inline void mmio_write64(volatile void *addr, uint64_t v)
{
	barrier();
	*(volatile uint64_t *)addr = v;
	barrier();
}

/*
 * x86_64 four-level paging: page-table entry bits (Intel SDM Vol. 3 §4.5,
 * Tables 4-14 to 4-20) and the PAT layout the kernel programs (§11.12).
 * The arch/arch.h functions are the interface for generic code; this header
 * is for arch code only (the SMP bring-up calls paging_init_cpu()).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

enum {
	PTE_P = 1ull << 0,
	PTE_W = 1ull << 1,
	PTE_U = 1ull << 2,
	PTE_PWT = 1ull << 3,
	PTE_PCD = 1ull << 4,
	PTE_A = 1ull << 5,
	PTE_D = 1ull << 6,
	PTE_PS = 1ull << 7, /* in PDPT and PD entries: a 1 GiB or 2 MiB page */
	PTE_G = 1ull << 8,
};
/* Software bit (ignored by the MMU): a user leaf that holds a frame but
 * allows no access (PROT_NONE); PTE_P is clear in it. */
#define PTE_NONE (1ull << 9)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/*
 * IA32_PAT: entries 0-3 are WB, WC, UC-, UC and 4-7 repeat them, so the PAT
 * bit never matters and PWT/PCD alone pick the type: none = WB, PWT = WC,
 * PCD|PWT = UC. (Memory type encodings: SDM Vol. 3 Table 11-10.)
 */
#define PAT_VALUE 0x0007010600070106ull

#define CR4_PGE (1ull << 7)
#define EFER_NXE (1ull << 11)

#define LEVEL_SHIFT(l) (PAGE_SHIFT + 9 * ((l)-1))
#define LEVEL_SIZE(l) (1ull << LEVEL_SHIFT(l))

/* The index of @va in a table of @level (1 = PT ... 4 = PML4). */
static inline unsigned int paging_index(uintptr_t va, int level)
{
	return (va >> LEVEL_SHIFT(level)) & 511;
}

/* The table a non-leaf entry points at, through the direct map. */
static inline uint64_t *paging_table_at(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

/*
 * The entry mapping @va under @root: walks from the top level down,
 * stopping early at a large page (*@level says where: 1 = PT, 2 = PD,
 * 3 = PDPT). With @create, missing tables are added (zeroed, from pmm);
 * without, a missing table gives NULL. NULL with @create means out of
 * memory. The caller serialises edits of @root.
 */
uint64_t *paging_walk(paddr_t root, uintptr_t va, bool create, int *level);

/* A leaf entry's bits (without the address) for ARCH_MAP_* @flags at @va
 * (user or kernel half), and the ARCH_MAP_* flags of entry @e. */
uint64_t paging_leaf_bits(unsigned int flags, uintptr_t va);
unsigned int paging_flags_of(uint64_t e);

/* Program the PAT and enable global pages and NX on the calling CPU, then
 * load the kernel page tables. For application processors, after
 * arch_paging_init() ran on the boot CPU. */
void paging_init_cpu(void);

/* Physical address of the kernel's top-level page table (below 4 GiB). */
uint64_t paging_kernel_root(void);

/* The page-table root CPU @cpu has loaded (arch_as_activate keeps it, with
 * a full barrier before the CR3 write), for the user TLB shootdown. */
paddr_t paging_loaded_root(unsigned int cpu);

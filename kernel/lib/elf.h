/*
 * A pure parser for ELF64 executables (System V gABI, "ELF-64 Object File
 * Format" and the x86_64 psABI §4): checks the file header and program
 * headers of a static x86_64 executable, ET_EXEC or static-PIE ET_DYN,
 * and describes what to load. Malformed, truncated or foreign files, and
 * those needing an interpreter (PT_INTERP), are refused with -ENOEXEC and
 * a reason. Pure: host-testable. No allocation, no locks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

#define ELF_MAX_LOADS 16 /* PT_LOAD segments accepted */
#define ELF_MAX_PHNUM 64 /* program headers accepted */
#define ELF_PHDR_SIZE 56
#define ELF_EHDR_SIZE 64

enum {
	ELF_ET_EXEC = 2,
	ELF_ET_DYN = 3,
	ELF_EM_X86_64 = 62,
	ELF_PT_LOAD = 1,
	ELF_PT_INTERP = 3,
	ELF_PT_PHDR = 6,
	ELF_PT_GNU_STACK = 0x6474e551,
	ELF_PF_X = 1,
	ELF_PF_W = 2,
	ELF_PF_R = 4,
};

/* One PT_LOAD segment, addresses before the load bias. */
struct elf_load {
	uint64_t vaddr, memsz;	 /* [vaddr, vaddr + memsz) in memory */
	uint64_t offset, filesz; /* file bytes [offset, offset + filesz) at vaddr */
	unsigned int flags;	 /* ELF_PF_* */
};

struct elf_info {
	unsigned int type; /* ELF_ET_EXEC or ELF_ET_DYN */
	uint64_t entry;	   /* e_entry (before the bias) */
	uint64_t phdr;	   /* address of the program headers in memory, or 0 */
	unsigned int phnum;
	uint64_t lo, hi; /* page-aligned span of all PT_LOADs */
	bool exec_stack; /* PT_GNU_STACK asked for PF_X (absent: no, as on Linux x86_64) */
	size_t nloads;
	struct elf_load loads[ELF_MAX_LOADS];
};

/*
 * Parse the executable whose first @len bytes are @buf (at least the ELF
 * header and every program header must be in them) and whose whole size is
 * @file_size, for an address space whose user part ends at @user_end.
 * Returns 0 and fills @out, or -ENOEXEC and points *@why at a static
 * reason ("not an ELF file", "truncated program headers", ...).
 */
int elf_parse(const void *buf, size_t len, uint64_t file_size, uint64_t user_end,
	      struct elf_info *out, const char **why) __must_check;

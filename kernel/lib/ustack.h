/*
 * The initial stack of a new program, laid out as Linux's
 * fs/binfmt_elf.c create_elf_tables() does (System V x86_64 psABI §3.4.1,
 * Figure 3.9), from the top down: an 8-byte zero word, the executable's
 * name (AT_EXECFN), the envp strings, the argv strings, the platform
 * string ("x86_64"), 16 random bytes (AT_RANDOM), then, 16-byte aligned,
 * argc, argv[] with NULL, envp[] with NULL and the auxiliary vector ending
 * in AT_NULL; the stack pointer points at argc.
 * Pure: host-testable.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

/* Auxiliary vector types (Linux include/uapi/linux/auxvec.h). */
enum {
	AT_NULL = 0,
	AT_PHDR = 3,
	AT_PHENT = 4,
	AT_PHNUM = 5,
	AT_PAGESZ = 6,
	AT_BASE = 7,
	AT_FLAGS = 8,
	AT_ENTRY = 9,
	AT_UID = 11,
	AT_EUID = 12,
	AT_GID = 13,
	AT_EGID = 14,
	AT_PLATFORM = 15,
	AT_HWCAP = 16,
	AT_CLKTCK = 17,
	AT_SECURE = 23,
	AT_RANDOM = 25,
	AT_HWCAP2 = 26,
	AT_EXECFN = 31,
	AT_MINSIGSTKSZ = 51,
};

struct ustack_args {
	const char *strings; /* argc argv strings then envc envp strings, each NUL-ended */
	size_t strings_len;
	int argc, envc;
	const char *execfn;   /* AT_EXECFN */
	const char *platform; /* AT_PLATFORM */
	uint8_t random[16];   /* AT_RANDOM's bytes */
	/* (type, value) pairs without AT_NULL; the values of AT_RANDOM,
	 * AT_EXECFN and AT_PLATFORM are filled in with their addresses. */
	const uint64_t *auxv;
	size_t nauxv;
};

/*
 * Build the stack in @img, the image of user memory [@top - @size, @top)
 * (@top 16-byte aligned). Returns 0 and the initial stack pointer in
 * *@sp, or -E2BIG when it does not fit, -EINVAL for inconsistent strings.
 */
int ustack_build(uint8_t *img, size_t size, uint64_t top, const struct ustack_args *a, uint64_t *sp)
	__must_check;

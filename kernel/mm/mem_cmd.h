/*
 * The `mem` shell command (memory statistics). It registers itself with
 * SHELL_COMMAND; the one export is the kernel's memory use, for tests.
 */
#pragma once

#include <stdint.h>

/* Bytes of RAM the kernel uses: its image, the frame map and every frame
 * allocated from pmm (all of them are the kernel's until user space). */
uint64_t mem_kernel_bytes(void);

/*
 * tmpfs: a filesystem in memory. Register it with tmpfs_register(); mount
 * it by type name "tmpfs" with options "size=N[k|m|g]" (the most memory
 * file data and the page tables that index it may use; default half of
 * RAM). Past the limit writes are short or -ENOSPC, and nothing already
 * written is lost. The largest file is TMPFS_MAX_FILE_SIZE bytes.
 */
#pragma once

#include <stdint.h>

#define TMPFS_MAX_FILE_SIZE (1ll << 48) // four levels of 512-entry tables

/* Make "tmpfs" mountable. Boot, once. */
void tmpfs_register(void);

/* Pages of memory charged to the tmpfs mounted at @sb (tests). */
struct super_block;
uint64_t tmpfs_used_pages(struct super_block *sb);

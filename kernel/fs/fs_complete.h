/*
 * Directory listings for the shell's path completion (shell/complete.h's
 * paths callback), read through the VFS relative to the shell's working
 * directory. Shell task only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Call @fn(@arg, NAME, IS_DIR) for each entry of the directory named by the
 * @n bytes at @dir ("" = the working directory), sorted by name; IS_DIR
 * follows symlinks. A directory that cannot be read gives no entries.
 * May sleep.
 */
void fs_complete_list_dir(const char *dir, size_t n,
			  void (*fn)(void *arg, const char *name, bool is_dir), void *arg);

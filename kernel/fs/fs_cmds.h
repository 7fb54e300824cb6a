/*
 * What the shell's file commands share (fs/fs_cmds.c, fs_cmds_edit.c,
 * mount_cmds.c, fs_redirect.c): the shell's working directory and the error
 * line. Only those files include this. Shell task only: nothing here is locked.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fs/mount.h"
#include "include/compiler.h"

#define FS_CMD_PATH_BUF 4096 // PATH_MAX: kmalloc'd path buffers

/* The shell's working directory (the root until the first cd); relative
 * paths given to commands resolve against it. */
struct vfs_path *fs_cmd_cwd(void);

/* Print "CMD: PATH: message" for the negative errno @err (on the console
 * even when the output is redirected); returns 1, the status of a failed
 * operation. */
int fs_cmd_error(const char *cmd, const char *path, int err);

/* Write the absolute name of @p into @buf (@size bytes, NUL-terminated).
 * Returns 0 or -ENAMETOOLONG. May sleep. */
int fs_cmd_path_name(const struct vfs_path *p, char *buf, size_t size);

/* Read the names in the directory @path (dot files too with @all) into a
 * new kmalloc'd array, sorted by strcmp. Returns 0 with the array in
 * *@names and its length in *@n (free with fs_cmd_free_names(), also
 * after an error, when it holds what was read), or a negative errno.
 * May sleep. */
int fs_cmd_read_names(const char *path, bool all, char ***names, size_t *n) __must_check;
void fs_cmd_free_names(char **names, size_t n);

/* @dir, a '/' unless it ends in one, and @name into @full
 * (FS_CMD_PATH_BUF bytes; truncated, never overflowed). */
void fs_cmd_path_join(char *full, const char *dir, const char *name);

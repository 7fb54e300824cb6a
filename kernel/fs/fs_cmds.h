/*
 * What the shell's file commands share (fs/fs_cmds.c, fs_cmds_edit.c,
 * mount_cmds.c, fs_redirect.c): the shell's working directory and the error
 * line. Only those files include this. Shell task only: nothing here is locked.
 */
#pragma once

#include <stddef.h>

#include "fs/mount.h"

#define FS_CMD_PATH_BUF 4096 // PATH_MAX: kmalloc'd path buffers

/* The shell's working directory (the root until the first cd); relative
 * paths given to commands resolve against it. */
struct vfs_path *fs_cmd_cwd(void);

/* Print "CMD: PATH: message" for the negative errno @err; returns 1, the
 * status of a failed operation. */
int fs_cmd_error(const char *cmd, const char *path, int err);

/* Write the absolute name of @p into @buf (@size bytes, NUL-terminated).
 * Returns 0 or -ENAMETOOLONG. May sleep. */
int fs_cmd_path_name(const struct vfs_path *p, char *buf, size_t size);

/*
 * The file end of the shell's `CMD > FILE` and `CMD >> FILE`: opens FILE
 * relative to the shell's working directory and collects the command's
 * console output (core/console.h's redirect hook) into it. The shell task
 * opens it; the task that runs the command (the shell, or a background
 * job's task) starts and finishes it.
 */
#pragma once

#include <stdbool.h>

#include "include/compiler.h"

struct fs_redirect;

/*
 * Open @path for writing, created with mode 0644 if missing, truncated
 * (or, with @append, written at its end). Returns 0 with the redirect in
 * *@out, or the open's negative errno (-ENOENT, -EISDIR, -ENOTDIR,
 * -ENOSPC, -ENOMEM, ...). Nothing is redirected yet. May sleep.
 */
int fs_redirect_open(const char *path, bool append, struct fs_redirect **out) __must_check;

/* Send the calling task's output into @r until fs_redirect_finish().
 * Returns 0, or -EBUSY when too many tasks are redirected already. */
int fs_redirect_start(struct fs_redirect *r) __must_check;

/*
 * Stop redirecting the calling task (if fs_redirect_start() succeeded),
 * write what is still buffered, close the file and free
 * @r. Returns 0, the first write error, or -ENOSPC when output printed
 * while the command could not sleep overflowed the buffer and was lost.
 * May sleep.
 */
int fs_redirect_finish(struct fs_redirect *r) __must_check;

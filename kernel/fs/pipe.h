/*
 * Pipes and FIFOs (pipe(7), fifo(7)): a 64 KiB byte ring (lib/pipe_ring)
 * with reader and writer counts that follow the open files (not the
 * descriptors: dup and fork share a file), blocking and non-blocking
 * reads and writes with Linux's rules (fs/pipe.c, fs/fifo.c in Linux),
 * PIPE_BUF-atomic writes, and poll readiness. Anonymous pipes live on an
 * unmounted "pipefs"; a FIFO is an S_IFIFO inode of a filesystem (tmpfs)
 * whose fops are pipe_fifo_fops, its pipe made on first open.
 *
 * Locking: each pipe's `lock` (spinlock) guards the ring and the counts;
 * fifo_lock (a mutex, pipe.c) guards the FIFO registry and orders FIFO
 * opens and releases. Order: fifo_lock, then a pipe's lock, then wait
 * queue locks (doc/locking.md).
 */
#pragma once

#include <stdbool.h>

#include "include/compiler.h"

struct file;

#define PIPE_BUF 4096	      // POSIX atomic write size (Linux's)
#define PIPE_SIZE (64 * 1024) // Linux's default: 16 pages

/* Set up pipefs. Boot, once, from vfs_init. */
void pipe_init(void);

/* pipe2: a new pipe's read and write ends, opened with @flags' O_NONBLOCK
 * (the caller handles O_CLOEXEC). Returns 0, -ENOMEM. May sleep. */
int pipe_create(unsigned int flags, struct file **rd, struct file **wr) __must_check;

/* The file operations of FIFO inodes (mknod S_IFIFO). */
extern const struct file_ops pipe_fifo_fops;

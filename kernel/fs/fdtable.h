/*
 * File-descriptor tables: small integers naming open files, with a
 * close-on-exec bit each. The kernel shell owns one, and each process
 * (fork copies it, exec closes the close-on-exec ones). A table is
 * reference counted so that a reader of another process's table
 * (/proc/PID/fd) can keep its memory while the owner exits: the owner's
 * fd_table_destroy() closes every descriptor at once, the memory goes
 * with the last reference.
 * Locking: the table's lock (spinlock, LOCK_RANK_SUBSYS + 1) guards the
 * slots and bits; files are dropped after it is released. refs is atomic.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "include/atomic.h"
#include "include/compiler.h"
#include "sync/spinlock.h"

struct file;

#define FD_TABLE_MAX 256 // descriptors per table (RLIMIT_NOFILE for now)

struct fd_table {
	struct spinlock lock;
	atomic_t refs; // the owner's and readers' (fd_table_get)
	/* Protected by lock: */
	struct file *files[FD_TABLE_MAX];
	uint64_t cloexec[FD_TABLE_MAX / 64];
};

/* An empty table, or NULL when memory runs out. */
struct fd_table *fd_table_create(void);

/* fork: a new table naming the same open files (each referenced once
 * more) with the same close-on-exec bits, or NULL when memory runs out. */
struct fd_table *fd_table_dup(struct fd_table *t);

/* The owner is done with @t: close every descriptor and drop the
 * owner's reference (the memory goes with the last one). May sleep. */
void fd_table_destroy(struct fd_table *t);

/* Another reference to @t, which the caller knows is alive (it holds a
 * reference, or the lock under which the owner publishes and clears its
 * table pointer: proc_lock for a process's). Atomic only: safe under any
 * spinlock. */
void fd_table_get(struct fd_table *t);

/* Drop a reference from fd_table_get; the last frees the (by then
 * empty) table. NULL is ignored. */
void fd_table_put(struct fd_table *t);

/* Install @f (the table takes the caller's reference) at the lowest free
 * descriptor. Returns it, or -EMFILE (the reference stays the caller's). */
int fd_install(struct fd_table *t, struct file *f, bool cloexec) __must_check;

/* The file at @fd with a new reference (file_put it), or NULL: -EBADF. */
struct file *fd_get(struct fd_table *t, int fd);

/* Close @fd. Returns 0 or -EBADF. May sleep. */
int fd_close(struct fd_table *t, int fd) __must_check;

/* dup: the lowest free descriptor for @fd's file (close-on-exec clear).
 * Returns it, -EBADF or -EMFILE. */
int fd_dup(struct fd_table *t, int fd) __must_check;

/* dup2: make @newfd name @oldfd's file, closing what it named. Returns
 * @newfd or -EBADF. May sleep. */
int fd_dup2(struct fd_table *t, int oldfd, int newfd) __must_check;
/* dup3: as fd_dup2 with the new descriptor's close-on-exec bit @cloexec
 * (the same descriptor is left alone: the caller refuses it). */
int fd_dup3(struct fd_table *t, int oldfd, int newfd, bool cloexec) __must_check;
/* F_DUPFD: the lowest free descriptor at or above @min for @fd's file.
 * Returns it, -EBADF, -EINVAL (@min out of the table) or -EMFILE. */
int fd_dup_from(struct fd_table *t, int fd, int min, bool cloexec) __must_check;

/* The close-on-exec bit: fd_set_cloexec returns 0 or -EBADF,
 * fd_is_cloexec false for a closed descriptor. */
int fd_set_cloexec(struct fd_table *t, int fd, bool on) __must_check;
bool fd_is_cloexec(struct fd_table *t, int fd);

/* exec: close every close-on-exec descriptor. May sleep. */
void fd_close_on_exec(struct fd_table *t);

/* Descriptors open (tests). */
int fd_count(struct fd_table *t);

/* The lowest open descriptor at or above @from, or -1 when there is
 * none (/proc/PID/fd's listing). */
int fd_next_open(struct fd_table *t, int from);

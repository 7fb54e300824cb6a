/*
 * File-descriptor tables: lowest free descriptor, dup/dup2 sharing one
 * open file (one offset), close, close-on-exec and the table limit.
 */
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "ktest/ktest.h"

KTEST(vfs_fdtable)
{
	struct fd_table *t = fd_table_create();
	struct file *f, *g;
	int fd;

	KASSERT(t);
	KASSERT_EQ(vfs_open(NULL, "/", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	KASSERT_EQ(fd_install(t, f, false), 0);
	KASSERT_EQ(fd_dup(t, 0), 1);
	KASSERT_EQ(fd_dup2(t, 0, 5), 5);
	KASSERT_EQ(fd_dup(t, 0), 2); // lowest free
	KASSERT_EQ(fd_close(t, 1), 0);
	KASSERT_EQ(fd_close(t, 1), -EBADF);
	KASSERT_EQ(fd_dup(t, 5), 1);
	KASSERT_EQ(fd_dup(t, 7), -EBADF);
	KASSERT_EQ(fd_dup2(t, 9, 3), -EBADF);
	KASSERT_EQ(fd_dup2(t, 0, FD_TABLE_MAX), -EBADF);
	KASSERT(fd_get(t, -1) == NULL);
	g = fd_get(t, 5);
	KASSERT(g == f);
	file_put(g);
	KASSERT_EQ(fd_set_cloexec(t, 2, true), 0);
	KASSERT(fd_is_cloexec(t, 2));
	KASSERT(!fd_is_cloexec(t, 1));
	KASSERT_EQ(fd_set_cloexec(t, 4, true), -EBADF);
	KASSERT_EQ(fd_count(t), 4);
	fd_close_on_exec(t);
	KASSERT_EQ(fd_count(t), 3);
	while ((fd = fd_dup(t, 0)) >= 0)
		;
	KASSERT_EQ(fd, -EMFILE);
	KASSERT_EQ(fd_count(t), FD_TABLE_MAX);
	KASSERT_EQ(fd_dup2(t, 0, 5), 5); // replacing closes the old one
	fd_table_destroy(t);
}

/* dup3's close-on-exec bit and F_DUPFD's lowest free at or above a floor
 * (the syscall layer's fcntl and dup3). */
KTEST(vfs_fdtable_dup3_and_dup_from)
{
	struct fd_table *t = fd_table_create();
	struct file *f;

	KASSERT(t);
	KASSERT_EQ(vfs_open(NULL, "/", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	KASSERT_EQ(fd_install(t, f, false), 0);
	KASSERT_EQ(fd_dup3(t, 0, 7, true), 7);
	KASSERT(fd_is_cloexec(t, 7));
	KASSERT_EQ(fd_dup3(t, 0, 7, false), 7); // replaces, and the bit follows
	KASSERT(!fd_is_cloexec(t, 7));
	KASSERT_EQ(fd_dup_from(t, 0, 7, true), 8);
	KASSERT(fd_is_cloexec(t, 8));
	KASSERT_EQ(fd_dup_from(t, 0, 3, false), 3);
	KASSERT_EQ(fd_dup_from(t, 0, FD_TABLE_MAX - 1, false), FD_TABLE_MAX - 1);
	KASSERT_EQ(fd_dup_from(t, 0, FD_TABLE_MAX - 1, false), -EMFILE);
	KASSERT_EQ(fd_dup_from(t, 0, FD_TABLE_MAX, false), -EINVAL);
	KASSERT_EQ(fd_dup_from(t, 0, -1, false), -EINVAL);
	KASSERT_EQ(fd_dup_from(t, 5, 0, false), -EBADF);
	KASSERT_EQ(fd_dup3(t, 5, 6, false), -EBADF);
	KASSERT_EQ(fd_count(t), 5);
	fd_table_destroy(t);
}

/* A reader's reference (procfs's /proc/PID/fd) outlives the owner's
 * destroy: the descriptors close at once, the reader sees an empty table
 * and frees it with its put; fd_next_open walks the open ones. */
KTEST(vfs_fdtable_reader_reference)
{
	struct fd_table *t = fd_table_create();
	struct file *f;

	KASSERT(t);
	KASSERT_EQ(vfs_open(NULL, "/", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	KASSERT_EQ(fd_install(t, f, false), 0);
	KASSERT_EQ(fd_dup_from(t, 0, 5, false), 5);
	KASSERT_EQ(fd_next_open(t, 0), 0);
	KASSERT_EQ(fd_next_open(t, 1), 5);
	KASSERT_EQ(fd_next_open(t, 6), -1);
	fd_table_get(t);
	fd_table_destroy(t); // the owner's end: files closed, memory kept
	KASSERT_EQ(fd_next_open(t, 0), -1);
	KASSERT(!fd_get(t, 0));
	fd_table_put(t);
	fd_table_put(NULL);
}

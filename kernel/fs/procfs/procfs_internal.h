/*
 * Shared between the procfs files: the tables of generated files, the
 * inode-number scheme that says what an inode is, and the task lookup.
 * Nothing outside kernel/fs/procfs/ includes this.
 */
#pragma once
#include "fs/procfs/procfs_text.h"
#include "include/compiler.h"
#include "include/types.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct task_info;
struct dirent_sink;
struct file;
struct inode;
struct vfs_path;

/* A generated file: render() writes its whole text into @t for the task
 * @id (unused outside task directories) and returns 0, or -ENOENT when
 * the task is gone. May sleep; called with no locks held. */
struct procfs_entry {
	const char *name;
	int (*render)(struct procfs_text *t, uint64_t id);
	/* A symbolic link instead (render NULL): its target into @buf, or
	 * -ENOENT. @id as render's. */
	ssize_t (*readlink)(uint64_t id, char *buf, size_t size);
	/* Neither: a directory (/proc/ID/fd, fd.c). */
	bool is_dir;
};

extern const struct procfs_entry procfs_root_files[];
extern const size_t procfs_nr_root_files;
extern const struct procfs_entry procfs_task_files[];
extern const size_t procfs_nr_task_files;

/*
 * Inode numbers say what an inode is, so inodes carry no private data:
 * 1 is /proc, 2 + i the i-th root file, PROCFS_SELF_INO /proc/self, and
 * from PROCFS_TASK_INO_BASE each directory id owns PROCFS_TASK_SLOTS
 * numbers: its directory, then its files. A directory id is a process's
 * pid, or PROCFS_KTASK_BASE + the task id for a kernel task (tasks that
 * are a process's thread show only as their process).
 */
#define PROCFS_ROOT_INO 1
#define PROCFS_SELF_INO 4000
#define PROCFS_TASK_INO_BASE 4096
#define PROCFS_TASK_SLOTS 16
#define PROCFS_KTASK_BASE 32768 // PROC_PID_MAX: above every pid
/* /proc/PID/fd/N: from here each pid owns FD_TABLE_MAX numbers, above
 * every task directory's. */
#define PROCFS_FD_INO_BASE (1ull << 40)
#define PROCFS_FD_SLOTS 256  // FD_TABLE_MAX (fs/fdtable.h)
#define PROCFS_PATH_MAX 4096 // a link's target (PATH_MAX)

static inline bool procfs_is_ktask(uint64_t id)
{
	return id >= PROCFS_KTASK_BASE;
}

static inline uint64_t procfs_task_ino(uint64_t id, unsigned int slot)
{
	return PROCFS_TASK_INO_BASE + id * PROCFS_TASK_SLOTS + slot;
}

static inline uint64_t procfs_fd_ino(uint64_t id, int fd)
{
	return PROCFS_FD_INO_BASE + id * PROCFS_FD_SLOTS + (uint64_t)fd;
}

/* /proc/ID/fd (fd.c). May sleep; no locks held. */
/* The inode number of descriptor @name (@len bytes) of @id, or 0 when
 * it is not open (or @id is no process). */
uint64_t procfs_fd_lookup(uint64_t id, const char *name, size_t len);
/* The listing of /proc/ID/fd (@dir) from *@pos: ".", "..", then 2 + fd
 * for each open descriptor. */
int procfs_fd_readdir(struct inode *dir, uint64_t id, struct dirent_sink *sink, int64_t *pos);
/* Descriptor @fd's link mode (S_IFLNK and its access), 0: not open. */
uint32_t procfs_fd_mode(uint64_t id, int fd);
/* Its target, the open file's name (procfs_file_link), or -ENOENT. */
ssize_t procfs_fd_readlink(uint64_t id, int fd, char *buf, size_t size);
/* The name of @p as a link shows it: absolute, " (deleted)" after a
 * removed name; of an open file @f: its path's, or "pipe:[INODE]".
 * Cut at @size (no NUL) as readlink; -ENOMEM, -ENAMETOOLONG. */
ssize_t procfs_path_link(const struct vfs_path *p, char *buf, size_t size);
ssize_t procfs_file_link(struct file *f, char *buf, size_t size);

/* /proc/ID/environ, maps, statm (task_mm.c); render's contract. */
int procfs_render_environ(struct procfs_text *t, uint64_t id);
int procfs_render_maps(struct procfs_text *t, uint64_t id);
int procfs_render_statm(struct procfs_text *t, uint64_t id);

/* /proc/mounts (mounts.c). */
int procfs_render_mounts(struct procfs_text *t, uint64_t id);

/* Pages used by every mounted tmpfs (meminfo's Shmem). May sleep. */
uint64_t procfs_tmpfs_pages(void);

/* Copy the live kernel task @id (task id, not directory id; exited but
 * not yet joined counts) into *@out (may be NULL). Returns false when
 * there is no such task, or memory ran out. Takes the task table lock
 * through task_list(); may sleep. */
bool procfs_task_find(uint64_t id, struct task_info *out);

/* Whether directory id @id (a pid or PROCFS_KTASK_BASE + task id) names
 * a live process or kernel task. May sleep. */
bool procfs_id_exists(uint64_t id);

/* Every directory id now, ascending, in a new array (kfree it); *@n gets
 * the count. NULL when memory runs out. May sleep. */
uint64_t *procfs_ids_snapshot(size_t *n);

/* Snapshot every task into a new array (kfree it); *@n gets the count.
 * NULL when memory runs out. May sleep. */
struct task_info *procfs_task_snapshot(size_t *n);

/*
 * procfs glue: the "proc" filesystem type, its inodes and directories, and
 * the files' open/read. /proc holds the fixed files of procfs_root_files
 * and /proc/self, and one directory per process (named by its pid) or
 * kernel task (PROCFS_KTASK_BASE + its id) holding procfs_task_files
 * and the /proc/ID/fd directory of descriptor links (fd.c).
 * Inodes are made on lookup (no links: they go with their last dentry)
 * and say what they are by their number; the dcache asks revalidate()
 * before trusting a cached name, so a task's directory vanishes when the
 * task is joined and a new task's appears. A file's text is rendered once
 * at open into a kmalloc'd buffer that reads at offsets serve, so one open
 * sees one consistent snapshot (as Linux's seq_file does for small files).
 * Locks: none of its own; task data comes from task_list() snapshots.
 */
#include "fs/procfs/procfs.h"

#include "fs/dcache.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "fs/mount.h"
#include "fs/procfs/procfs_internal.h"
#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/dirent.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "sched/task.h"

#define LOG_PREFIX "procfs: "

#define PROC_SUPER_MAGIC 0x9fa0	       // Linux include/uapi/linux/magic.h
#define PROCFS_TEXT_FIRST 4096	       // first render buffer
#define PROCFS_TEXT_MAX (1024 * 1024)  // give up growing past this
#define PROCFS_ID_DIGITS 24	       // a uint64_t in decimal, NUL included
#define PROCFS_POS_TASKS 0x100000000ll // readdir: positions from here are task ids

static const struct inode_ops procfs_iops;
static const struct file_ops procfs_dir_fops;
static const struct file_ops procfs_file_fops;

/* What an inode number means (procfs_internal.h). */
struct procfs_what {
	bool is_self; // /proc/self
	bool is_task;
	bool is_fd;			  // /proc/ID/fd/N (is_task too; entry NULL)
	uint64_t id;			  // is_task: the task
	int fd;				  // is_fd: N
	const struct procfs_entry *entry; // NULL: a directory (but is_fd)
};

static void procfs_decode(uint64_t ino, struct procfs_what *w)
{
	w->is_self = ino == PROCFS_SELF_INO;
	w->is_task = ino >= PROCFS_TASK_INO_BASE;
	w->is_fd = ino >= PROCFS_FD_INO_BASE;
	w->entry = NULL;
	w->id = 0;
	w->fd = -1;
	if (w->is_self)
		return;
	if (w->is_fd) {
		w->id = (ino - PROCFS_FD_INO_BASE) / PROCFS_FD_SLOTS;
		w->fd = (int)((ino - PROCFS_FD_INO_BASE) % PROCFS_FD_SLOTS);
		return;
	}
	if (!w->is_task) {
		if (ino > PROCFS_ROOT_INO)
			w->entry = &procfs_root_files[ino - PROCFS_ROOT_INO - 1];
		return;
	}
	w->id = (ino - PROCFS_TASK_INO_BASE) / PROCFS_TASK_SLOTS;
	unsigned int slot = (ino - PROCFS_TASK_INO_BASE) % PROCFS_TASK_SLOTS;
	if (slot)
		w->entry = &procfs_task_files[slot - 1];
}

static struct inode *procfs_new_inode(struct super_block *sb, uint64_t ino)
{
	struct procfs_what w;
	uint32_t mode = S_IFREG | 0444;

	procfs_decode(ino, &w);
	if (w.is_fd)
		mode = procfs_fd_mode(w.id, w.fd) ?: S_IFLNK | 0500; // closed since: any link
	else if (w.is_self || (w.entry && w.entry->readlink))
		mode = S_IFLNK | 0777;
	else if (w.entry && w.entry->is_dir)
		mode = S_IFDIR | 0500; // Linux's dr-x------ fd
	else if (!w.entry)
		mode = S_IFDIR | 0555;
	return inode_alloc(sb, ino, mode, &procfs_iops,
			   S_ISDIR(mode) ? &procfs_dir_fops : &procfs_file_fops);
}

/* "123" -> 123; false for anything else (leading zeros included). */
static bool parse_id(const char *name, size_t len, uint64_t *id)
{
	uint64_t v = 0;

	if (!len || len >= PROCFS_ID_DIGITS || (name[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*id = v;
	return true;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && !memcmp(name, want, len);
}

/* Which inode @name is under the directory @dir (0: none). */
static uint64_t procfs_lookup_ino(struct inode *dir, const char *name, size_t len)
{
	struct procfs_what w;
	uint64_t id;

	procfs_decode(dir->ino, &w);
	if (w.entry && w.entry->is_dir)
		return procfs_fd_lookup(w.id, name, len);
	if (w.is_task) {
		for (size_t i = 0; i < procfs_nr_task_files; i++)
			if (name_is(name, len, procfs_task_files[i].name))
				return procfs_id_exists(w.id) ? procfs_task_ino(w.id, i + 1) : 0;
		return 0;
	}
	for (size_t i = 0; i < procfs_nr_root_files; i++)
		if (name_is(name, len, procfs_root_files[i].name))
			return PROCFS_ROOT_INO + 1 + i;
	if (name_is(name, len, "self"))
		return PROCFS_SELF_INO;
	if (parse_id(name, len, &id) && procfs_id_exists(id))
		return procfs_task_ino(id, 0);
	return 0;
}

static int procfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	uint64_t ino = procfs_lookup_ino(dir, name, len);

	if (!ino)
		return -ENOENT;
	*out = procfs_new_inode(dir->sb, ino);
	return *out ? 0 : -ENOMEM;
}

/* The tree is the kernel's: nothing may be created, removed or changed.
 * A new name is -ENOENT, as on Linux, whose proc lookups fail for names
 * that do not exist instead of leaving a negative dentry to create on;
 * the rest is -EPERM. */
static int procfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
			 const char *target, size_t tlen, struct inode **out)
{
	(void)dir, (void)name, (void)len, (void)mode, (void)target, (void)tlen, (void)out;
	return -ENOENT;
}

static int procfs_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	(void)old, (void)dir, (void)name, (void)len;
	return -EPERM;
}

static int procfs_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	(void)dir, (void)name, (void)len, (void)victim;
	return -EPERM;
}

static int procfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *src,
			 struct inode *ndir, const char *nname, size_t nlen, struct inode *victim)
{
	(void)odir, (void)oname, (void)olen, (void)src;
	(void)ndir, (void)nname, (void)nlen, (void)victim;
	return -EPERM;
}

/* /proc/self names the reader's pid (-ENOENT for kernel tasks, which
 * have none); a task directory's links have their own readlink. */
static ssize_t procfs_readlink(struct inode *inode, char *buf, size_t size)
{
	struct procfs_what w;
	struct proc *p = proc_current();
	char num[PROCFS_ID_DIGITS];
	int len;

	procfs_decode(inode->ino, &w);
	if (w.is_fd)
		return procfs_fd_readlink(w.id, w.fd, buf, size);
	if (w.entry && w.entry->readlink)
		return w.entry->readlink(w.id, buf, size);
	if (!w.is_self)
		return -EINVAL;
	if (!p)
		return -ENOENT;
	len = ksnprintf(num, sizeof(num), "%d", p->pid);
	if ((size_t)len > size)
		len = (int)size;
	memcpy(buf, num, (size_t)len);
	return len;
}

/* Truncation (O_TRUNC, truncate) is a write: -EACCES, as an open for
 * writing; changing modes, owners or times is -EPERM. */
static int procfs_setattr(struct inode *inode, const struct vfs_attr *attr)
{
	(void)inode;
	return attr->mask & VFS_ATTR_SIZE ? -EACCES : -EPERM;
}

static const struct inode_ops procfs_iops = {
	.lookup = procfs_lookup,
	.create = procfs_create,
	.link = procfs_link,
	.unlink = procfs_unlink,
	.rmdir = procfs_unlink,
	.rename = procfs_rename,
	.readlink = procfs_readlink,
	.setattr = procfs_setattr,
};

/* A task directory's entries: ".", "..", its files. */
static int procfs_readdir_task(struct inode *dir, uint64_t id, struct dirent_sink *sink,
			       int64_t *pos)
{
	if (!procfs_id_exists(id))
		return 0; // gone: an empty listing, as Linux gives
	for (; *pos < 2 + (int64_t)procfs_nr_task_files; (*pos)++) {
		bool ok;

		const struct procfs_entry *e = *pos < 2 ? NULL : &procfs_task_files[*pos - 2];

		if (!e)
			ok = dirent_sink_add(sink, *pos ? PROCFS_ROOT_INO : dir->ino, *pos + 1,
					     DT_DIR, "..", (size_t)*pos + 1);
		else
			ok = dirent_sink_add(sink, procfs_task_ino(id, (unsigned int)*pos - 1),
					     *pos + 1,
					     e->is_dir	   ? DT_DIR
					     : e->readlink ? DT_LNK
							   : DT_REG,
					     e->name, strlen(e->name));
		if (!ok)
			break;
	}
	return 0;
}

/* /proc's process and task directories from *@pos (PROCFS_POS_TASKS +
 * id) on, in id order. */
static int procfs_readdir_tasks(struct dirent_sink *sink, int64_t *pos)
{
	size_t n;
	uint64_t *ids = procfs_ids_snapshot(&n);
	char name[PROCFS_ID_DIGITS];

	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int64_t p = PROCFS_POS_TASKS + (int64_t)ids[i];

		if (p < *pos)
			continue;
		int len = ksnprintf(name, sizeof(name), "%lu", (unsigned long)ids[i]);
		if (!dirent_sink_add(sink, procfs_task_ino(ids[i], 0), p + 1, DT_DIR, name,
				     (size_t)len))
			break;
		*pos = p + 1;
	}
	kfree(ids);
	return 0;
}

static int procfs_readdir(struct file *f, struct dirent_sink *sink, int64_t *pos)
{
	struct inode *dir = f->inode;
	struct procfs_what w;
	int64_t files_end = 2 + (int64_t)procfs_nr_root_files;

	procfs_decode(dir->ino, &w);
	if (w.entry && w.entry->is_dir)
		return procfs_fd_readdir(dir, w.id, sink, pos);
	if (w.is_task)
		return procfs_readdir_task(dir, w.id, sink, pos);
	for (; *pos < files_end; (*pos)++) {
		const char *name = *pos < 2 ? ".." : procfs_root_files[*pos - 2].name;
		size_t len = *pos < 2 ? (size_t)*pos + 1 : strlen(name);
		uint64_t ino = *pos < 2 ? PROCFS_ROOT_INO : PROCFS_ROOT_INO + (uint64_t)*pos - 1;

		if (!dirent_sink_add(sink, ino, *pos + 1, *pos < 2 ? DT_DIR : DT_REG, name, len))
			return 0;
	}
	if (*pos == files_end) {
		if (!dirent_sink_add(sink, PROCFS_SELF_INO, *pos + 1, DT_LNK, "self", 4))
			return 0;
		(*pos)++;
	}
	if (*pos < PROCFS_POS_TASKS)
		*pos = PROCFS_POS_TASKS;
	return procfs_readdir_tasks(sink, pos);
}

static const struct file_ops procfs_dir_fops = {
	.readdir = procfs_readdir,
};

/* Render @e for task @id into a new text, growing the buffer until the
 * whole text fits. */
static int procfs_render(const struct procfs_entry *e, uint64_t id, struct procfs_text **out)
{
	struct procfs_text *t = kmalloc(sizeof(*t));
	size_t cap = PROCFS_TEXT_FIRST;
	int err = -ENOMEM;

	if (!t)
		return -ENOMEM;
	for (; cap <= PROCFS_TEXT_MAX; cap *= 4) {
		char *buf = kmalloc(cap);

		if (!buf)
			break;
		procfs_text_init(t, buf, cap);
		err = e->render(t, id);
		if (!err && !t->overflow) {
			*out = t;
			return 0;
		}
		kfree(buf);
		if (err)
			break;
		err = -EFBIG;
	}
	kfree(t);
	return err;
}

static int procfs_open(struct file *f)
{
	struct procfs_what w;
	struct procfs_text *t;
	int err;

	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	procfs_decode(f->inode->ino, &w);
	if (!w.entry || !w.entry->render)
		return -ELOOP; // a link itself (O_NOFOLLOW)
	err = procfs_render(w.entry, w.id, &t);
	if (err)
		return err;
	f->private = t;
	return 0;
}

static void procfs_release(struct file *f)
{
	struct procfs_text *t = f->private;

	if (t) {
		kfree(t->buf);
		kfree(t);
	}
}

static ssize_t procfs_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct procfs_text *t = f->private;

	if ((uint64_t)off >= t->len)
		return 0;
	if (n > t->len - (size_t)off)
		n = t->len - (size_t)off;
	memcpy(buf, t->buf + off, n);
	return (ssize_t)n;
}

static const struct file_ops procfs_file_fops = {
	.open = procfs_open,
	.release = procfs_release,
	.read = procfs_read,
};

/* A cached name is true while it is positive and, for a task's
 * directory, the task lives, for a descriptor's link, the descriptor is
 * open with the same access (its mode); negative names are never trusted
 * (a task or descriptor with that number may have been made since). */
static bool procfs_revalidate(struct dentry *d)
{
	struct inode *inode = dentry_inode(d);
	struct procfs_what w;

	if (!inode)
		return false;
	procfs_decode(inode->ino, &w);
	if (w.is_fd)
		return procfs_fd_mode(w.id, w.fd) == inode->mode; // fixed at inode_alloc
	return !w.is_task || w.entry || procfs_id_exists(w.id);
}

static int procfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	(void)sb;
	st->f_type = PROC_SUPER_MAGIC;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	return 0;
}

static void procfs_put_super(struct super_block *sb)
{
	kfree(sb);
}

static const struct super_ops procfs_super_ops = {
	.statfs = procfs_statfs,
	.put_super = procfs_put_super,
	.revalidate = procfs_revalidate,
};

static int procfs_mount(const char *source, const char *opts, struct super_block **out)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	(void)source, (void)opts;
	if (!sb)
		return -ENOMEM;
	super_init(sb, &procfs_super_ops, "proc");
	sb->max_file_size = PROCFS_TEXT_MAX;
	sb->root = procfs_new_inode(sb, PROCFS_ROOT_INO);
	if (!sb->root) {
		kfree(sb);
		return -ENOMEM;
	}
	sb->root->nlink = 2; // stays until umount
	*out = sb;
	return 0;
}

static const struct fs_type procfs_type = { .name = "proc", .mount = procfs_mount };

void procfs_register(void)
{
	fs_type_register(&procfs_type);
}

/*
 * Unpacking the initramfs (fs/initramfs.h): lib/cpio.c parses the archive,
 * this file turns each entry into VFS calls under "/". Linux does the same
 * in init/initramfs.c; like it, a hard link's data comes on its last name
 * and directory times are set once their contents exist (a second pass).
 * The archive is read in place through the direct map; it stays reserved.
 * Locking: none of its own; runs once at boot, before the shell.
 */
#include "fs/initramfs.h"

#include "arch/arch.h"
#include "boot/bootinfo.h"
#include "core/log.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/cpio.h"
#include "lib/path.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

#define LOG_PREFIX "initramfs: "

#define PERM_BITS 07777

/* The first name of each file that may have more (hard links). */
struct link_seen {
	struct cpio_link_key key;
	char *path;
};

struct unpack {
	const struct vfs_path *root; /* names are relative to it */
	struct initramfs_stats *st;
	char *path; /* PATH_LEN_MAX bytes: the entry's name below root */
	struct link_seen *links;
	size_t nlinks, cap;
};

/* @e's name without a leading "./" or "/" ("." for the root itself);
 * false when unsafe or too long (logged). */
static bool make_path(struct unpack *u, const struct cpio_entry *e)
{
	const char *n = e->name;

	if (e->name_dotdot) {
		log_warn("skipping '%s': a '..' component\n", e->name);
		return false;
	}
	for (;;) { /* drop leading "/", "./" and a lone "." */
		if (n[0] == '/' || (n[0] == '.' && n[1] == '\0'))
			n++;
		else if (n[0] == '.' && n[1] == '/')
			n += 2;
		else
			break;
	}
	if (strlen(n) + 1 > PATH_LEN_MAX) {
		log_warn("skipping a name of %zu bytes: too long\n", strlen(n));
		return false;
	}
	strlcpy(u->path, n[0] ? n : ".", PATH_LEN_MAX);
	return true;
}

/* Owner and mode (not through a symlink), then the times. */
static void set_attrs(struct unpack *u, const struct cpio_entry *e)
{
	struct linux_timespec t[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
	int err = vfs_chown(u->root, u->path, e->uid, e->gid);

	if (!err)
		err = vfs_chmod(u->root, u->path, e->mode & PERM_BITS);
	if (!err)
		err = vfs_utimens(u->root, u->path, t);
	if (err) {
		log_warn("%s: cannot set owner, mode or time (%d)\n", u->path, err);
		u->st->errors++;
	}
}

static int write_all(struct file *f, const uint8_t *data, size_t n)
{
	while (n) {
		ssize_t w = vfs_write(f, data, n);

		if (w <= 0)
			return w < 0 ? (int)w : -EIO;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The earlier name of @e's file, or NULL; remembers @e's name if first. */
static const char *link_target(struct unpack *u, const struct cpio_entry *e)
{
	struct cpio_link_key k = cpio_link_key(e);
	char *copy;

	for (size_t i = 0; i < u->nlinks; i++)
		if (cpio_link_key_eq(&u->links[i].key, &k))
			return u->links[i].path;
	if (u->nlinks == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 16;
		struct link_seen *l = krealloc(u->links, cap * sizeof(*l));

		if (!l)
			return NULL; /* then it is unpacked as a file of its own */
		u->links = l;
		u->cap = cap;
	}
	copy = kmalloc(strlen(u->path) + 1);
	if (copy) {
		strlcpy(copy, u->path, strlen(u->path) + 1);
		u->links[u->nlinks++] = (struct link_seen){ k, copy };
	}
	return NULL;
}

static int unpack_file(struct unpack *u, const struct cpio_entry *e)
{
	const char *first = cpio_is_link_candidate(e) ? link_target(u, e) : NULL;
	struct file *f;
	int err;

	if (first) {
		err = vfs_link(u->root, first, u->path);
		if (err)
			return err;
		u->st->links++;
		if (!e->filesize)
			return 0;
	}
	err = vfs_open(u->root, u->path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & PERM_BITS, &f);
	if (err)
		return err;
	err = write_all(f, e->data, e->filesize);
	file_put(f);
	if (err)
		return err;
	u->st->bytes += e->filesize;
	u->st->files += !first;
	return 0;
}

static int unpack_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target = kmalloc((size_t)e->filesize + 1);
	int err;

	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->filesize);
	target[e->filesize] = '\0';
	err = memchr(target, '\0', e->filesize) ? -EINVAL : vfs_symlink(u->root, target, u->path);
	kfree(target);
	if (!err)
		u->st->symlinks++;
	return err;
}

/* One entry of the first pass. */
static void unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	uint32_t type = e->mode & CPIO_MODE_TYPE;
	int err = 0;

	if (!make_path(u, e)) {
		u->st->skipped++;
		return;
	}
	if (type == CPIO_MODE_DIR) {
		if (strcmp(u->path, ".")) { /* the root exists already */
			err = vfs_mkdir(u->root, u->path, e->mode & PERM_BITS);
			u->st->dirs += !err;
			if (err == -EEXIST)
				err = 0;
		}
	} else if (type == CPIO_MODE_REG) {
		err = unpack_file(u, e);
	} else if (type == CPIO_MODE_LNK) {
		err = unpack_symlink(u, e);
	} else {
		log_info("%s: skipped (device nodes, FIFOs and sockets come with devfs)\n",
			 u->path);
		u->st->skipped++;
		return;
	}
	if (err) {
		log_warn("%s: cannot create it (%d)\n", u->path, err);
		u->st->errors++;
	} else if (type != CPIO_MODE_LNK && type != CPIO_MODE_DIR) {
		set_attrs(u, e);
	}
}

/* Second pass: directories get their owner, mode and time last. */
static void set_dir_attrs(struct unpack *u, const void *buf, size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;

	cpio_iter_init(&it, buf, size);
	while (cpio_next(&it, &e) == 1)
		if ((e.mode & CPIO_MODE_TYPE) == CPIO_MODE_DIR && make_path(u, &e))
			set_attrs(u, &e);
}

int initramfs_unpack(const struct vfs_path *root, const void *buf, size_t size,
		     struct initramfs_stats *st)
{
	struct unpack u = { .root = root, .st = st };
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	*st = (struct initramfs_stats){ 0 };
	u.path = kmalloc(PATH_LEN_MAX);
	if (!u.path)
		return -ENOMEM;
	cpio_iter_init(&it, buf, size);
	while ((r = cpio_next(&it, &e)) == 1)
		unpack_entry(&u, &e);
	if (r < 0) {
		st->malformed = true;
		st->bad_offset = it.err_pos;
		log_err("malformed archive at offset %zu (%s): keeping the %u entries before it\n",
			it.err_pos, it.err_what ? it.err_what : "?",
			st->dirs + st->files + st->symlinks + st->links);
	}
	set_dir_attrs(&u, buf, size);
	for (size_t i = 0; i < u.nlinks; i++)
		kfree(u.links[i].path);
	kfree(u.links);
	kfree(u.path);
	return r < 0 ? r : 0;
}

/* The module named "initramfs", else the first one, else NULL. */
static const struct boot_module *find_module(const struct boot_info *bi)
{
	for (size_t i = 0; i < bi->module_count; i++)
		if (!strcmp(bi->modules[i].name, "initramfs"))
			return &bi->modules[i];
	return bi->module_count ? &bi->modules[0] : NULL;
}

void initramfs_init(const struct boot_info *bi)
{
	const struct boot_module *m = find_module(bi);
	struct initramfs_stats st;
	int err;

	if (!m) {
		log_info("no initramfs module: the root stays empty\n");
		return;
	}
	err = initramfs_unpack(NULL, phys_to_virt(m->start), m->end - m->start, &st);
	log_info(
		"'%s': %u dirs, %u files, %u symlinks, %u links, %zu KiB; %u skipped, %u errors%s\n",
		m->name, st.dirs, st.files, st.symlinks, st.links, st.bytes >> 10, st.skipped,
		st.errors, err ? " (archive truncated by an error)" : "");
}

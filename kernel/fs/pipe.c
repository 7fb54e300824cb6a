/*
 * Pipes and FIFOs (fs/pipe.h), after Linux's fs/pipe.c and fs/fifo.c and
 * pipe(7)/fifo(7): reads wait for data or for the last writer to go
 * (then 0: end of file); writes wait for room and fail with -EPIPE once
 * no reader is left; writes of at most PIPE_BUF bytes go in whole or not
 * at all; O_NONBLOCK turns every wait into -EAGAIN. All waits are
 * interruptible: -ERESTARTSYS, as Linux (-EINTR under a handler, restarted
 * under SA_RESTART or when no handler runs). Anonymous pipes each get an inode on pipefs, a
 * superblock that is never mounted; FIFOs find their pipe in a registry
 * keyed by inode, made on the first open and freed on the last close.
 *
 * Locking: a pipe's lock (spinlock, LOCK_RANK_DRIVER) guards its ring and
 * counts; nothing is taken inside it, and wake-ups happen after it is
 * dropped. fifo_lock (mutex) guards the FIFO registry and serialises
 * FIFO opens and releases, so a FIFO pipe is only freed under it.
 */
#include "fs/pipe.h"

#include "core/panic.h"
#include "fs/dcache.h"
#include "fs/file.h"
#include "fs/inode.h"
#include "fs/mount.h"
#include "fs/poll.h"
#include "include/uapi/errno.h"
#include "lib/pipe_ring.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/waitqueue.h"
#include "sync/mutex.h"

#define PIPEFS_MAGIC 0x50495045 // Linux's magic.h

struct pipe {
	struct spinlock lock;
	/* Protected by lock: */
	struct pipe_ring ring;
	unsigned int readers, writers;	   // open files for each direction
	unsigned int r_counter, w_counter; // opens ever (FIFO opens wait on them)
	/* Immutable after creation: */
	struct inode *fifo_inode; // NULL for an anonymous pipe
	/* Protected by fifo_lock: */
	struct list_head fifo_link;
	/* Atomic: */
	atomic_t refs; // anonymous pipes: files still open on it
	/* Readers wait here for data or EOF (and FIFO readers for a writer);
	 * writers for room (and FIFO writers for a reader). */
	struct waitqueue rd_wait, wr_wait;
};

static struct mutex fifo_lock;
static struct list_head fifo_pipes = LIST_HEAD_INIT(fifo_pipes); /* Protected by fifo_lock */

/* pipefs: immutable after pipe_init(), but for the inode numbers. */
static struct super_block pipefs_sb;
static struct mount pipefs_mnt;
static uint64_t pipefs_next_ino = 2; /* Atomic */

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));
	uint8_t *buf = kmalloc(PIPE_SIZE);

	if (!p || !buf) {
		kfree(p);
		kfree(buf);
		return NULL;
	}
	spin_init(&p->lock, "pipe", LOCK_RANK_DRIVER);
	pipe_ring_init(&p->ring, buf, PIPE_SIZE);
	waitqueue_init(&p->rd_wait, "pipe_rd");
	waitqueue_init(&p->wr_wait, "pipe_wr");
	list_init(&p->fifo_link);
	return p;
}

static void pipe_free(struct pipe *p)
{
	kfree(p->ring.buf);
	kfree(p);
}

static bool file_nonblock(struct file *f)
{
	return (READ_ONCE(f->flags) & O_NONBLOCK) != 0;
}

static ssize_t pipe_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct pipe *p = f->private;

	for (;;) {
		size_t got;
		bool eof;
		int err;

		spin_lock(&p->lock);
		got = pipe_ring_read(&p->ring, buf, n);
		eof = !p->writers;
		spin_unlock(&p->lock);
		if (got) {
			waitq_wake_all(&p->wr_wait);
			return (ssize_t)got;
		}
		if (eof)
			return 0;
		if (file_nonblock(f))
			return -EAGAIN;
		err = wait_event_interruptible(&p->rd_wait,
					       READ_ONCE(p->ring.len) || !READ_ONCE(p->writers));
		if (err) /* Linux's pipe_read: restarted under SA_RESTART */
			return -ERESTARTSYS;
	}
}

static ssize_t pipe_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	struct pipe *p = f->private;
	bool atomic = n <= PIPE_BUF;
	size_t need = atomic ? n : 1, done = 0;

	for (;;) {
		size_t put = 0;
		bool broken;
		int err;

		spin_lock(&p->lock);
		broken = !p->readers;
		if (!broken)
			put = pipe_ring_write(&p->ring, (const uint8_t *)buf + done, n - done,
					      atomic);
		spin_unlock(&p->lock);
		if (put)
			waitq_wake_all(&p->rd_wait);
		done += put;
		if (broken) {
			proc_send_sigpipe(); /* as Linux's pipe_write, even after a part */
			return done ? (ssize_t)done : -EPIPE;
		}
		if (done == n)
			return (ssize_t)done;
		if (file_nonblock(f))
			return done ? (ssize_t)done : -EAGAIN;
		err = wait_event_interruptible(&p->wr_wait,
					       PIPE_SIZE - READ_ONCE(p->ring.len) >= need ||
						       !READ_ONCE(p->readers));
		if (err)
			return done ? (ssize_t)done : -ERESTARTSYS;
	}
}

/*
 * Readiness as Linux's pipe_poll: readable with data; POLLHUP on a read
 * side once no writer is left (for a FIFO reader opened without one, only
 * after a writer came: f->pos holds the writer count seen at open, a
 * stream having no offset); writable with PIPE_BUF bytes of room (Linux:
 * a free page); POLLERR on a write side without readers.
 */
static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->private;
	unsigned int acc = f->flags & O_ACCMODE, mask = 0;
	unsigned int readers, writers, w_counter;
	size_t len;

	if (acc != O_WRONLY)
		poll_wait(pt, &p->rd_wait);
	if (acc != O_RDONLY)
		poll_wait(pt, &p->wr_wait);
	spin_lock(&p->lock);
	len = p->ring.len;
	readers = p->readers;
	writers = p->writers;
	w_counter = p->w_counter;
	spin_unlock(&p->lock);
	if (acc != O_WRONLY) {
		if (len)
			mask |= POLLIN | POLLRDNORM;
		if (!writers && (int64_t)w_counter != f->pos)
			mask |= POLLHUP;
	}
	if (acc != O_RDONLY) {
		if (PIPE_SIZE - len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!readers)
			mask |= POLLERR;
	}
	return mask;
}

/* One end goes: drop its counts and wake everyone who may care. */
static void pipe_put_end(struct pipe *p, unsigned int acc)
{
	spin_lock(&p->lock);
	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	spin_unlock(&p->lock);
	waitq_wake_all(&p->rd_wait);
	waitq_wake_all(&p->wr_wait);
}

static void pipe_anon_release(struct file *f)
{
	struct pipe *p = f->private;
	struct inode *inode = f->inode;

	pipe_put_end(p, f->flags & O_ACCMODE);
	if (atomic_dec_and_test(&p->refs))
		pipe_free(p);
	/* The pipe's own inode (f->inode was switched to it at creation);
	 * the path (pipefs's root) is dropped by file_put. */
	inode_put(inode);
}

static const struct file_ops pipe_anon_fops = {
	.release = pipe_anon_release,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.stream = true,
};

static int pipefs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	memset(st, 0, sizeof(*st));
	st->f_type = PIPEFS_MAGIC;
	st->f_bsize = 4096;
	st->f_namelen = 255;
	st->f_frsize = 4096;
	return 0;
}

static const struct super_ops pipefs_ops = {
	.statfs = pipefs_statfs,
};

void pipe_init(void)
{
	struct inode *root;

	mutex_init(&fifo_lock, "fifo");
	super_init(&pipefs_sb, &pipefs_ops, "pipefs");
	pipefs_sb.dev = 0xc; // an unnamed device, like Linux's pipefs
	pipefs_sb.max_file_size = 0;
	root = inode_alloc(&pipefs_sb, 1, S_IFDIR | 0700, NULL, NULL);
	pipefs_mnt.root = root ? dentry_alloc_root(&pipefs_sb, root) : NULL;
	if (!pipefs_mnt.root)
		panic("pipe: no memory for pipefs");
	pipefs_mnt.sb = &pipefs_sb;
	strlcpy(pipefs_mnt.source, "pipefs", sizeof(pipefs_mnt.source));
	atomic_set(&pipefs_mnt.count, 1); // never unmounted
}

/* An open end of @p on its inode @inode (which it references). */
static int pipe_open_end(struct pipe *p, struct inode *inode, unsigned int flags, struct file **out)
{
	struct vfs_path root = { &pipefs_mnt, pipefs_mnt.root };
	int err = file_open_path(&root, flags, out);

	if (err)
		return err;
	(*out)->private = p;
	(*out)->inode = inode;
	inode_get(inode);
	return 0;
}

int pipe_create(unsigned int flags, struct file **rd, struct file **wr)
{
	struct pipe *p = pipe_alloc();
	struct inode *inode;
	int err = -ENOMEM;

	if (!p)
		return -ENOMEM;
	inode = inode_alloc(&pipefs_sb, __atomic_fetch_add(&pipefs_next_ino, 1, __ATOMIC_RELAXED),
			    S_IFIFO | 0600, NULL, &pipe_anon_fops);
	if (!inode)
		goto err_free_pipe;
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	flags &= O_NONBLOCK;
	err = pipe_open_end(p, inode, O_RDONLY | flags, rd);
	if (err)
		goto err_put_inode;
	err = pipe_open_end(p, inode, O_WRONLY | flags, wr);
	if (err) {
		p->writers = 0; // the read end alone: its release frees the pipe
		atomic_set(&p->refs, 1);
		file_put(*rd);
		inode_put(inode);
		return err;
	}
	atomic_set(&p->refs, 2);
	inode_put(inode); // each end holds its own reference
	return 0;
err_put_inode:
	inode_put(inode);
err_free_pipe:
	pipe_free(p);
	return err;
}

/* FIFOs. */

static struct pipe *fifo_find_locked(struct inode *inode)
{
	struct pipe *p;

	list_for_each_entry (p, &fifo_pipes, fifo_link)
		if (p->fifo_inode == inode)
			return p;
	return NULL;
}

/* Drop @acc's counts on the FIFO pipe @p; the last one frees it.
 * fifo_lock held. */
static void fifo_put_end_locked(struct pipe *p, unsigned int acc)
{
	pipe_put_end(p, acc);
	if (!p->readers && !p->writers) {
		list_del(&p->fifo_link);
		pipe_free(p);
	}
}

/* Count a new opener of @acc on @p; returns the partner count to wait
 * for a change of (-1: none) or -ENXIO/-EINVAL. */
static int fifo_join_locked(struct pipe *p, struct file *f, unsigned int acc, unsigned int *snap)
{
	bool nb = (f->flags & O_NONBLOCK) != 0;
	int wait = 0; // 1: wait for a writer, 2: for a reader

	spin_lock(&p->lock);
	switch (acc) {
	case O_RDONLY:
		p->r_counter++;
		p->readers++;
		f->pos = 0;
		if (!p->writers) {
			if (nb)
				f->pos = p->w_counter; // no POLLHUP until a writer came
			else
				wait = 1;
		}
		*snap = p->w_counter;
		break;
	case O_WRONLY:
		if (nb && !p->readers) {
			spin_unlock(&p->lock);
			return -ENXIO;
		}
		p->w_counter++;
		p->writers++;
		if (!p->readers)
			wait = 2;
		*snap = p->r_counter;
		break;
	case O_RDWR: // never waits (POSIX leaves it undefined; Linux's rule)
		p->r_counter++;
		p->w_counter++;
		p->readers++;
		p->writers++;
		break;
	default:
		spin_unlock(&p->lock);
		return -EINVAL;
	}
	spin_unlock(&p->lock);
	return wait;
}

static int fifo_open(struct file *f)
{
	unsigned int acc = f->flags & O_ACCMODE, snap = 0;
	struct pipe *p;
	int wait, err = 0;

	mutex_lock(&fifo_lock);
	p = fifo_find_locked(f->inode);
	if (!p) {
		p = pipe_alloc();
		if (!p) {
			mutex_unlock(&fifo_lock);
			return -ENOMEM;
		}
		p->fifo_inode = f->inode;
		list_add_tail(&p->fifo_link, &fifo_pipes);
	}
	f->private = p;
	wait = fifo_join_locked(p, f, acc, &snap);
	if (wait < 0) {
		if (!p->readers && !p->writers) {
			list_del(&p->fifo_link);
			pipe_free(p);
		}
		mutex_unlock(&fifo_lock);
		return wait;
	}
	waitq_wake_all(&p->rd_wait); // a partner arrived
	waitq_wake_all(&p->wr_wait);
	mutex_unlock(&fifo_lock);
	if (wait == 1)
		err = wait_event_interruptible(&p->rd_wait, READ_ONCE(p->w_counter) != snap);
	else if (wait == 2)
		err = wait_event_interruptible(&p->wr_wait, READ_ONCE(p->r_counter) != snap);
	if (err) {
		mutex_lock(&fifo_lock);
		fifo_put_end_locked(p, acc);
		mutex_unlock(&fifo_lock);
		err = -ERESTARTSYS; /* Linux's wait_for_partner */
	}
	return err;
}

static void fifo_release(struct file *f)
{
	mutex_lock(&fifo_lock);
	fifo_put_end_locked(f->private, f->flags & O_ACCMODE);
	mutex_unlock(&fifo_lock);
}

const struct file_ops pipe_fifo_fops = {
	.open = fifo_open,
	.release = fifo_release,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.stream = true,
};

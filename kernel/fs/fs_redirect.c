/*
 * Redirected shell output (fs_redirect.h). The console hands us output in
 * any context the command prints from, including with a spinlock held, so
 * the sink only copies into a buffer; the buffer goes to the file when it
 * fills and sleeping is allowed (interrupts on, no spinlock held), and at
 * the end. Output that overflows while sleeping is not allowed is counted
 * and reported as lost. Only the task running the command touches a
 * redirect between start and finish, so nothing here is locked.
 */
#include "fs/fs_redirect.h"

#include <stddef.h>

#include "arch/arch.h"
#include "core/console.h"
#include "fs/file.h"
#include "fs/fs_cmds.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "sched/percpu.h"
#include "sched/task.h"

#define REDIRECT_BUF 16384 // bytes buffered before a write to the file
#define REDIRECT_MODE 0644 // permission bits of a file the redirect creates

struct fs_redirect {
	struct console_redirect hook;
	struct file *file;
	bool flushing; // a write to the file is in progress (it may print)
	int err;       // first write error, 0 if none
	size_t lost;   // bytes dropped: buffer full while unable to sleep
	size_t used;
	char buf[REDIRECT_BUF];
};

static bool can_sleep(void)
{
	return arch_irqs_enabled() && current_task()->preempt_count == 0;
}

static void flush(struct fs_redirect *r)
{
	size_t done = 0;

	r->flushing = true;
	while (done < r->used && !r->err) {
		ssize_t n = vfs_write(r->file, r->buf + done, r->used - done);

		if (n <= 0)
			r->err = n < 0 ? (int)n : -EIO;
		else
			done += (size_t)n;
	}
	r->used = 0;
	r->flushing = false;
}

static void sink(void *ctx, const char *s, size_t n)
{
	struct fs_redirect *r = ctx;

	while (n > 0) {
		size_t room = REDIRECT_BUF - r->used;
		size_t take = n < room ? n : room;

		if (take == 0 && !r->flushing && can_sleep()) {
			flush(r);
			continue;
		}
		if (take == 0) {
			r->lost += n;
			return;
		}
		memcpy(r->buf + r->used, s, take);
		r->used += take;
		s += take;
		n -= take;
	}
}

int fs_redirect_open(const char *path, bool append, struct fs_redirect **out)
{
	unsigned int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
	struct fs_redirect *r = kzalloc(sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	err = vfs_open(fs_cmd_cwd(), path, flags, REDIRECT_MODE, &r->file);
	if (err) {
		kfree(r);
		return err;
	}
	r->hook.write = sink;
	r->hook.ctx = r;
	*out = r;
	return 0;
}

int fs_redirect_start(struct fs_redirect *r)
{
	return console_redirect_begin(current_task(), &r->hook);
}

int fs_redirect_finish(struct fs_redirect *r)
{
	int err;

	console_redirect_end(current_task());
	flush(r);
	err = r->err;
	if (!err && r->lost)
		err = -ENOSPC;
	file_put(r->file);
	kfree(r);
	return err;
}

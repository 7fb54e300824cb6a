/*
 * procfs views of a process's address space: /proc/ID/environ (the envp
 * strings exec put on the stack, read there as Linux's environ_read
 * does, so a program's own edits in place show), maps (Linux's
 * show_map_vma layout: "start-end perms offset major:minor inode", the
 * name padded to column 74: a file's path, [heap], [stack], nothing for
 * other anonymous memory) and statm (pages: size resident shared text
 * lib data dt). The mm is reached through proc_get_mm(), a reference
 * taken under proc_lock, and read under its own lock by proc/mm_info.c,
 * so an exec or exit meanwhile shows the old address space whole.
 * Kernel tasks and zombies have none: their files are empty (a zombie's
 * environ is -ESRCH, as on Linux).
 */
#include "fs/file.h"
#include "fs/inode.h"
#include "fs/procfs/procfs_internal.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "proc/mm.h"
#include "proc/proc.h"

#define REGION_SLACK 8	 // room for regions mapped while we allocate
#define MAPS_NAME_COL 73 // Linux: 25 + sizeof(void *) * 6 - 1, then a blank
#define PAGE_BYTES 4096

/* The address space of @id, referenced (mm_put it), or NULL with *@err
 * 0 (a kernel task or a zombie: an empty file) or -ENOENT (gone). */
static struct mm *target_mm(uint64_t id, int *err)
{
	struct mm *mm = procfs_is_ktask(id) ? NULL : proc_get_mm((int)id);

	*err = mm || procfs_id_exists(id) ? 0 : -ENOENT;
	return mm;
}

int procfs_render_environ(struct procfs_text *t, uint64_t id)
{
	int err;
	struct mm *mm = target_mm(id, &err);
	size_t len;

	if (!mm) // Linux: a zombie's environ is -ESRCH (no mm to read), maps empty
		return err || procfs_is_ktask(id) ? err : -ESRCH;
	len = mm->env_end - mm->env_start; // fixed when exec built the stack
	if (len > t->cap)
		t->overflow = true; // render again, bigger (at most PROC_ARG_MAX)
	else
		t->len = mm_read(mm, mm->env_start, t->buf, len);
	mm_put(mm);
	return 0;
}

/* A copy of @mm's regions (files referenced) in a new array; NULL when
 * memory runs out. */
static struct mm_region *regions_of(struct mm *mm, size_t *n)
{
	for (;;) {
		size_t max = mm_regions(mm, NULL, 0) + REGION_SLACK;
		struct mm_region *r = kmalloc(max * sizeof(*r));

		if (!r)
			return NULL;
		*n = mm_regions(mm, r, max);
		if (*n <= max)
			return r;
		mm_regions_put(r, max);
		kfree(r);
	}
}

enum region_kind { KIND_ANON, KIND_HEAP, KIND_STACK, KIND_FILE };

static enum region_kind kind_of(const struct mm_region *r, uintptr_t heap_lo, uintptr_t heap_hi)
{
	if (r->file)
		return KIND_FILE;
	if (r->start <= MM_STACK_TOP - 1 && MM_STACK_TOP - 1 < r->end)
		return KIND_STACK;
	return r->start >= heap_lo && r->start < heap_hi ? KIND_HEAP : KIND_ANON;
}

/* Does @b continue @a as Linux would have merged them into one VMA (brk
 * grows by new regions here, each split is a region of its own)? */
static bool continues(const struct mm_region *a, const struct mm_region *b, enum region_kind ka,
		      enum region_kind kb)
{
	return a->end == b->start && a->prot == b->prot && a->shared == b->shared &&
	       a->file == b->file && ka == kb && ka != KIND_STACK &&
	       (!a->file || b->off == a->off + (int64_t)(a->end - a->start));
}

/* st_dev's major and minor (glibc's gnu_dev_major/minor). */
static unsigned int dev_major(uint64_t dev)
{
	return (unsigned int)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
}

static unsigned int dev_minor(uint64_t dev)
{
	return (unsigned int)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}

/* One maps line for [@start, @end) of @r (its kind @k); @name is a
 * PROCFS_PATH_MAX buffer. */
static void maps_line(struct procfs_text *t, const struct mm_region *r, uintptr_t end,
		      enum region_kind k, char *name)
{
	const struct inode *inode = r->file ? r->file->inode : NULL;
	size_t before = t->len;
	ssize_t n = 0;

	procfs_text_printf(
		t, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", (unsigned long)r->start,
		(unsigned long)end, r->prot & VMA_READ ? 'r' : '-', r->prot & VMA_WRITE ? 'w' : '-',
		r->prot & VMA_EXEC ? 'x' : '-', r->shared ? 's' : 'p',
		(unsigned long long)(r->file ? r->off : 0), inode ? dev_major(inode->sb->dev) : 0,
		inode ? dev_minor(inode->sb->dev) : 0, (unsigned long)(inode ? inode->ino : 0));
	if (k == KIND_FILE) {
		n = procfs_file_link(r->file, name, PROCFS_PATH_MAX - 1);
		if (n < 0)
			n = 0;
	} else if (k != KIND_ANON) {
		n = (ssize_t)strlcpy(name, k == KIND_HEAP ? "[heap]" : "[stack]", PROCFS_PATH_MAX);
	}
	name[n] = '\0';
	if (n) {
		size_t used = t->len - before;
		int pad = used < MAPS_NAME_COL ? (int)(MAPS_NAME_COL - used) : 1;

		procfs_text_printf(t, "%*s%s", pad, "", name);
	}
	procfs_text_printf(t, "\n");
}

int procfs_render_maps(struct procfs_text *t, uint64_t id)
{
	int err;
	struct mm *mm = target_mm(id, &err);
	struct mm_region *r;
	uintptr_t heap_lo, heap_hi;
	char *name;
	size_t n;

	if (!mm)
		return err;
	/* brk's words are set by exec and brk: a hint is enough here. */
	heap_lo = ALIGN_UP(READ_ONCE(mm->brk_start), PAGE_BYTES);
	heap_hi = ALIGN_UP(READ_ONCE(mm->brk), PAGE_BYTES);
	name = kmalloc(PROCFS_PATH_MAX);
	r = name ? regions_of(mm, &n) : NULL;
	mm_put(mm);
	if (!r) {
		kfree(name);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !t->overflow;) {
		enum region_kind k = kind_of(&r[i], heap_lo, heap_hi);
		size_t j = i + 1;

		while (j < n && continues(&r[j - 1], &r[j], k, kind_of(&r[j], heap_lo, heap_hi)))
			j++;
		maps_line(t, &r[i], r[j - 1].end, k, name);
		i = j;
	}
	mm_regions_put(r, n);
	kfree(r);
	kfree(name);
	return 0;
}

/* Linux's statm: size (every region), resident (pages mapped), shared
 * (not counted here: 0), text (executable file regions), lib 0, data
 * (private writable regions, the stack's included), dt 0. */
int procfs_render_statm(struct procfs_text *t, uint64_t id)
{
	int err;
	struct mm *mm = target_mm(id, &err);
	uint64_t size = 0, text = 0, data = 0, resident;
	struct mm_region *r;
	size_t n;

	if (!mm) {
		if (!err)
			procfs_text_printf(t, "0 0 0 0 0 0 0\n");
		return err;
	}
	resident = READ_ONCE(mm->pages); // a word-sized snapshot
	r = regions_of(mm, &n);
	mm_put(mm);
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint64_t pages = (r[i].end - r[i].start) / PAGE_BYTES;

		size += pages;
		if (r[i].file && (r[i].prot & VMA_EXEC))
			text += pages;
		if ((r[i].prot & VMA_WRITE) && !r[i].shared)
			data += pages;
	}
	mm_regions_put(r, n);
	kfree(r);
	procfs_text_printf(t, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)size,
			   (unsigned long)resident, (unsigned long)text, (unsigned long)data);
	return 0;
}

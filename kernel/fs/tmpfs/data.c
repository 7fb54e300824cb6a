/*
 * tmpfs file data: a sparse radix tree of pages per file. Height 0 is a
 * single page at offset 0; each level above is a table of 512 slots, and
 * the tree grows upwards as offsets need it, up to four levels (256 TiB,
 * TMPFS_MAX_FILE_SIZE). A missing page is a hole and reads as zeros, so
 * holes cost nothing. Data pages are whole pmm frames that file mappings
 * may map too (tmpfs_get_page): tmpfs drops its reference when a page
 * leaves the file (truncate, delete) and the frame lives on while mapped.
 * Every data and table page is charged to the mount's
 * size budget; a write that runs out stops short and keeps what it wrote.
 * Locking: the VFS holds the file inode's lock around every call.
 */
#include "fs/file.h"
#include "fs/tmpfs/tmpfs.h"
#include "fs/tmpfs/tmpfs_internal.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

/* Page indices a tree of @height covers. */
static uint64_t height_pages(int height)
{
	return 1ull << (TMPFS_FANOUT_SHIFT * (unsigned int)height);
}

/* A zeroed page-table page (kmalloc). */
static void *tmpfs_page_alloc(struct tmpfs_sb *ts)
{
	void *p;

	if (!tmpfs_charge(ts, 1))
		return NULL;
	p = kzalloc(TMPFS_PAGE);
	if (!p)
		tmpfs_uncharge(ts, 1);
	return p;
}

static void tmpfs_page_free(struct tmpfs_sb *ts, void *p)
{
	kfree(p);
	tmpfs_uncharge(ts, 1);
}

/*
 * A zeroed data page: a whole pmm frame (its direct-map address), so that
 * file mappings can map it (tmpfs_get_page). tmpfs holds one reference;
 * a mapping holds more, and the frame is freed with the last.
 */
static void *tmpfs_frame_alloc(struct tmpfs_sb *ts)
{
	paddr_t pa;

	if (!tmpfs_charge(ts, 1))
		return NULL;
	pa = pmm_alloc_zeroed_page();
	if (!pa) {
		tmpfs_uncharge(ts, 1);
		return NULL;
	}
	return phys_to_virt(pa);
}

/* Drop tmpfs's reference (a mapping may keep the frame alive). */
static void tmpfs_frame_put(struct tmpfs_sb *ts, void *p)
{
	pmm_page_put(virt_to_phys_direct(p));
	tmpfs_uncharge(ts, 1);
}

/* Grow @ti until it covers page @index. Returns 0 or -ENOSPC. */
static int tmpfs_grow(struct tmpfs_sb *ts, struct tmpfs_inode *ti, uint64_t index)
{
	while (index >= height_pages(ti->height)) {
		void **table;

		if (ti->height == TMPFS_MAX_HEIGHT)
			return -EFBIG;
		if (!ti->root) { // empty: just a taller tree
			ti->height++;
			continue;
		}
		table = tmpfs_page_alloc(ts);
		if (!table)
			return -ENOSPC;
		table[0] = ti->root;
		ti->root = table;
		ti->height++;
	}
	return 0;
}

/*
 * The slot holding page @index, or NULL: with @create, missing tables are
 * allocated (NULL then means out of space); without, NULL means a hole.
 */
static void **tmpfs_slot(struct tmpfs_sb *ts, struct tmpfs_inode *ti, uint64_t index, bool create)
{
	void **slot = &ti->root;

	if (index >= height_pages(ti->height)) {
		if (!create || tmpfs_grow(ts, ti, index))
			return NULL;
		slot = &ti->root;
	}
	for (int level = ti->height; level > 0; level--) {
		unsigned int i = (index >> (TMPFS_FANOUT_SHIFT * (level - 1))) & (TMPFS_FANOUT - 1);

		if (!*slot) {
			if (!create || !(*slot = tmpfs_page_alloc(ts)))
				return NULL;
		}
		slot = &((void **)*slot)[i];
	}
	return slot;
}

static ssize_t tmpfs_read(struct file *f, void *buf, size_t n, int64_t off)
{
	struct inode *inode = f->inode;
	struct tmpfs_inode *ti = tmpfs_i(inode);
	size_t done = 0;

	if (off >= inode->size)
		return 0;
	if ((uint64_t)n > (uint64_t)(inode->size - off))
		n = (size_t)(inode->size - off);
	while (done < n) {
		uint64_t pos = (uint64_t)off + done;
		size_t in = pos % TMPFS_PAGE, chunk = TMPFS_PAGE - in;
		void **slot = tmpfs_slot(NULL, ti, pos / TMPFS_PAGE, false);

		if (chunk > n - done)
			chunk = n - done;
		if (slot && *slot)
			memcpy((char *)buf + done, (char *)*slot + in, chunk);
		else
			memset((char *)buf + done, 0, chunk);
		done += chunk;
	}
	return (ssize_t)done;
}

static ssize_t tmpfs_write(struct file *f, const void *buf, size_t n, int64_t off)
{
	struct inode *inode = f->inode;
	struct tmpfs_sb *ts = tmpfs_sb_of(inode->sb);
	struct tmpfs_inode *ti = tmpfs_i(inode);
	size_t done = 0;

	while (done < n) {
		uint64_t pos = (uint64_t)off + done;
		size_t in = pos % TMPFS_PAGE, chunk = TMPFS_PAGE - in;
		void **slot = tmpfs_slot(ts, ti, pos / TMPFS_PAGE, true);

		if (chunk > n - done)
			chunk = n - done;
		if (slot && !*slot && (*slot = tmpfs_frame_alloc(ts)))
			ti->nr_pages++;
		if (!slot || !*slot)
			break;
		memcpy((char *)*slot + in, (const char *)buf + done, chunk);
		done += chunk;
	}
	if (done && off + (int64_t)done > inode->size)
		inode->size = off + (int64_t)done;
	inode->blocks = (int64_t)ti->nr_pages * (TMPFS_PAGE / 512);
	return done ? (ssize_t)done : -ENOSPC;
}

/*
 * Free the pages at index >= @first under the node in *@slot at @level,
 * whose first page index is @base; a node wholly past @first goes too.
 */
static void tmpfs_free_from(struct tmpfs_sb *ts, struct tmpfs_inode *ti, void **slot, int level,
			    uint64_t base, uint64_t first)
{
	if (!*slot)
		return;
	if (level > 0) {
		uint64_t span = height_pages(level - 1);
		void **table = *slot;

		for (unsigned int i = 0; i < TMPFS_FANOUT; i++)
			if (base + (i + 1) * span > first)
				tmpfs_free_from(ts, ti, &table[i], level - 1, base + i * span,
						first);
		if (base >= first) {
			tmpfs_page_free(ts, *slot);
			*slot = NULL;
		}
	} else if (base >= first) {
		ti->nr_pages--;
		tmpfs_frame_put(ts, *slot);
		*slot = NULL;
	}
}

/* Cut the file to @size: free whole pages past it, zero the rest of the
 * last one (so a later extension reads zeros). */
static void tmpfs_shrink(struct inode *inode, int64_t size)
{
	struct tmpfs_sb *ts = tmpfs_sb_of(inode->sb);
	struct tmpfs_inode *ti = tmpfs_i(inode);
	uint64_t first = ((uint64_t)size + TMPFS_PAGE - 1) / TMPFS_PAGE;
	void **slot;

	tmpfs_free_from(ts, ti, &ti->root, ti->height, 0, first);
	if (size % TMPFS_PAGE) {
		slot = tmpfs_slot(ts, ti, (uint64_t)size / TMPFS_PAGE, false);
		if (slot && *slot)
			memset((char *)*slot + size % TMPFS_PAGE, 0,
			       TMPFS_PAGE - (size_t)(size % TMPFS_PAGE));
	}
}

static int tmpfs_setattr(struct inode *inode, const struct vfs_attr *a)
{
	if (!(a->mask & VFS_ATTR_SIZE))
		return 0;
	if (a->size < inode->size)
		tmpfs_shrink(inode, a->size);
	inode->size = a->size;
	inode->blocks = (int64_t)tmpfs_i(inode)->nr_pages * (TMPFS_PAGE / 512);
	return 0;
}

void tmpfs_data_free(struct inode *inode)
{
	struct tmpfs_inode *ti = tmpfs_i(inode);

	tmpfs_free_from(tmpfs_sb_of(inode->sb), ti, &ti->root, ti->height, 0, 0);
}

/*
 * The first page index >= @start under the node @node at @level (first
 * index @base) that is present (@want) or missing (!@want), or UINT64_MAX.
 */
static uint64_t tmpfs_find_page(void *node, int level, uint64_t base, uint64_t start, bool want)
{
	uint64_t span;

	if (!node)
		return want ? UINT64_MAX : (start > base ? start : base);
	if (level == 0)
		return want ? (start > base ? start : base) : UINT64_MAX;
	span = height_pages(level - 1);
	for (unsigned int i = 0; i < TMPFS_FANOUT; i++) {
		uint64_t cb = base + i * span, r;

		if (cb + span <= start)
			continue;
		r = tmpfs_find_page(((void **)node)[i], level - 1, cb, start, want);
		if (r != UINT64_MAX)
			return r;
	}
	return UINT64_MAX;
}

static int64_t tmpfs_seek_hole(struct file *f, int64_t off, int whence)
{
	struct inode *inode = f->inode;
	struct tmpfs_inode *ti = tmpfs_i(inode);
	bool want = whence == SEEK_DATA;
	uint64_t idx = (uint64_t)off / TMPFS_PAGE, r = UINT64_MAX;
	int64_t at;

	if (idx >= height_pages(ti->height))
		return want ? -ENXIO : off; // past the tree: a hole to EOF
	r = tmpfs_find_page(ti->root, ti->height, 0, idx, want);
	if (r == UINT64_MAX && want)
		return -ENXIO;
	if (r == UINT64_MAX)
		r = height_pages(ti->height); // all present: the hole starts past the tree
	at = (int64_t)(r * TMPFS_PAGE);
	if (at < off)
		at = off;
	if (at >= inode->size)
		return want ? -ENXIO : inode->size; // the implicit hole at EOF
	return at;
}

/*
 * The frame holding page @pgoff of the file, with a reference for the
 * caller (a file mapping): only a page wholly inside the file that is
 * not a hole; -ENXIO otherwise (the caller copies then).
 */
static int tmpfs_get_page(struct file *f, uint64_t pgoff, uint64_t *pa)
{
	struct inode *inode = f->inode;
	void **slot;

	if (inode->size < 0 || pgoff >= (uint64_t)inode->size / TMPFS_PAGE)
		return -ENXIO;
	slot = tmpfs_slot(NULL, tmpfs_i(inode), pgoff, false);
	if (!slot || !*slot)
		return -ENXIO;
	*pa = virt_to_phys_direct(*slot);
	pmm_page_get(*pa);
	return 0;
}

static int tmpfs_fsync(struct file *f)
{
	(void)f;
	return 0; // nothing below memory
}

const struct inode_ops tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
};

const struct file_ops tmpfs_file_fops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.fsync = tmpfs_fsync,
	.seek_hole = tmpfs_seek_hole,
	.get_page = tmpfs_get_page,
};

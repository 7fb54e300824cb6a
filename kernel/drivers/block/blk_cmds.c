/*
 * Shell commands for block devices: `blk` lists them, `blk read DEV LBA`
 * hexdumps a sector and `blk write DEV LBA TEXT` writes one, both through
 * the kernel's buffer cache (512-byte blocks), and `sync` writes the
 * cache back and flushes the disks.
 */
#include "core/console.h"
#include "drivers/block/bcache.h"
#include "drivers/block/blkdev.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "lib/string.h"
#include "shell/shell.h"
#include "time/ktime.h"

static void print_size(uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while ((bytes >= 10240 || (bytes >= 1024 && bytes % 1024 == 0)) &&
	       u + 1 < ARRAY_SIZE(units)) {
		bytes >>= 10;
		u++;
	}
	kprintf("%6llu %-3s", (unsigned long long)bytes, units[u]);
}

static void list_one(struct blkdev *dev, void *arg)
{
	struct blk_stats st;

	(*(unsigned int *)arg)++;
	blkdev_get_stats(dev, &st);
	kprintf("%-5s ", dev->name);
	print_size(dev->nr_sectors * BLK_SECTOR_SIZE);
	kprintf(" %10llu %5u  %-8s %-20s %llu/%llu/%llu\n", (unsigned long long)dev->nr_sectors,
		dev->block_size,
		dev->read_only	 ? (dev->has_flush ? "ro,flush" : "ro")
		: dev->has_flush ? "rw,flush"
				 : "rw",
		dev->serial[0] ? dev->serial : "-", (unsigned long long)st.reads,
		(unsigned long long)st.writes, (unsigned long long)st.errors);
}

static int blk_list(void)
{
	struct bcache_stats cs;
	unsigned int n = 0;

	kprintf("NAME        SIZE    SECTORS BLOCK  FLAGS    SERIAL               READS/WRITES/ERRORS\n");
	blkdev_for_each(list_one, &n);
	if (!n)
		kprintf("(no block devices)\n");
	bcache_get_stats(bcache_default(), &cs);
	kprintf("cache: %zu of %zu buffers, %zu dirty; %llu hits, %llu misses, %llu evictions, %llu write-backs\n",
		cs.cached, cs.max, cs.dirty, (unsigned long long)cs.hits,
		(unsigned long long)cs.misses, (unsigned long long)cs.evictions,
		(unsigned long long)cs.writebacks);
	return 0;
}

static void hexdump(const uint8_t *p, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		kprintf("%04zx:", off);
		for (size_t i = 0; i < 16; i++)
			kprintf("%s%02x", i == 8 ? "  " : " ", p[off + i]);
		kprintf("  |");
		for (size_t i = 0; i < 16; i++)
			kprintf("%c", p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.');
		kprintf("|\n");
	}
}

/* Parse DEV and LBA; print the problem and return NULL if they are bad. */
static struct blkdev *parse_target(const char *name, const char *lba_s, uint64_t *lba)
{
	struct blkdev *dev = blkdev_find(name);
	unsigned long long v;

	if (!dev) {
		kprintf("blk: no block device '%s' (see 'blk')\n", name);
		return NULL;
	}
	if (kstrtoull(lba_s, 0, &v) < 0) {
		kprintf("blk: '%s' is not a sector number\n", lba_s);
		return NULL;
	}
	if (v >= dev->nr_sectors) {
		kprintf("blk: sector %llu is beyond the end of %s (%llu sectors)\n", v, dev->name,
			(unsigned long long)dev->nr_sectors);
		return NULL;
	}
	*lba = v;
	return dev;
}

static int report(const char *what, const struct blkdev *dev, int err)
{
	kprintf("blk: %s %s: %s\n", what, dev->name,
		err == -EIO	 ? "I/O error"
		: err == -EROFS	 ? "read-only device"
		: err == -ENOMEM ? "out of memory"
		: err == -EINVAL ? "unsupported block size"
				 : "failed");
	return 1;
}

static int blk_read_cmd(int argc, char **argv)
{
	struct blkdev *dev;
	struct buf *b;
	uint64_t lba;
	int err;

	if (argc != 4)
		return shell_usage(shell_find("blk"));
	dev = parse_target(argv[2], argv[3], &lba);
	if (!dev)
		return 1;
	err = bread(bcache_default(), dev, lba, BLK_SECTOR_SIZE, &b);
	if (err)
		return report("read", dev, err);
	hexdump(b->data, BLK_SECTOR_SIZE);
	brelse(b);
	return 0;
}

static int blk_write_cmd(int argc, char **argv)
{
	struct blkdev *dev;
	struct buf *b;
	uint64_t lba;
	size_t len = 0;
	int err;

	if (argc < 5)
		return shell_usage(shell_find("blk"));
	dev = parse_target(argv[2], argv[3], &lba);
	if (!dev)
		return 1;
	if (dev->read_only)
		return report("write", dev, -EROFS);
	err = bget(bcache_default(), dev, lba, BLK_SECTOR_SIZE, &b);
	if (err)
		return report("write", dev, err);
	memset(b->data, 0, BLK_SECTOR_SIZE);
	/* The words of TEXT, joined by single spaces, cut at one sector. */
	for (int i = 4; i < argc && len < BLK_SECTOR_SIZE; i++) {
		size_t n = MIN(strlen(argv[i]), BLK_SECTOR_SIZE - len);

		memcpy(b->data + len, argv[i], n);
		len += n;
		if (i + 1 < argc && len < BLK_SECTOR_SIZE)
			b->data[len++] = ' ';
	}
	bdirty(b);
	brelse(b);
	kprintf("%s: sector %llu: %zu bytes written to the cache ('sync' writes them out)\n",
		dev->name, (unsigned long long)lba, len);
	return 0;
}

/* blk timeout [SECONDS]: show or set how long a request may go unanswered. */
static int blk_timeout_cmd(int argc, char **argv)
{
	unsigned long long s;

	if (argc == 2) {
		kprintf("blk: requests time out after %llu s\n",
			(unsigned long long)(blk_timeout_ns() / NSEC_PER_SEC));
		return 0;
	}
	if (argc != 3)
		return shell_usage(shell_find("blk"));
	if (kstrtoull(argv[2], 10, &s) || s > BLK_TIMEOUT_MAX_S ||
	    blk_set_timeout_s((unsigned int)s)) {
		kprintf("blk: timeout: %s: not a number of seconds from 1 to %d\n", argv[2],
			BLK_TIMEOUT_MAX_S);
		return 1;
	}
	return 0;
}

static int cmd_blk(int argc, char **argv)
{
	if (argc == 1)
		return blk_list();
	if (!strcmp(argv[1], "timeout"))
		return blk_timeout_cmd(argc, argv);
	if (!strcmp(argv[1], "read"))
		return blk_read_cmd(argc, argv);
	if (!strcmp(argv[1], "write"))
		return blk_write_cmd(argc, argv);
	return shell_usage(shell_find("blk"));
}

static const char *const blk_subcmds[] = { "read", "write", "timeout", NULL };

SHELL_COMMAND(blk, .name = "blk", .group = "devices",
	      .summary = "list block devices; read or write a sector",
	      .usage = "blk | blk read DEV LBA | blk write DEV LBA TEXT | blk timeout [SECONDS]",
	      .fn = cmd_blk, .subcmds = blk_subcmds);

static int cmd_sync(int argc, char **argv)
{
	struct bcache_stats before, after;
	int err;

	if (argc != 1)
		return shell_usage(shell_find("sync"));
	bcache_get_stats(bcache_default(), &before);
	err = vfs_sync(); // each filesystem first (its own caches, its metadata)
	err = bcache_sync(bcache_default(), NULL) ? -EIO : err;
	bcache_get_stats(bcache_default(), &after);
	kprintf("sync: %llu block%s written%s\n",
		(unsigned long long)(after.writebacks - before.writebacks),
		after.writebacks - before.writebacks == 1 ? "" : "s",
		err ? ", some failed (they stay dirty)" : "");
	return err ? 1 : 0;
}

SHELL_COMMAND(sync, .name = "sync", .group = "devices",
	      .summary = "write every filesystem and the cached blocks back, flush the disks",
	      .usage = "sync", .fn = cmd_sync);

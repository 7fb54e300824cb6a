/*
 * Tests for kernel/lib/dirent.c. The layout is checked against glibc's
 * struct dirent64 and DT_* values, and against the host kernel itself:
 * getdents64 on a real directory, then every record the host returned is
 * repacked with dirent_pack and must come out byte for byte the same
 * (reclen, padding and all), and a buffer one byte short of the first
 * record gets -EINVAL from both. A round trip packs random names into
 * buffers of random sizes and walks them as a user program does.
 */
#define _GNU_SOURCE // glibc's struct dirent64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc's DT_* before the kernel's header takes the names over. */
static const int host_dt[] = { DT_UNKNOWN, DT_FIFO, DT_CHR,  DT_DIR, DT_BLK,
			       DT_REG,	   DT_LNK,  DT_SOCK, DT_WHT };
static const size_t host_off[] = { offsetof(struct dirent64, d_ino),
				   offsetof(struct dirent64, d_off),
				   offsetof(struct dirent64, d_reclen),
				   offsetof(struct dirent64, d_type),
				   offsetof(struct dirent64, d_name) };
#undef DT_UNKNOWN
#undef DT_FIFO
#undef DT_CHR
#undef DT_DIR
#undef DT_BLK
#undef DT_REG
#undef DT_LNK
#undef DT_SOCK
#undef DT_WHT

#include "include/uapi/dirent.h"
#include "include/uapi/errno.h"
#include "lib/dirent.h"
#include "unit.h"

TEST(dirent_abi_vs_glibc)
{
	const int ours[] = { DT_UNKNOWN, DT_FIFO, DT_CHR,  DT_DIR, DT_BLK,
			     DT_REG,	 DT_LNK,  DT_SOCK, DT_WHT };
	const size_t off[] = { offsetof(struct linux_dirent64, d_ino),
			       offsetof(struct linux_dirent64, d_off),
			       offsetof(struct linux_dirent64, d_reclen),
			       offsetof(struct linux_dirent64, d_type),
			       offsetof(struct linux_dirent64, d_name) };

	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		CHECK_EQ(ours[i], host_dt[i]);
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		CHECK_EQ(off[i], host_off[i]);
	CHECK_EQ(dirent_type_of_mode(S_IFREG | 0644), DT_REG);
	CHECK_EQ(dirent_type_of_mode(S_IFDIR | 0755), DT_DIR);
	CHECK_EQ(dirent_type_of_mode(S_IFLNK | 0777), DT_LNK);
	CHECK_EQ(dirent_type_of_mode(S_IFCHR), DT_CHR);
	CHECK_EQ(dirent_type_of_mode(S_IFSOCK), DT_SOCK);
	CHECK_EQ(dirent_type_of_mode(S_IFIFO), DT_FIFO);
	CHECK_EQ(dirent_type_of_mode(S_IFBLK), DT_BLK);
}

TEST(dirent_reclen_values)
{
	/* 19 + len + 1 rounded up to 8: 1..4 -> 24, 5..12 -> 32, 255 -> 280. */
	CHECK_EQ(dirent_reclen(1), 24);
	CHECK_EQ(dirent_reclen(4), 24);
	CHECK_EQ(dirent_reclen(5), 32);
	CHECK_EQ(dirent_reclen(12), 32);
	CHECK_EQ(dirent_reclen(13), 40);
	CHECK_EQ(dirent_reclen(255), 280);
}

/* Make @n files with names of growing length in a fresh directory. */
static void make_dir(char *dir, int n)
{
	char path[512];

	CHECK(mkdtemp(dir) != NULL);
	for (int i = 0; i < n; i++) {
		int len = 1 + (i * 7) % 255;

		snprintf(path, sizeof(path), "%s/%0*d", dir, len, i);
		int fd = i % 3 ? open(path, O_CREAT | O_WRONLY, 0600) : mkdir(path, 0700);
		CHECK(fd >= 0);
		if (i % 3)
			close(fd);
	}
	snprintf(path, sizeof(path), "%s/sym", dir);
	CHECK_EQ(symlink("x", path), 0);
}

static long host_getdents(int fd, void *buf, size_t size)
{
	return syscall(SYS_getdents64, fd, buf, size);
}

TEST(dirent_vs_host_kernel)
{
	char dir[] = "/tmp/corvid-dirent-XXXXXX", cmd[64];
	static uint8_t host[1 << 16], ours[1 << 16];
	int fd, records = 0;
	long n;

	make_dir(dir, 80);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	/* Too small for the first record: -EINVAL from the host, and from us. */
	CHECK_EQ(host_getdents(fd, host, 23), -1);
	CHECK_EQ(errno, EINVAL);
	struct dirent_sink s;
	dirent_sink_init(&s, ours, 23);
	CHECK(!dirent_sink_add(&s, 1, 1, DT_DIR, ".", 1));
	CHECK_EQ(dirent_sink_result(&s), -EINVAL);

	memset(host, 0, sizeof(host));
	while ((n = host_getdents(fd, host, sizeof(host))) > 0) {
		dirent_sink_init(&s, ours, sizeof(ours));
		for (long pos = 0; pos < n;) {
			const struct linux_dirent64 *d = (const void *)(host + pos);

			CHECK(dirent_sink_add(&s, d->d_ino, d->d_off, d->d_type, d->d_name,
					      strlen(d->d_name)));
			CHECK_EQ(d->d_reclen, dirent_reclen(strlen(d->d_name)));
			pos += d->d_reclen;
			records++;
		}
		CHECK_EQ(dirent_sink_result(&s), n);
		CHECK_MEM_EQ(ours, host, (size_t)n);
		memset(host, 0, sizeof(host));
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(records, 80 + 3); // ".", ".." and "sym" too
	close(fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ(system(cmd), 0);
}

struct rec {
	uint64_t ino;
	int64_t off;
	uint8_t type;
	char name[256];
	size_t len;
};

static void random_rec(struct rec *r, int i)
{
	r->ino = unit_rand();
	r->off = (int64_t)i + 1;
	r->type = (uint8_t)(unit_rand_below(8) * 2);
	r->len = 1 + unit_rand_below(unit_rand_below(4) ? 16 : 255);
	for (size_t k = 0; k < r->len; k++)
		r->name[k] = (char)('!' + unit_rand_below(14)); // no '/' (0x2f)
	r->name[r->len] = '\0';
}

/* Walk @n bytes of records as a user program does; check them against
 * recs[first..] and return how many there were. */
static int walk(const uint8_t *buf, long n, const struct rec *recs, int first)
{
	int k = 0;

	for (long pos = 0; pos < n; k++) {
		const struct rec *r = &recs[first + k];
		size_t head = offsetof(struct linux_dirent64, d_name);
		struct linux_dirent64 d;

		memcpy(&d, buf + pos, head); // the buffer may be misaligned
		CHECK(d.d_ino == r->ino && d.d_off == r->off && d.d_type == r->type);
		CHECK_EQ(d.d_reclen % 8, 0);
		CHECK(!strcmp((const char *)buf + pos + head, r->name));
		for (size_t z = head + r->len; z < d.d_reclen; z++)
			CHECKF(buf[pos + (long)z] == 0, "padding byte %zu not zero", z);
		pos += d.d_reclen;
		CHECK(pos <= n);
	}
	return k;
}

TEST(dirent_round_trip)
{
	static struct rec recs[500];
	static uint8_t buf[4096 + 8];

	for (int i = 0; i < 500; i++)
		random_rec(&recs[i], i);
	for (int iter = 0; iter < 200; iter++) {
		size_t size = 24 + unit_rand_below(4096 - 24);
		int next = 0;

		/* Repeated "getdents" calls until every record was read once,
		 * into a misaligned buffer (a kernel bounce buffer may be). */
		while (next < 500) {
			struct dirent_sink s;
			int k = next;

			memset(buf, 0xa5, sizeof(buf));
			dirent_sink_init(&s, buf + 1, size);
			while (k < 500 && dirent_sink_add(&s, recs[k].ino, recs[k].off,
							  recs[k].type, recs[k].name, recs[k].len))
				k++;
			ssize_t r = dirent_sink_result(&s);
			if (r == -EINVAL) {
				CHECK(dirent_reclen(recs[next].len) > size);
				break; // this size cannot hold that record
			}
			CHECK(r > 0 && (size_t)r <= size);
			CHECK_EQ(walk(buf + 1, r, recs, next), k - next);
			CHECK_EQ(buf[1 + r], 0xa5); // nothing written past the records
			next = k;
		}
	}
}

TEST(dirent_refusals)
{
	uint8_t buf[64];
	struct dirent_sink s;

	/* The end of a directory: nothing added, no error. */
	dirent_sink_init(&s, buf, sizeof(buf));
	CHECK_EQ(dirent_sink_result(&s), 0);
	/* Exactly fitting records, then the next one does not. */
	CHECK(dirent_sink_add(&s, 1, 1, DT_REG, "abcd", 4));  // 24
	CHECK(dirent_sink_add(&s, 2, 2, DT_REG, "abcde", 5)); // 32
	CHECK(!dirent_sink_add(&s, 3, 3, DT_REG, "a", 1));
	CHECK_EQ(dirent_sink_result(&s), 56);
	/* A bad name stops the sink with -EIO, as Linux does. */
	dirent_sink_init(&s, buf, sizeof(buf));
	CHECK(!dirent_sink_add(&s, 1, 1, DT_REG, "a/b", 3));
	CHECK_EQ(dirent_sink_result(&s), -EIO);
	dirent_sink_init(&s, buf, sizeof(buf));
	CHECK(!dirent_sink_add(&s, 1, 1, DT_REG, "", 0));
	CHECK_EQ(dirent_sink_result(&s), -EIO);
	/* ... but what was added before is still returned. */
	dirent_sink_init(&s, buf, sizeof(buf));
	CHECK(dirent_sink_add(&s, 1, 1, DT_REG, "x", 1));
	CHECK(!dirent_sink_add(&s, 1, 1, DT_REG, "a/b", 3));
	CHECK(!dirent_sink_add(&s, 1, 1, DT_REG, "y", 1));
	CHECK_EQ(dirent_sink_result(&s), 24);
	/* dirent_pack alone: 0 when it does not fit, nothing written. */
	memset(buf, 0x5a, sizeof(buf));
	CHECK_EQ(dirent_pack(buf, 23, 1, 1, DT_REG, "abcd", 4), 0);
	CHECK_EQ(buf[0], 0x5a);
	CHECK_EQ(dirent_pack(buf, 24, 1, 1, DT_REG, "abcd", 4), 24);
}

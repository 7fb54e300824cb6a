/*
 * A differential test of the memory system calls: mprotect, madvise,
 * mmap with MAP_FIXED / MAP_FIXED_NOREPLACE, private and shared file
 * mappings (including a write() straight from untouched file pages) and
 * their errno. One line per observation and nothing that differs between
 * runs or machines; tests/qemu/test_proc_mm.py runs it in Corvid and on
 * the host's Linux and compares the outputs. The raw system calls are
 * used where musl would adjust the arguments (it rounds mprotect's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096
#define RW (PROT_READ | PROT_WRITE)
#define FILE_BYTES 5000
#define DATA "/tmp/mmcheck.dat"
#define COPY "/tmp/mmcheck.out"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void res(const char *what, long ret)
{
	printf("%-36s %s\n", what, ret < 0 ? strerror(errno) : "ok");
}

static long map(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);

	return p == MAP_FAILED ? -1 : 0;
}

static long sys_mprotect(void *p, size_t len, int prot)
{
	return syscall(SYS_mprotect, p, len, prot);
}

static void anonymous(void)
{
	char *p = mmap(NULL, 4 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

	res("mmap 4 pages", p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < 4; i++)
		p[i * PG] = (char)('a' + i);
	res("mprotect middle read-only", sys_mprotect(p + PG, 2 * PG, PROT_READ));
	res("mprotect misaligned", sys_mprotect(p + 1, PG, PROT_READ));
	res("mprotect zero length", sys_mprotect(p, 0, PROT_READ));
	res("mprotect unknown prot bit", sys_mprotect(p, PG, 0x40));
	res("mprotect wrapping length", sys_mprotect(p, (size_t)-PG, PROT_READ));
	res("mprotect back to read-write", sys_mprotect(p, 4 * PG, RW));
	p[PG] = 'B';
	printf("%-36s %c%c%c%c\n", "data after mprotect", p[0], p[PG], p[2 * PG], p[3 * PG]);
	res("munmap page 1", munmap(p + PG, PG));
	res("mprotect over a hole", sys_mprotect(p + PG, 2 * PG, PROT_READ));
	res("madvise dontneed", madvise(p + 2 * PG, PG, MADV_DONTNEED));
	printf("%-36s %d\n", "byte after dontneed", p[2 * PG]);
	res("madvise unknown advice", madvise(p, PG, 12345));
	res("madvise misaligned", madvise(p + 1, PG, MADV_DONTNEED));
	res("madvise over a hole", madvise(p, 3 * PG, MADV_WILLNEED));
	res("madvise zero length", madvise(p, 0, MADV_DONTNEED));
	res("madvise normal", madvise(p + 2 * PG, PG, MADV_NORMAL));
	p[3 * PG] = 'D';
	q = mmap(p + 3 * PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	res("mmap fixed over a page", q == MAP_FAILED ? -1 : 0);
	printf("%-36s %s %d\n", "fixed: where, byte", q == p + 3 * PG ? "asked" : "elsewhere",
	       q == MAP_FAILED ? -1 : q[0]);
	res("fixed_noreplace over a page",
	    map(p + 2 * PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	q = mmap(p + PG, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	res("fixed_noreplace into the hole", q == MAP_FAILED ? -1 : 0);
	printf("%-36s %s\n", "noreplace: where", q == p + PG ? "asked" : "elsewhere");
	res("mmap fixed misaligned",
	    map(p + 5, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	res("mmap zero length", map(NULL, 0, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	res("mmap no type", map(NULL, PG, RW, MAP_ANONYMOUS, -1, 0));
	res("munmap all", munmap(p, 4 * PG));
	q = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	res("mmap shared anonymous", q == MAP_FAILED ? -1 : 0);
	if (q != MAP_FAILED) {
		printf("%-36s %d\n", "shared anonymous byte", q[100]);
		q[100] = 1;
		res("munmap shared anonymous", munmap(q, PG));
	}
}

static long sys_mremap(void *p, size_t old_len, size_t new_len, int flags, void *to)
{
	return syscall(SYS_mremap, p, old_len, new_len, flags, to);
}

/* mremap on a region with a PROT_NONE guard two pages above it, so that
 * growing in place has exactly two free pages on every kernel. */
static void remap(void)
{
	char *g = mmap(NULL, 5 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *p, *q;
	long r;

	if (g == MAP_FAILED)
		return;
	p = mmap(g, 2 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	res("mremap setup", p == g && !munmap(g + 2 * PG, 2 * PG) ? 0 : -1);
	p[0] = 'm';
	p[PG] = 'n';
	r = sys_mremap(p, 2 * PG, 4 * PG, 0, NULL);
	res("mremap grow in place", r);
	printf("%-36s %s\n", "grown: where", r == (long)p ? "same" : "moved");
	res("mremap grow into the guard", sys_mremap(p, 4 * PG, 5 * PG, 0, NULL));
	r = sys_mremap(p, 4 * PG, 6 * PG, MREMAP_MAYMOVE, NULL);
	res("mremap grow, may move", r);
	q = (char *)r;
	printf("%-36s %s %c%c %d\n", "moved: where, data, new tail", q != p ? "moved" : "same",
	       r < 0 ? '?' : q[0], r < 0 ? '?' : q[PG], r < 0 ? -1 : q[5 * PG]);
	res("old range after the move", sys_mprotect(p, 2 * PG, RW));
	res("mremap shrink", sys_mremap(q, 6 * PG, PG, 0, NULL) == (long)q ? 0 : -1);
	res("mremap misaligned", sys_mremap(q + 1, PG, PG, 0, NULL));
	res("mremap to length 0", sys_mremap(q, PG, 0, 0, NULL));
	res("mremap unknown flag", sys_mremap(q, PG, PG, 8, NULL));
	res("mremap fixed without maymove", sys_mremap(q, PG, PG, MREMAP_FIXED, g));
	res("mremap fixed overlapping", sys_mremap(q, PG, 2 * PG, 3, q));
	res("mremap of unmapped memory", sys_mremap(p, PG, PG, 0, NULL));
	r = sys_mremap(q, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, g + 4 * PG);
	printf("%-36s %s %c\n", "fixed move: where, data", r == (long)(g + 4 * PG) ? "asked" : "no",
	       r < 0 ? '?' : *(char *)r);
	p = mmap(g, 2 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	res("make two regions", sys_mprotect(p + PG, PG, PROT_READ));
	res("mremap across two regions", sys_mremap(p, 2 * PG, 3 * PG, MREMAP_MAYMOVE, NULL));
	munmap(g, 5 * PG);
}

static int make_file(void)
{
	static char buf[FILE_BYTES];
	int fd = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0644);

	for (int i = 0; i < FILE_BYTES; i++)
		buf[i] = (char)('A' + i % 23);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf))
		return -1;
	return fd;
}

/* Copy the untouched mapping to another file with write(): the kernel's
 * user copy meets the file pages first. */
static void write_from_mapping(const char *m)
{
	int out = open(COPY, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char back[FILE_BYTES];

	printf("%-36s %ld\n", "write() from the mapping", (long)write(out, m, FILE_BYTES));
	lseek(out, 0, SEEK_SET);
	printf("%-36s %s\n", "copy equals the file",
	       read(out, back, sizeof(back)) == FILE_BYTES && !memcmp(back, m, FILE_BYTES) ? "yes"
											   : "no");
	close(out);
}

static void file_errors(int fd)
{
	int wr = open(DATA, O_WRONLY), dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	int rd = open(DATA, O_RDONLY);
	char *s;

	res("mmap misaligned offset", map(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100));
	res("mmap bad fd", map(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0));
	res("mmap write-only fd", map(NULL, PG, PROT_READ, MAP_PRIVATE, wr, 0));
	res("mmap a directory", map(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0));
	res("mmap shared writable, read-only fd", map(NULL, PG, RW, MAP_SHARED, rd, 0));
	s = mmap(NULL, PG, PROT_READ, MAP_SHARED, rd, 0);
	res("mmap shared read-only", s == MAP_FAILED ? -1 : 0);
	if (s != MAP_FAILED) {
		printf("%-36s %c\n", "shared byte 1", s[1]);
		res("mprotect shared to writable", sys_mprotect(s, PG, RW));
		munmap(s, PG);
	}
	close(wr);
	close(dir);
	close(rd);
}

static void files(void)
{
	int fd = make_file();
	char *m, *m2, c = 0;

	res("make the data file", fd);
	if (fd < 0)
		return;
	m = mmap(NULL, 2 * PG, RW, MAP_PRIVATE, fd, 0);
	res("mmap private file", m == MAP_FAILED ? -1 : 0);
	if (m == MAP_FAILED)
		return;
	write_from_mapping(m);
	printf("%-36s %c %c %d\n", "bytes 10, 4999, 5000", m[10], m[4999], m[5000]);
	m[10] = 'x';
	lseek(fd, 10, SEEK_SET);
	res("read the file back", read(fd, &c, 1) == 1 ? 0 : -1);
	printf("%-36s %c %c\n", "mapping, file after a write", m[10], c);
	res("madvise dontneed on the file", madvise(m, PG, MADV_DONTNEED));
	printf("%-36s %c\n", "byte 10 again", m[10]);
	res("madvise free on the file", madvise(m, PG, MADV_FREE));
	m2 = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	res("mmap at offset 4096", m2 == MAP_FAILED ? -1 : 0);
	if (m2 != MAP_FAILED)
		printf("%-36s %d\n", "offset mapping matches",
		       m2[0] == m[PG] && m2[903] == m[4999]);
	file_errors(fd);
	close(fd);
	unlink(COPY);
	unlink(DATA);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	anonymous();
	remap();
	files();
	return 0;
}

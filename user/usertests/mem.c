/*
 * usertests: memory. Anonymous mmap and munmap (holes fault), mprotect,
 * MAP_FIXED and MAP_FIXED_NOREPLACE, madvise(MADV_DONTNEED), private file
 * mappings (and what they see of later writes to the file), copy-on-write after fork in both directions, MAP_SHARED
 * anonymous memory across fork, system calls writing into pages that need
 * a fault (fresh, file-backed, copy-on-write), brk (also after fork), stack use,
 * and exhausting memory (the kernel and the next test survive). Linux
 * man pages mmap(2), mprotect(2), madvise(2), brk(2).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"

#define PAGE 4096ul

static char *map(size_t len, int prot)
{
	char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		FAIL("mmap %zu: %s", len, ut_errname(errno));
	return p;
}

static void touch(void *p)
{
	*(volatile char *)p = 1;
}

static void read_byte(void *p)
{
	(void)*(volatile char *)p;
}

static void mmap_basics(void)
{
	char *p = map(16 * PAGE, PROT_READ | PROT_WRITE);

	for (size_t i = 0; i < 16 * PAGE; i += 512)
		CHECK(p[i] == 0); /* zero-filled */
	memset(p, 0x5a, 16 * PAGE);
	CHECK_OK(munmap(p + 4 * PAGE, 2 * PAGE)); /* a hole in the middle */
	CHECK(p[3 * PAGE] == 0x5a && p[6 * PAGE] == 0x5a);
	ut_expect_signal(touch, p + 4 * PAGE, SIGSEGV, "write into the hole");
	ut_expect_signal(read_byte, p + 5 * PAGE + 100, SIGSEGV, "read from the hole");
	CHECK_OK(munmap(p, 16 * PAGE)); /* over the hole too */
	ut_expect_signal(read_byte, p, SIGSEGV, "read after munmap");
	CHECK_OK(munmap(p, 16 * PAGE)); /* nothing there: still 0 */
	CHECK_ERR(syscall(SYS_mmap, NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  EINVAL);
	CHECK_ERR(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0),
		  EINVAL); /* no type */
	CHECK_ERR(syscall(SYS_munmap, p + 1, PAGE), EINVAL);
	CHECK_ERR(syscall(SYS_munmap, p, 0), EINVAL);
	CHECK_ERR(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_PRIVATE, 12345, 0), EBADF);
	CHECK_ERR(syscall(SYS_mmap, (void *)0xffffffff80000000ul, PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  ENOMEM);
	CHECK_ERR(syscall(SYS_mmap, NULL, 1ul << 50, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  ENOMEM);
	CHECK_ERR(syscall(SYS_munmap, (void *)0xffffffff80000000ul, PAGE), EINVAL);
}

static void mprotect_semantics(void)
{
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE);

	p[0] = 'x';
	CHECK_OK(mprotect(p, PAGE, PROT_READ));
	CHECK(p[0] == 'x');
	ut_expect_signal(touch, p, SIGSEGV, "write to PROT_READ");
	touch(p + PAGE); /* the rest is still writable */
	CHECK_OK(mprotect(p, 4 * PAGE, PROT_NONE));
	ut_expect_signal(read_byte, p + 2 * PAGE, SIGSEGV, "read of PROT_NONE");
	CHECK_OK(mprotect(p, 4 * PAGE, PROT_READ | PROT_WRITE));
	CHECK(p[0] == 'x' && p[PAGE] == 1);
	touch(p);
	CHECK_ERR(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);
	CHECK_OK(munmap(p + 2 * PAGE, PAGE));
	CHECK_ERR(syscall(SYS_mprotect, p, 4 * PAGE, PROT_READ), ENOMEM); /* spans a hole */
	munmap(p, 4 * PAGE);
}

static void fixed_maps(void)
{
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE), *q;

	memset(p, 7, 4 * PAGE);
	q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	CHECK(q == p + PAGE);
	CHECK(q[0] == 0 && p[0] == 7 && p[2 * PAGE] == 7); /* replaced just that page */
	CHECK_ERR(syscall(SYS_mmap, p, PAGE, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
		  EEXIST);
	CHECK_ERR(syscall(SYS_mmap, p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			  -1, 0),
		  EINVAL);
	CHECK_OK(madvise(p, 4 * PAGE, MADV_DONTNEED));
	CHECK(p[0] == 0 && p[3 * PAGE] == 0); /* private anonymous: zero again */
	munmap(p, 4 * PAGE);
}

static void file_mmap(void)
{
	const char *path = ut_path("mapped");
	static char data[3 * PAGE];
	char *p;
	int fd;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	ut_write_file(path, data, sizeof(data) - 100, 0644);
	fd = CHECK_OK(open(path, O_RDWR));
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(!memcmp(p, data, sizeof(data) - 100));
	for (int i = 0; i < 100; i++)
		CHECK(p[sizeof(data) - 100 + i] == 0); /* past EOF in the last page */
	p[0] = 'Q';
	CHECK(pread(fd, data + 1, 1, 0) == 1 && data[1] == 0); /* private: not written back */
	munmap(p, 3 * PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	CHECK(p != MAP_FAILED && p[0] == (char)(PAGE * 7));
	munmap(p, PAGE);
	CHECK_ERR(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
	close(fd);
	unlink(path);
}

/*
 * A file's pages as mappings see them (Linux: the page cache; Corvid's
 * tmpfs: the file's own frames): a write to the file shows in a
 * MAP_PRIVATE page not yet written and in a MAP_SHARED one, never in a
 * private page after its copy; fork's child sees the same; the pages stay
 * readable after the file is unlinked and closed.
 */
static void mmap_file_pages_shared(void)
{
	const char *path = ut_path("shared_pages");
	static char data[2 * PAGE];
	char *priv, *ro, *shr;
	int fd, st;
	pid_t pid;

	memset(data, 'a', PAGE);
	memset(data + PAGE, 'b', PAGE);
	ut_write_file(path, data, sizeof(data), 0644);
	fd = CHECK_OK(open(path, O_RDWR));
	priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ro = mmap(NULL, 2 * PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	shr = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(priv != MAP_FAILED && ro != MAP_FAILED && shr != MAP_FAILED);
	CHECK(priv[10] == 'a' && ro[PAGE + 10] == 'b' && shr[10] == 'a');
	CHECK(pwrite(fd, "X", 1, 10) == 1);
	CHECK(priv[10] == 'X' && ro[10] == 'X' && shr[10] == 'X');
	priv[20] = 'W'; /* the private page is copied now */
	CHECK(pwrite(fd, "Y", 1, 30) == 1 && pwrite(fd, "Z", 1, PAGE + 30) == 1);
	CHECK(priv[30] == 'a' && priv[10] == 'X' && priv[PAGE + 30] == 'Z');
	CHECK(ro[30] == 'Y' && shr[30] == 'Y' && ro[20] == 'a' && shr[20] == 'a');
	CHECK(pread(fd, data, 1, 20) == 1 && data[0] == 'a');
	pid = CHECK_OK(fork());
	if (pid == 0) {
		if (priv[20] != 'W' || priv[30] != 'a' || ro[30] != 'Y' || shr[PAGE + 30] != 'Z')
			_exit(1);
		*(volatile char *)ro = 'R'; /* not writable: SIGSEGV */
		_exit(2);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK(priv[20] == 'W' && ro[PAGE + 30] == 'Z' && shr[30] == 'Y' && ro[PAGE + 100] == 'b');
	munmap(priv, 2 * PAGE);
	munmap(ro, 2 * PAGE);
	munmap(shr, 2 * PAGE);
}

/* A 4 MiB private file mapping: every page faults in from the file; writes
 * stay private. */
static void mmap_big_file(void)
{
	enum { LEN = 4 << 20 };
	const char *path = ut_path("bigmap");
	unsigned int *buf = malloc(LEN), *p, word;
	int fd;

	CHECK(buf);
	for (size_t i = 0; i < LEN / 4; i++)
		buf[i] = (unsigned int)(i * 2654435761u);
	ut_write_file(path, buf, LEN, 0644);
	free(buf);
	fd = CHECK_OK(open(path, O_RDONLY));
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < LEN / 4; i += 257)
		if (p[i] != (unsigned int)(i * 2654435761u))
			FAIL("word %zu is %#x", i, p[i]);
	for (size_t i = 0; i < LEN / 4; i += 1024)
		p[i] = 0;
	CHECK(pread(fd, &word, 4, 4096) == 4 && word == (unsigned int)(1024 * 2654435761u));
	munmap(p, LEN);
	close(fd);
	unlink(path);
}

/* Four processes each fork children that write all of a shared-at-fork
 * region at once: the frames' reference counts under contention. */
static void cow_concurrent(void)
{
	enum { NPROC = 4, LEN = 1 << 20, CHILDREN = 4 };

	for (int i = 0; i < NPROC; i++) {
		if (CHECK_OK(fork()) != 0)
			continue;
		char *m = map(LEN, PROT_READ | PROT_WRITE);

		memset(m, 'a' + i, LEN);
		for (int c = 0; c < CHILDREN; c++) {
			pid_t pid = fork();

			if (pid < 0)
				_exit(errno == EAGAIN ? 0 : 1);
			if (pid == 0) {
				for (size_t k = 0; k < LEN; k += PAGE)
					m[k] = (char)('A' + c);
				_exit(0);
			}
		}
		for (size_t k = 0; k < LEN; k += PAGE / 2)
			m[k] = m[k] == 'a' + i ? m[k] : 0; /* the parent writes too */
		while (wait4(-1, NULL, 0, NULL) > 0)
			;
		for (size_t k = 0; k < LEN; k += PAGE / 2)
			if (m[k] != 'a' + i)
				_exit(3);
		_exit(0);
	}
	for (int i = 0; i < NPROC; i++) {
		int st;

		CHECK_OK(wait4(-1, &st, 0, NULL));
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			FAIL("a parent saw its memory change (or failed): status %#x", st);
	}
}

static int global = 1;

/* After fork each side sees its own copy of data, heap, mmap and stack. */
static void cow_fork(void)
{
	enum { LEN = 64 * 4096 };
	char *heap = malloc(LEN), *m = map(LEN, PROT_READ | PROT_WRITE), stack[PAGE];
	const char *flag = ut_path("cow.flag");
	int st;
	pid_t pid;

	CHECK(heap);
	memset(heap, 'h', LEN);
	memset(m, 'm', LEN);
	memset(stack, 's', sizeof(stack));
	unlink(flag);
	pid = CHECK_OK(fork());
	if (pid == 0) {
		int ok = global == 1 && heap[LEN - 1] == 'h' && m[100] == 'm' && stack[9] == 's';

		global = 2;
		memset(heap, 'H', LEN);
		memset(m, 'M', LEN);
		stack[9] = 'S';
		for (uint64_t t0 = ut_now_ms();
		     ut_now_ms() - t0 < UT_DEADLINE_MS &&
		     access(flag, F_OK) != 0;) /* the parent writes too, then we look again */
			ut_sleep_ms(1);
		ok = ok && global == 2 && heap[5] == 'H' && m[LEN - 1] == 'M' && stack[9] == 'S';
		_exit(ok ? 0 : 1);
	}
	memset(m + PAGE, 'p', PAGE);
	global = 3;
	ut_write_file(flag, "", 0, 0644);
	CHECK(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		FAIL("child saw a wrong value: status %#x", st);
	CHECK(global == 3 && heap[0] == 'h' && m[0] == 'm' && m[PAGE] == 'p' && stack[9] == 's');
	unlink(flag);
	free(heap);
	munmap(m, LEN);
}

/* MAP_SHARED|MAP_ANONYMOUS memory stays shared across fork, both ways. */
static void shared_anon(void)
{
	volatile int *p =
		mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st;
	pid_t pid;

	if (p == MAP_FAILED)
		FAIL("mmap MAP_SHARED|MAP_ANONYMOUS: %s", ut_errname(errno));
	p[0] = 1;
	pid = CHECK_OK(fork());
	if (pid == 0) {
		p[1] = 2; /* the parent must see this */
		_exit(p[0] == 1 ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	if (p[1] != 2)
		FAIL("the parent does not see the child's write");
	pid = CHECK_OK(fork());
	if (pid == 0) { /* and the child sees the parent's, made after the fork */
		for (uint64_t t0 = ut_now_ms(); ut_now_ms() - t0 < UT_DEADLINE_MS && p[0] != 3;)
			ut_sleep_ms(1);
		_exit(p[0] == 3 ? 0 : 1);
	}
	p[0] = 3;
	CHECK(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("the child did not see the parent's write: status %#x", st);
	munmap((void *)p, PAGE);
}

/* A child's brk is its own: growing it leaves the parent's where it was. */
static void brk_after_fork(void)
{
	char *start = (char *)syscall(SYS_brk, 0);
	int st;
	pid_t pid;

	CHECK((char *)syscall(SYS_brk, start + 4 * PAGE) == start + 4 * PAGE);
	start[0] = 'p';
	pid = CHECK_OK(fork());
	if (pid == 0) {
		int ok = (char *)syscall(SYS_brk, 0) == start + 4 * PAGE && start[0] == 'p';

		ok = ok && (char *)syscall(SYS_brk, start + 64 * PAGE) == start + 64 * PAGE;
		start[63 * PAGE] = 'c';
		start[0] = 'c';
		_exit(ok ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	CHECK((char *)syscall(SYS_brk, 0) == start + 4 * PAGE && start[0] == 'p');
	ut_expect_signal(touch, start + 63 * PAGE, SIGSEGV, "write above the parent's brk");
	CHECK((char *)syscall(SYS_brk, start) == start);
}

/* The kernel writes into user memory that needs a fault first: fresh
 * anonymous and brk pages, a private file page, and copy-on-write pages
 * after fork, where its write must break the sharing (not reach the other
 * process's copy). */
static void usercopy_faults(void)
{
	const char *path = ut_path("uc_src"), *mpath = ut_path("uc_map");
	static char data[2 * PAGE];
	char *anon = map(2 * PAGE, PROT_READ | PROT_WRITE), *heap, *fm, *cow;
	int fd, mfd, st;
	pid_t pid;

	memset(data, 'C', sizeof(data));
	ut_write_file(path, data, sizeof(data), 0644);
	ut_write_file(mpath, data, sizeof(data), 0644);
	fd = CHECK_OK(open(path, O_RDONLY));
	CHECK(pread(fd, anon + 100, PAGE, 0) ==
	      (ssize_t)PAGE); /* untouched, straddling two pages */
	CHECK(anon[100] == 'C' && anon[PAGE + 99] == 'C' && anon[0] == 0);
	heap = (char *)syscall(SYS_brk, 0);
	CHECK((char *)syscall(SYS_brk, heap + 2 * PAGE) == heap + 2 * PAGE);
	CHECK(pread(fd, heap, 2 * PAGE, 0) == (ssize_t)(2 * PAGE));
	CHECK(heap[0] == 'C' && heap[2 * PAGE - 1] == 'C');
	syscall(SYS_brk, heap);
	mfd = CHECK_OK(open(mpath, O_RDONLY));
	fm = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, mfd, 0);
	CHECK(fm != MAP_FAILED);
	CHECK(pread(fd, fm + PAGE, 16, 0) == 16); /* a private file page, never touched */
	CHECK(fm[PAGE] == 'C');
	memset(data, 'z', 16);
	CHECK(pread(mfd, data, 16, PAGE) == 16 && data[0] == 'C'); /* the file is unchanged */
	munmap(fm, 2 * PAGE);
	close(mfd);

	cow = map(2 * PAGE, PROT_READ | PROT_WRITE);
	memset(cow, 'P', 2 * PAGE);
	pid = CHECK_OK(fork());
	if (pid == 0) { /* the kernel writes into the child's copy only */
		int ok = pread(fd, cow, 2 * PAGE, 0) == (ssize_t)(2 * PAGE) && cow[0] == 'C';

		_exit(ok ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	for (size_t i = 0; i < 2 * PAGE; i += 512)
		if (cow[i] != 'P')
			FAIL("the child's read() wrote into the parent's page: byte %zu is %c", i,
			     cow[i]);
	pid = CHECK_OK(fork());
	if (pid == 0) { /* and the parent's read leaves the child's copy */
		ut_sleep_ms(50);
		_exit(cow[0] == 'P' && cow[PAGE] == 'P' ? 0 : 1);
	}
	CHECK(pread(fd, cow, 2 * PAGE, 0) == (ssize_t)(2 * PAGE) && cow[PAGE] == 'C');
	CHECK(waitpid(pid, &st, 0) == pid);
	if (st != 0)
		FAIL("the parent's read() reached the child's copy: status %#x", st);
	close(fd);
	munmap(cow, 2 * PAGE);
	munmap(anon, 2 * PAGE);
	unlink(path);
	unlink(mpath);
}

/* A read-only page stays read-only in the child; a write there faults. */
static void cow_readonly(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE);

	p[0] = 1;
	CHECK_OK(mprotect(p, PAGE, PROT_READ));
	ut_expect_signal(touch, p, SIGSEGV, "child write to PROT_READ");
	CHECK(p[0] == 1);
	munmap(p, PAGE);
}

/* Many forks of a process with touched memory: each child writes all of it. */
static void cow_many(void)
{
	enum { LEN = 1 << 20 };
	char *m = map(LEN, PROT_READ | PROT_WRITE);

	memset(m, 1, LEN);
	for (int i = 0; i < 20; i++) {
		pid_t pid = CHECK_OK(fork());
		int st;

		if (pid == 0) {
			for (size_t k = 0; k < LEN; k += PAGE)
				m[k] = 2;
			_exit(m[LEN - PAGE] == 2 ? 0 : 1);
		}
		CHECK(waitpid(pid, &st, 0) == pid && st == 0);
	}
	for (size_t k = 0; k < LEN; k += PAGE)
		CHECK(m[k] == 1);
	munmap(m, LEN);
}

static void brk_semantics(void)
{
	char *start = (char *)syscall(SYS_brk, 0), *p;

	CHECK((long)start > 0);
	p = (char *)syscall(SYS_brk, start + 64 * PAGE + 5);
	CHECK(p == start + 64 * PAGE + 5);
	memset(start, 9, 64 * PAGE);
	CHECK((char *)syscall(SYS_brk, start + PAGE) == start + PAGE);
	ut_expect_signal(touch, start + 8 * PAGE, SIGSEGV, "write above a shrunk brk");
	CHECK((char *)syscall(SYS_brk, start + 8 * PAGE) == start + 8 * PAGE);
	CHECK(start[0] == 9 && start[2 * PAGE] == 0); /* regrown pages are fresh */
	CHECK((char *)syscall(SYS_brk, start - 64 * PAGE) == start + 8 * PAGE); /* refused */
	CHECK((char *)syscall(SYS_brk, 0xffffffff80000000ul) == start + 8 * PAGE);
	CHECK((char *)syscall(SYS_brk, start) == start);
}

static void recurse(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	if (depth > 0)
		recurse(depth - 1);
	(void)frame[0];
}

static void stack_use(void)
{
	recurse(4000); /* about 4 MiB of the 8 MiB stack */
}

/* In a child: map and touch 1 MiB chunks until mmap fails or the kernel kills it. */
static void exhaust(void *arg)
{
	size_t bound = (size_t)arg, total = 0;

	while (total < bound) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED) {
			if (errno != ENOMEM)
				_exit(3);
			_exit(2);
		}
		for (size_t k = 0; k < (1 << 20); k += PAGE)
			p[k] = 1;
		total += 1 << 20;
	}
	_exit(0);
}

static void memory_exhaustion(void)
{
	/* On Linux the bound keeps the host safe; on Corvid it is above its RAM. */
	size_t bound = ut_on_corvid ? (16ul << 30) : (64ul << 20);
	int st = ut_run_child(exhaust, (void *)bound);

	if (ut_on_corvid) {
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			FAIL("16 GiB touched: memory did not run out");
		if (WIFEXITED(st) && WEXITSTATUS(st) != 2)
			FAIL("exit %d (mmap's errno was not ENOMEM)", WEXITSTATUS(st));
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL && WTERMSIG(st) != SIGSEGV &&
		    WTERMSIG(st) != SIGBUS)
			FAIL("killed by signal %d", WTERMSIG(st));
	} else
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = ut_run_child(exhaust, (void *)(32ul << 20)); /* the memory came back */
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* brk far beyond memory fails and leaves the break where it was. */
static void brk_exhaustion(void)
{
	char *start = (char *)syscall(SYS_brk, 0);

	CHECK((char *)syscall(SYS_brk, start + (1ul << 46)) == start);
	CHECK((char *)syscall(SYS_brk, start + PAGE) == start + PAGE);
	touch(start);
	CHECK((char *)syscall(SYS_brk, start) == start);
}

/* A private writable mapping far beyond memory is refused up front, as by
 * Linux's default overcommit heuristic (more than RAM + swap at once);
 * read-only or MAP_NORESERVE ones are not accounted and may succeed. */
static void mmap_overcommit(void)
{
	void *p;

	CHECK_ERR(syscall(SYS_mmap, NULL, 1ul << 46, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  ENOMEM);
	p = mmap(NULL, 1ul << 46, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, 1ul << 46);
}

const struct ut_test ut_mem_tests[] = {
	{ "mmap_basics", mmap_basics, 0 },
	{ "mprotect", mprotect_semantics, 0 },
	{ "mmap_fixed", fixed_maps, 0 },
	{ "mmap_file", file_mmap, 0 },
	{ "mmap_big_file", mmap_big_file, 0 },
	{ "mmap_file_pages_shared", mmap_file_pages_shared, 0 },
	{ "cow_fork", cow_fork, 0 },
	{ "cow_readonly", cow_readonly, 0 },
	{ "cow_many", cow_many, 0 },
	{ "cow_concurrent", cow_concurrent, 0 },
	{ "shared_anon", shared_anon, 0 },
	{ "usercopy_faults", usercopy_faults, 0 },
	{ "brk_after_fork", brk_after_fork, 0 },
	{ "brk", brk_semantics, 0 },
	{ "brk_exhaustion", brk_exhaustion, 0 },
	{ "mmap_overcommit", mmap_overcommit, 0 },
	{ "stack_use", stack_use, 0 },
	{ "memory_exhaustion", memory_exhaustion, 0 },
	{ NULL, NULL, 0 },
};

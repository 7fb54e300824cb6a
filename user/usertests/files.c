/*
 * usertests: files and directories. create/write/read/unlink, many files,
 * a big file, directories and their errors, rename, dup/dup2/dup3/fcntl,
 * O_APPEND, O_EXCL/O_TRUNC, lseek past the end and holes, pread/pwrite,
 * getdents64 with small buffers, an offset shared across fork, files
 * written by several processes at once, offsets of 1 TiB and INT64_MAX,
 * and processes creating and deleting the same names at once. Linux man pages open(2),
 * lseek(2), rename(2), getdents64(2), dup(2), fcntl(2).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ut.h"

static void read_exact(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	if (n != (ssize_t)len)
		FAIL("read %zu: got %zd (%s)", len, n, ut_errname(errno));
}

static void create_rw_unlink(void)
{
	const char *p = ut_path("small");
	char buf[16];
	struct stat st;
	int fd;

	fd = CHECK_OK(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644));
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	read_exact(fd, buf, 11);
	CHECK(!memcmp(buf, "hello world", 11));
	CHECK(read(fd, buf, sizeof(buf)) == 0); /* EOF */
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISREG(st.st_mode) && st.st_size == 11 && st.st_nlink == 1);
	CHECK_OK(close(fd));
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	fd = CHECK_OK(open(p, O_RDONLY));
	CHECK_ERR(write(fd, "x", 1), EBADF);
	close(fd);
	fd = CHECK_OK(open(p, O_WRONLY));
	CHECK_ERR(read(fd, buf, 1), EBADF);
	close(fd);
	CHECK_ERR(open(p, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	fd = CHECK_OK(open(p, O_WRONLY | O_TRUNC));
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_size == 0);
	close(fd);
	CHECK_OK(unlink(p));
	CHECK_ERR(open(p, O_RDONLY), ENOENT);
	CHECK_ERR(unlink(p), ENOENT);
}

/* An open file outlives its unlink. */
static void unlink_open(void)
{
	const char *p = ut_path("unlinked");
	char buf[4];
	int fd = CHECK_OK(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644));

	CHECK(write(fd, "abcd", 4) == 4);
	CHECK_OK(unlink(p));
	CHECK(pread(fd, buf, 4, 0) == 4 && !memcmp(buf, "abcd", 4));
	CHECK(write(fd, "ef", 2) == 2);
	CHECK_OK(close(fd));
	CHECK_ERR(open(p, O_RDONLY), ENOENT);
}

static void many_files(void)
{
	enum { N = 200 };
	char name[32];
	int fd;

	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many%d", i);
		fd = CHECK_OK(open(ut_path(name), O_CREAT | O_WRONLY | O_TRUNC, 0644));
		CHECK(write(fd, name, strlen(name)) == (ssize_t)strlen(name));
		close(fd);
	}
	for (int i = 0; i < N; i++) {
		char buf[32] = "";

		snprintf(name, sizeof(name), "many%d", i);
		fd = CHECK_OK(open(ut_path(name), O_RDONLY));
		CHECK(read(fd, buf, sizeof(buf)) == (ssize_t)strlen(name) && !strcmp(buf, name));
		close(fd);
		CHECK_OK(unlink(ut_path(name)));
	}
}

/* Opens until EMFILE; all the fds are distinct and the lowest free comes first. */
static void many_fds(void)
{
	int fds[4096], n = 0, fd;

	while (n < 4096 && (fd = open(ut_self, O_RDONLY)) >= 0)
		fds[n++] = fd;
	if (n == 4096)
		ut_note("4096 open files and no EMFILE");
	else
		CHECK(errno == EMFILE);
	CHECK(n > 16);
	close(fds[5]);
	CHECK(open(ut_self, O_RDONLY) == fds[5]);
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

static void big_file(void)
{
	enum { CHUNK = 65536, CHUNKS = 128 }; /* 8 MiB */
	const char *p = ut_path("big");
	static unsigned int buf[CHUNK / 4];
	struct stat st;
	int fd = CHECK_OK(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644));

	for (int c = 0; c < CHUNKS; c++) {
		for (int i = 0; i < CHUNK / 4; i++)
			buf[i] = c * (CHUNK / 4) + i;
		if (write(fd, buf, CHUNK) != CHUNK)
			FAIL("write chunk %d: %s", c, ut_errname(errno));
	}
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_size == (off_t)CHUNK * CHUNKS);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	for (int c = 0; c < CHUNKS; c++) {
		read_exact(fd, buf, CHUNK);
		for (int i = 0; i < CHUNK / 4; i++)
			if (buf[i] != (unsigned int)(c * (CHUNK / 4) + i))
				FAIL("chunk %d word %d is %u", c, i, buf[i]);
	}
	CHECK_OK(ftruncate(fd, 12345));
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_size == 12345);
	close(fd);
	CHECK_OK(unlink(p));
}

static void directories(void)
{
	const char *d = ut_path("dir"), *f = ut_path("dir/file"), *sub = ut_path("dir/sub");
	struct stat st;
	int fd;

	CHECK_OK(mkdir(d, 0755));
	CHECK_ERR(mkdir(d, 0755), EEXIST);
	CHECK_OK(stat(d, &st));
	CHECK(S_ISDIR(st.st_mode));
	ut_write_file(f, "x", 1, 0644);
	CHECK_OK(mkdir(sub, 0755));
	CHECK_ERR(rmdir(d), ENOTEMPTY);
	CHECK_ERR(open(d, O_WRONLY), EISDIR);
	CHECK_ERR(open(d, O_RDWR), EISDIR);
	CHECK_ERR(unlink(sub), EISDIR);
	CHECK_ERR(rmdir(f), ENOTDIR);
	CHECK_ERR(open(ut_path("dir/file/x"), O_RDONLY), ENOTDIR);
	CHECK_ERR(open(ut_path("dir/file/x"), O_CREAT | O_WRONLY, 0644), ENOTDIR);
	CHECK_ERR(open(ut_path("nodir/x"), O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR(mkdir(ut_path("nodir/x"), 0755), ENOENT);
	CHECK_ERR(open(f, O_RDONLY | O_DIRECTORY), ENOTDIR);
	fd = CHECK_OK(open(d, O_RDONLY | O_DIRECTORY));
	CHECK_ERR(read(fd, &st, 1), EISDIR);
	close(fd);
	CHECK_ERR(rmdir(ut_path("dir/sub/.")), EINVAL);
	CHECK_OK(rmdir(sub));
	CHECK_OK(unlink(f));
	CHECK_OK(rmdir(d));
	CHECK_ERR(stat(d, &st), ENOENT);
}

static void renames(void)
{
	const char *a = ut_path("ren_a"), *b = ut_path("ren_b"), *d = ut_path("ren_d");
	char buf[8] = "";
	int fd;

	ut_write_file(a, "A", 1, 0644);
	ut_write_file(b, "B", 1, 0644);
	CHECK_OK(rename(a, b)); /* replaces b */
	CHECK_ERR(access(a, F_OK), ENOENT);
	fd = CHECK_OK(open(b, O_RDONLY));
	CHECK(read(fd, buf, sizeof(buf)) == 1 && buf[0] == 'A');
	close(fd);
	CHECK_OK(mkdir(d, 0755));
	CHECK_OK(rename(b, ut_path("ren_d/moved")));
	CHECK_OK(access(ut_path("ren_d/moved"), F_OK));
	CHECK_ERR(rename(ut_path("ren_d/none"), a), ENOENT);
	CHECK_OK(mkdir(ut_path("ren_d/empty"), 0755));
	CHECK_ERR(rename(ut_path("ren_d/moved"), ut_path("ren_d/empty")), EISDIR);
	CHECK_OK(rmdir(ut_path("ren_d/empty")));
	ut_write_file(ut_path("ren_f"), "", 0, 0644);
	CHECK_ERR(rename(d, ut_path("ren_f")), ENOTDIR);
	CHECK_OK(unlink(ut_path("ren_f")));
	CHECK_ERR(rename(d, ut_path("ren_d/inside")), EINVAL); /* into itself */
	CHECK_OK(rename(d, ut_path("ren_e")));
	CHECK_OK(unlink(ut_path("ren_e/moved")));
	CHECK_OK(rmdir(ut_path("ren_e")));
}

static void dup_fcntl(void)
{
	const char *p = ut_path("dup");
	int fd = CHECK_OK(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644)), d1, d2;
	char buf[8];

	d1 = CHECK_OK(dup(fd));
	CHECK(d1 != fd);
	CHECK(write(fd, "ab", 2) == 2);
	CHECK(write(d1, "cd", 2) == 2); /* one shared offset */
	CHECK(lseek(d1, 0, SEEK_CUR) == 4 && lseek(fd, 0, SEEK_CUR) == 4);
	d2 = CHECK_OK(dup2(fd, 50));
	CHECK(d2 == 50);
	CHECK(dup2(50, 50) == 50);
	CHECK_ERR(dup3(50, 50, 0), EINVAL);
	CHECK_ERR(dup2(999999, 51), EBADF);
	CHECK(CHECK_OK(dup3(fd, 51, O_CLOEXEC)) == 51);
	CHECK(fcntl(51, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(50, F_GETFD) == 0);
	CHECK(fcntl(fd, F_DUPFD, 60) >= 60);
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 70) >= 70);
	CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK_OK(fcntl(fd, F_SETFL, O_APPEND));
	CHECK(fcntl(d1, F_GETFL) & O_APPEND); /* status flags are the file's */
	CHECK(pread(50, buf, 4, 0) == 4 && !memcmp(buf, "abcd", 4));
	CHECK_ERR(fcntl(12345, F_GETFD), EBADF);
	close(fd);
	close(d1);
	close(50);
	close(51);
	CHECK_OK(unlink(p));
}

static void append_and_holes(void)
{
	const char *p = ut_path("append");
	char buf[16];
	struct stat st;
	int fd = CHECK_OK(open(p, O_CREAT | O_RDWR | O_TRUNC | O_APPEND, 0644));

	CHECK(write(fd, "12345", 5) == 5);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "67", 2) == 2); /* still at the end */
	CHECK(lseek(fd, 0, SEEK_CUR) == 7);
	CHECK(pread(fd, buf, 7, 0) == 7 && !memcmp(buf, "1234567", 7));
	close(fd);
	fd = CHECK_OK(open(p, O_RDWR));
	CHECK(lseek(fd, 100000, SEEK_SET) == 100000); /* past the end */
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_size == 7);
	CHECK(read(fd, buf, 4) == 0);
	CHECK(write(fd, "Z", 1) == 1);
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_size == 100001);
	CHECK(pread(fd, buf, 8, 50000) == 8);
	for (int i = 0; i < 8; i++)
		CHECK(buf[i] == 0); /* the hole reads as zeros */
	CHECK(lseek(fd, -1, SEEK_END) == 100000);
	CHECK(lseek(fd, 10, SEEK_CUR) == 100010);
	CHECK_ERR(lseek(fd, -200000, SEEK_END), EINVAL);
	CHECK_ERR(lseek(fd, 0, 42), EINVAL);
	CHECK(pwrite(fd, "p", 1, 3) == 1);
	CHECK(lseek(fd, 0, SEEK_CUR) == 100010); /* pwrite leaves the offset */
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
	close(fd);
	CHECK_OK(unlink(p));
}

/* Every name appears exactly once, whatever the buffer size. */
static void getdents_all(void)
{
	enum { N = 60 };
	const char *d = ut_path("dents");
	char name[32], buf[4096];
	static const int sizes[] = { 4096, 128, 40 };

	CHECK_OK(mkdir(d, 0755));
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "dents/entry_%d", i);
		ut_write_file(ut_path(name), "", 0, 0644);
	}
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int seen[N] = { 0 }, dots = 0, fd = CHECK_OK(open(d, O_RDONLY | O_DIRECTORY));
		long n;

		while ((n = syscall(SYS_getdents64, fd, buf, sizes[s])) > 0)
			for (long off = 0; off < n;) {
				struct dirent *e = (struct dirent *)(buf + off);
				int k;

				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					dots++;
				else if (sscanf(e->d_name, "entry_%d", &k) == 1 && k >= 0 && k < N)
					seen[k]++;
				else
					FAIL("unexpected entry %s", e->d_name);
				off += e->d_reclen;
			}
		CHECK(n == 0);
		CHECK(dots == 2);
		for (int i = 0; i < N; i++)
			if (seen[i] != 1)
				FAIL("buffer %d: entry_%d seen %d times", sizes[s], i, seen[i]);
		CHECK(lseek(fd, 0, SEEK_SET) == 0);
		CHECK_ERR(syscall(SYS_getdents64, fd, buf, 8), EINVAL); /* too small */
		close(fd);
	}
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "dents/entry_%d", i);
		CHECK_OK(unlink(ut_path(name)));
	}
	CHECK_OK(rmdir(d));
}

/* Parent and child write through one fd: the offset is shared (xv6's sharedfd). */
static void shared_offset(void)
{
	enum { N = 200 };
	const char *p = ut_path("shared");
	struct stat st;
	int fd = CHECK_OK(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644)), status;
	pid_t pid = CHECK_OK(fork());

	for (int i = 0; i < N; i++)
		if (write(fd, pid ? "p" : "c", 1) != 1)
			FAIL("write: %s", ut_errname(errno));
	if (pid == 0)
		_exit(0);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK_OK(fstat(fd, &st));
	CHECK(st.st_size == 2 * N);
	close(fd);
	CHECK_OK(unlink(p));
}

/* Four processes write four files at once (xv6's fourfiles). */
static void four_files(void)
{
	enum { NPROC = 4, SIZE = 50000 };
	static char buf[SIZE];
	char name[16];

	for (int i = 0; i < NPROC; i++) {
		pid_t pid = CHECK_OK(fork());

		if (pid == 0) {
			snprintf(name, sizeof(name), "four%d", i);
			memset(buf, 'a' + i, SIZE);
			int fd = CHECK_OK(open(ut_path(name), O_CREAT | O_WRONLY | O_TRUNC, 0644));
			for (int off = 0; off < SIZE; off += 500)
				if (write(fd, buf, 500) != 500)
					_exit(1);
			_exit(0);
		}
	}
	for (int i = 0; i < NPROC; i++) {
		int st;

		CHECK_OK(wait4(-1, &st, 0, NULL));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	for (int i = 0; i < NPROC; i++) {
		snprintf(name, sizeof(name), "four%d", i);
		int fd = CHECK_OK(open(ut_path(name), O_RDONLY));
		read_exact(fd, buf, SIZE);
		for (int k = 0; k < SIZE; k++)
			if (buf[k] != 'a' + i)
				FAIL("%s byte %d is %d", name, k, buf[k]);
		CHECK(read(fd, buf, 1) == 0);
		close(fd);
		CHECK_OK(unlink(ut_path(name)));
	}
}

/* A write 1 TiB into a file makes a sparse file of that size (or EFBIG). */
static void far_offsets(void)
{
	const char *p = ut_path("far");
	off_t far = 1ll << 40;
	struct stat st;
	char buf[8];
	int fd = CHECK_OK(open(p, O_CREAT | O_RDWR | O_TRUNC, 0644));
	ssize_t n = pwrite(fd, "far", 3, far);

	if (n < 0 && errno == EFBIG) {
		ut_note("1 TiB offset: EFBIG");
	} else {
		CHECK(n == 3);
		CHECK_OK(fstat(fd, &st));
		CHECK(st.st_size == far + 3);
		CHECK(pread(fd, buf, 8, far) == 3 && !memcmp(buf, "far", 3));
		CHECK(pread(fd, buf, 8, far / 2) == 8 && !memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
		CHECK(pread(fd, buf, 8, far + 3) == 0);
		CHECK_OK(ftruncate(fd, 0)); /* and it all goes away */
	}
	/* lseek's limit is the filesystem's (ext4 16 TiB, tmpfs INT64_MAX): not checked. */
	CHECK_ERR(pwrite(fd, "x", 1, INT64_MAX), EINVAL); /* offset + count overflows */
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	close(fd);
	CHECK_OK(unlink(p));
}

/* Four processes create and unlink the same 40 names at once (xv6's
 * createdelete): each call answers sensibly and nothing is left. */
static void concurrent_create_delete(void)
{
	enum { NPROC = 4, NAMES = 40, ROUNDS = 5 };
	char name[32];

	for (int i = 0; i < NPROC; i++) {
		if (CHECK_OK(fork()) != 0)
			continue;
		for (int r = 0; r < ROUNDS; r++)
			for (int k = 0; k < NAMES; k++) {
				snprintf(name, sizeof(name), "cd%d", k);
				int fd = open(ut_path(name), O_CREAT | O_WRONLY, 0644);

				if (fd < 0 && errno != ENOENT)
					_exit(1);
				if (fd >= 0 && (write(fd, "x", 1) != 1 || close(fd) < 0))
					_exit(2);
				if (unlink(ut_path(name)) < 0 && errno != ENOENT)
					_exit(3);
			}
		_exit(0);
	}
	for (int i = 0; i < NPROC; i++) {
		int st;

		CHECK_OK(wait4(-1, &st, 0, NULL));
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			FAIL("a child: status %#x", st);
	}
	for (int k = 0; k < NAMES; k++) {
		snprintf(name, sizeof(name), "cd%d", k);
		CHECK_ERR(access(ut_path(name), F_OK), ENOENT);
	}
}

const struct ut_test ut_file_tests[] = {
	{ "create_rw_unlink", create_rw_unlink, 0 },
	{ "unlink_open", unlink_open, 0 },
	{ "many_files", many_files, 0 },
	{ "many_fds", many_fds, 0 },
	{ "big_file", big_file, 0 },
	{ "directories", directories, 0 },
	{ "renames", renames, 0 },
	{ "dup_fcntl", dup_fcntl, 0 },
	{ "append_and_holes", append_and_holes, 0 },
	{ "getdents", getdents_all, 0 },
	{ "shared_offset", shared_offset, 0 },
	{ "four_files", four_files, 0 },
	{ "far_offsets", far_offsets, 0 },
	{ "concurrent_create_delete", concurrent_create_delete, 0 },
	{ NULL, NULL, 0 },
};

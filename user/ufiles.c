/*
 * A differential test of the file system calls (issue 16): descriptors
 * (pread/pwrite, dup*, fcntl, ioctl), the *at name calls, the working
 * directory, umask, attributes (chmod, chown, utimensat, truncate,
 * statx, statfs), open's flags and getdents64, including refused calls
 * (bad and kernel pointers, bad descriptors and flags, each errno rule).
 * It works in a fresh directory "ufiles.d" under argv[1] and prints one
 * line per observation with nothing that differs between machines (no
 * inode or device numbers, times or absolute paths); tests/qemu/
 * test_syscalls.py runs it in Corvid and on the host and compares.
 * Every call is a raw system call so the kernel's answer is what shows.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "report.h"

#define KADDR 0xffffffff80000000ul // the kernel image: -EFAULT everywhere
#define BADFD 199		   // under the lowered RLIMIT_NOFILE, never open
#define NOFILE 200
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif
#ifndef STATX_BASIC_STATS
#define STATX_BASIC_STATS 0x7ff
#endif
#define STATX__RESERVED 0x80000000u

/* Linux's struct statx (include/uapi/linux/stat.h); this musl has none. */
struct ustatx_time {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct ustatx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct ustatx_time stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
#define AT_STATX_SYNC_TYPE 0x6000

static char base[4096]; // the work directory's absolute name
static size_t base_len;

static long sys_open(const char *p, int flags, int mode)
{
	return syscall(SYS_open, p, flags, mode);
}

static struct stat st_of(const char *p)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	if (syscall(SYS_lstat, p, &st) < 0)
		st.st_mode = 0;
	return st;
}

static void mode_of(const char *what, const char *p)
{
	struct stat st = st_of(p);

	/* A directory's size is the filesystem's business (mask: tmpfs,
	 * ext4 and Corvid differ). */
	if (S_ISDIR(st.st_mode))
		say(what, "type %o perm %04o nlink %lu", st.st_mode & S_IFMT, st.st_mode & 07777,
		    (unsigned long)st.st_nlink);
	else
		say(what, "type %o perm %04o nlink %lu size %ld", st.st_mode & S_IFMT,
		    st.st_mode & 07777, (unsigned long)st.st_nlink, (long)st.st_size);
}

static void make_file(const char *p, const char *data)
{
	int fd = (int)sys_open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd >= 0) {
		if (data && syscall(SYS_write, fd, data, strlen(data)) < 0)
			perror("write");
		syscall(SYS_close, fd);
	}
}

static void descriptors(void)
{
	char buf[64];
	long pos;
	int fd = (int)sys_open("f", O_CREAT | O_RDWR | O_TRUNC, 0666), fd2, ro;
	struct iovec iov[2] = { { "abc", 3 }, { "defg", 4 } };

	val("open f O_CREAT|O_RDWR", fd);
	val("write 11 bytes", syscall(SYS_write, fd, "hello world", 11));
	memset(buf, 0, sizeof(buf));
	val("pread 5 at 6", syscall(SYS_pread64, fd, buf, 5, (long)6));
	say("pread data", "%s", buf);
	val("pwrite 5 at 0", syscall(SYS_pwrite64, fd, "HELLO", 5, (long)0));
	pos = syscall(SYS_lseek, fd, 0, SEEK_CUR);
	val("offset after pread/pwrite", pos);
	memset(buf, 0, sizeof(buf));
	val("pread 20 at 0", syscall(SYS_pread64, fd, buf, 20, (long)0));
	say("pread data", "%s", buf);
	val("pread at end", syscall(SYS_pread64, fd, buf, 5, (long)11));
	val("pread past end", syscall(SYS_pread64, fd, buf, 5, (long)1000));
	val("pread negative offset", syscall(SYS_pread64, fd, buf, 5, (long)-1));
	val("pwrite negative offset", syscall(SYS_pwrite64, fd, buf, 5, (long)-2));
	val("pread bad fd", syscall(SYS_pread64, BADFD, buf, 5, (long)0));
	val("pread kernel buffer", syscall(SYS_pread64, fd, KADDR, 5, (long)0));
	val("pwrite kernel buffer", syscall(SYS_pwrite64, fd, KADDR, 5, (long)0));
	val("pwrite at 100 (hole)", syscall(SYS_pwrite64, fd, "Z", 1, (long)100));
	mode_of("f after pwrite at 100", "f");
	val("writev 2 vectors", syscall(SYS_writev, fd, iov, 2));
	val("readv bad count", syscall(SYS_readv, fd, iov, -1));
	ro = (int)sys_open("f", O_RDONLY, 0);
	val("pwrite on O_RDONLY", syscall(SYS_pwrite64, ro, "x", 1, (long)0));
	val("pread on O_WRONLY",
	    syscall(SYS_pread64, fd2 = (int)sys_open("f", O_WRONLY, 0), buf, 1, (long)0));
	syscall(SYS_close, fd2);
	fd2 = (int)sys_open(".", O_RDONLY | O_DIRECTORY, 0);
	val("pread on a directory", syscall(SYS_pread64, fd2, buf, 1, (long)0));

	/* dup family */
	val("dup", syscall(SYS_dup, fd));
	val("dup bad fd", syscall(SYS_dup, BADFD));
	val("dup2 same fd", syscall(SYS_dup2, fd, fd));
	val("dup2 same closed fd", syscall(SYS_dup2, BADFD, BADFD));
	val("dup2 to 100", syscall(SYS_dup2, fd, 100));
	val("dup2 F_GETFD of 100", syscall(SYS_fcntl, 100, F_GETFD));
	val("dup2 onto open 100", syscall(SYS_dup2, ro, 100));
	val("dup2 bad old", syscall(SYS_dup2, BADFD, 101));
	val("dup2 new -1", syscall(SYS_dup2, fd, -1));
	val("dup2 new at RLIMIT_NOFILE", syscall(SYS_dup2, fd, NOFILE));
	val("dup3 same fd", syscall(SYS_dup3, fd, fd, 0));
	val("dup3 bad flags", syscall(SYS_dup3, fd, 102, 1));
	val("dup3 O_CLOEXEC to 102", syscall(SYS_dup3, fd, 102, O_CLOEXEC));
	val("dup3 F_GETFD of 102", syscall(SYS_fcntl, 102, F_GETFD));
	val("dup3 bad old", syscall(SYS_dup3, BADFD, 103, 0));
	syscall(SYS_close, 100);
	syscall(SYS_close, 102);

	/* fcntl */
	val("F_GETFD fresh", syscall(SYS_fcntl, fd, F_GETFD));
	val("F_SETFD FD_CLOEXEC", syscall(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC));
	val("F_GETFD after set", syscall(SYS_fcntl, fd, F_GETFD));
	val("F_SETFD 0", syscall(SYS_fcntl, fd, F_SETFD, 0));
	val("F_GETFD after clear", syscall(SYS_fcntl, fd, F_GETFD));
	say("F_GETFL O_RDWR", "%#lo", syscall(SYS_fcntl, fd, F_GETFL));
	say("F_GETFL O_RDONLY", "%#lo", syscall(SYS_fcntl, ro, F_GETFL));
	val("F_DUPFD 50", syscall(SYS_fcntl, fd, F_DUPFD, 50));
	val("F_DUPFD 50 again", syscall(SYS_fcntl, fd, F_DUPFD, 50));
	val("F_DUPFD_CLOEXEC 60", syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 60));
	val("F_GETFD of 60", syscall(SYS_fcntl, 60, F_GETFD));
	val("F_DUPFD at RLIMIT_NOFILE", syscall(SYS_fcntl, fd, F_DUPFD, NOFILE));
	val("F_DUPFD negative", syscall(SYS_fcntl, fd, F_DUPFD, -1));
	val("fcntl unknown cmd", syscall(SYS_fcntl, fd, 9999, 0));
	val("fcntl bad fd", syscall(SYS_fcntl, BADFD, F_GETFD));
	syscall(SYS_close, 50);
	syscall(SYS_close, 51);
	syscall(SYS_close, 60);
	val("F_SETFL O_APPEND|O_NONBLOCK", syscall(SYS_fcntl, fd, F_SETFL, O_APPEND | O_NONBLOCK));
	say("F_GETFL after F_SETFL", "%#lo", syscall(SYS_fcntl, fd, F_GETFL));
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	val("write with O_APPEND", syscall(SYS_write, fd, "END", 3));
	val("offset after append", syscall(SYS_lseek, fd, 0, SEEK_CUR));
	val("F_SETFL O_TRUNC (not a status flag)", syscall(SYS_fcntl, fd, F_SETFL, O_TRUNC));
	say("F_GETFL after F_SETFL 0", "%#lo", syscall(SYS_fcntl, fd, F_GETFL));
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	val("write without O_APPEND", syscall(SYS_write, fd, "S", 1));
	val("offset after plain write", syscall(SYS_lseek, fd, 0, SEEK_CUR));

	/* ioctl on things that are not terminals */
	val("ioctl TCGETS on a file", syscall(SYS_ioctl, fd, TCGETS, buf));
	val("ioctl TIOCGWINSZ on a file", syscall(SYS_ioctl, fd, TIOCGWINSZ, buf));
	val("ioctl TCGETS on a directory", syscall(SYS_ioctl, fd2, TCGETS, buf));
	val("ioctl bad fd", syscall(SYS_ioctl, BADFD, TCGETS, buf));
	val("ioctl FIOCLEX", syscall(SYS_ioctl, fd2, FIOCLEX));
	val("F_GETFD after FIOCLEX", syscall(SYS_fcntl, fd2, F_GETFD));
	val("ioctl FIONCLEX", syscall(SYS_ioctl, fd2, FIONCLEX));
	val("F_GETFD after FIONCLEX", syscall(SYS_fcntl, fd2, F_GETFD));

	/* sync family */
	ok("fsync", syscall(SYS_fsync, fd));
	ok("fdatasync", syscall(SYS_fdatasync, fd));
	ok("fsync a directory", syscall(SYS_fsync, fd2));
	ok("fsync bad fd", syscall(SYS_fsync, BADFD));
	ok("fdatasync bad fd", syscall(SYS_fdatasync, -1));
	syscall(SYS_sync);
	say("sync", "returned");

	/* truncate family */
	ok("ftruncate to 10", syscall(SYS_ftruncate, fd, (long)10));
	mode_of("f after ftruncate", "f");
	ok("ftruncate to 0x20000", syscall(SYS_ftruncate, fd, (long)0x20000));
	memset(buf, 1, 4);
	val("pread in the extension", syscall(SYS_pread64, fd, buf, 4, (long)0x1000));
	say("extension bytes", "%d %d %d %d", buf[0], buf[1], buf[2], buf[3]);
	ok("ftruncate negative", syscall(SYS_ftruncate, fd, (long)-1));
	ok("ftruncate O_RDONLY", syscall(SYS_ftruncate, ro, (long)1));
	ok("ftruncate a directory", syscall(SYS_ftruncate, fd2, (long)1));
	ok("ftruncate bad fd", syscall(SYS_ftruncate, BADFD, (long)1));
	ok("truncate to 3", syscall(SYS_truncate, "f", (long)3));
	mode_of("f after truncate", "f");
	ok("truncate negative", syscall(SYS_truncate, "f", (long)-5));
	ok("truncate a directory", syscall(SYS_truncate, ".", (long)0));
	ok("truncate missing", syscall(SYS_truncate, "missing", (long)0));
	ok("truncate kernel path", syscall(SYS_truncate, KADDR, (long)0));
	ok("truncate f/ (not a dir)", syscall(SYS_truncate, "f/", (long)0));
	syscall(SYS_close, fd);
	syscall(SYS_close, fd2);
	syscall(SYS_close, ro);
}

static void open_flags(void)
{
	long fd;

	make_file("g", "0123456789");
	val("open O_CREAT|O_EXCL existing", sys_open("g", O_CREAT | O_EXCL | O_WRONLY, 0644));
	fd = sys_open("new", O_CREAT | O_EXCL | O_WRONLY, 0644);
	ok("open O_CREAT|O_EXCL new", fd);
	syscall(SYS_close, fd);
	mode_of("new (0644 & ~022)", "new");
	val("open O_DIRECTORY on a file", sys_open("g", O_RDONLY | O_DIRECTORY, 0));
	fd = sys_open(".", O_RDONLY | O_DIRECTORY, 0);
	ok("open O_DIRECTORY on a directory", fd);
	syscall(SYS_close, fd);
	val("open a directory O_WRONLY", sys_open(".", O_WRONLY, 0));
	val("open a directory O_RDWR", sys_open(".", O_RDWR, 0));
	val("open O_CREAT on dir/", sys_open("newdir/", O_CREAT | O_WRONLY, 0644));
	fd = sys_open("g", O_WRONLY | O_TRUNC, 0);
	ok("open O_TRUNC", fd);
	syscall(SYS_close, fd);
	mode_of("g after O_TRUNC", "g");
	fd = sys_open("g", O_WRONLY | O_APPEND, 0);
	val("write O_APPEND", syscall(SYS_write, fd, "abc", 3));
	syscall(SYS_lseek, fd, 0l, SEEK_SET);
	val("write O_APPEND after lseek 0", syscall(SYS_write, fd, "def", 3));
	val("  offset", syscall(SYS_lseek, fd, 0l, SEEK_CUR));
	val("pwrite O_APPEND at 0 (appends on Linux)", syscall(SYS_pwrite64, fd, "gh", 2, 0l));
	syscall(SYS_close, fd);
	fd = sys_open("g", O_RDONLY, 0);
	{
		char b[16] = { 0 };

		val("read back", syscall(SYS_read, fd, b, sizeof(b) - 1));
		say("  data", "%s", b);
	}
	syscall(SYS_close, fd);
	syscall(SYS_truncate, "g", 0l);
	val("open missing", sys_open("missing", O_RDONLY, 0));
	val("open file/ (not a dir)", sys_open("g/", O_RDONLY, 0));
	val("open file/x", sys_open("g/x", O_RDONLY, 0));
	val("open kernel path", sys_open((char *)KADDR, O_RDONLY, 0));
	val("open NULL path", sys_open(NULL, O_RDONLY, 0));
	val("open empty path", sys_open("", O_RDONLY, 0));
	fd = sys_open("g", O_RDONLY | O_CLOEXEC, 0);
	val("F_GETFD after O_CLOEXEC", syscall(SYS_fcntl, fd, F_GETFD));
	syscall(SYS_close, fd);
	fd = syscall(SYS_creat, "c", 0600);
	ok("creat", fd);
	say("creat F_GETFL", "%#lo", syscall(SYS_fcntl, fd, F_GETFL));
	syscall(SYS_close, fd);
	mode_of("c after creat", "c");
	val("creat a directory", syscall(SYS_creat, ".", 0600));
}

static void names(void)
{
	char longname[300], longpath[5000];
	long dfd, ffd;

	memset(longname, 'n', 256);
	longname[256] = '\0';
	for (size_t i = 0; i < sizeof(longpath) - 1; i++)
		longpath[i] = i % 2 ? '/' : 'p';
	longpath[sizeof(longpath) - 1] = '\0';

	ok("mkdir d", syscall(SYS_mkdir, "d", 0777));
	mode_of("d (0777 & ~022)", "d");
	ok("mkdir d again", syscall(SYS_mkdir, "d", 0777));
	ok("mkdir missing/x", syscall(SYS_mkdir, "missing/x", 0777));
	ok("mkdir g/x (g a file)", syscall(SYS_mkdir, "g/x", 0777));
	ok("mkdir empty", syscall(SYS_mkdir, "", 0777));
	ok("mkdir 256-byte name", syscall(SYS_mkdir, longname, 0777));
	ok("mkdir 4999-byte path", syscall(SYS_mkdir, longpath, 0777));
	ok("mkdir kernel path", syscall(SYS_mkdir, KADDR, 0777));
	ok("mkdir NULL", syscall(SYS_mkdir, NULL, 0777));
	ok("mkdir with sticky bit", syscall(SYS_mkdir, "sticky", 01777));
	mode_of("sticky", "sticky");
	dfd = sys_open("d", O_RDONLY | O_DIRECTORY, 0);
	ffd = sys_open("g", O_RDONLY, 0);
	ok("mkdirat dirfd sub", syscall(SYS_mkdirat, dfd, "sub", 0700));
	mode_of("d/sub", "d/sub");
	ok("mkdirat file fd", syscall(SYS_mkdirat, ffd, "x", 0700));
	ok("mkdirat bad fd", syscall(SYS_mkdirat, BADFD, "x", 0700));
	snprintf(longpath, sizeof(longpath), "%s/abs", base);
	ok("mkdirat bad fd absolute path", syscall(SYS_mkdirat, BADFD, longpath, 0700));
	ok("rmdir absolute path", syscall(SYS_rmdir, longpath));

	make_file("d/file", "x");
	ok("rmdir non-empty", syscall(SYS_rmdir, "d"));
	ok("rmdir a file", syscall(SYS_rmdir, "g"));
	ok("rmdir .", syscall(SYS_rmdir, "d/sub/."));
	ok("rmdir ..", syscall(SYS_rmdir, "d/sub/.."));
	ok("rmdir missing", syscall(SYS_rmdir, "missing"));
	ok("unlink a directory", syscall(SYS_unlink, "d/sub"));
	ok("unlink missing", syscall(SYS_unlink, "missing"));
	ok("unlink g/x", syscall(SYS_unlink, "g/x"));
	ok("unlinkat bad flags", syscall(SYS_unlinkat, dfd, "sub", 0x100));
	ok("unlinkat AT_REMOVEDIR on a file", syscall(SYS_unlinkat, dfd, "file", AT_REMOVEDIR));
	ok("unlinkat AT_REMOVEDIR", syscall(SYS_unlinkat, dfd, "sub", AT_REMOVEDIR));
	ok("unlinkat file", syscall(SYS_unlinkat, dfd, "file", 0));
	ok("unlinkat kernel path", syscall(SYS_unlinkat, dfd, KADDR, 0));

	/* rename */
	make_file("r1", "one");
	ok("rename r1 r2", syscall(SYS_rename, "r1", "r2"));
	ok("rename missing", syscall(SYS_rename, "r1", "r3"));
	ok("mkdir d/in", syscall(SYS_mkdir, "d/in", 0755));
	ok("rename d into d/in", syscall(SYS_rename, "d", "d/in/d"));
	ok("rename file over directory", syscall(SYS_rename, "r2", "d"));
	ok("rename directory over file", syscall(SYS_rename, "d", "r2"));
	ok("mkdir e", syscall(SYS_mkdir, "e", 0755));
	ok("rename e over non-empty d", syscall(SYS_rename, "e", "d"));
	ok("rename d/in over empty e", syscall(SYS_rename, "d/in", "e"));
	ok("rename file/ (trailing slash)", syscall(SYS_rename, "r2/", "r4"));
	ok("renameat dirfd", syscall(SYS_renameat, AT_FDCWD, "r2", dfd, "r5"));
	mode_of("d/r5", "d/r5");
	ok("renameat bad fd", syscall(SYS_renameat, BADFD, "r5", dfd, "r6"));
	ok("renameat2 NOREPLACE new name",
	   syscall(SYS_renameat2, dfd, "r5", AT_FDCWD, "r7", RENAME_NOREPLACE));
	ok("renameat2 NOREPLACE existing",
	   syscall(SYS_renameat2, AT_FDCWD, "r7", AT_FDCWD, "g", RENAME_NOREPLACE));
	ok("renameat2 NOREPLACE missing source",
	   syscall(SYS_renameat2, AT_FDCWD, "r8", AT_FDCWD, "g", RENAME_NOREPLACE));
	ok("renameat2 NOREPLACE|EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "r7", AT_FDCWD, "g",
						   RENAME_NOREPLACE | RENAME_EXCHANGE));
	ok("renameat2 unknown flag", syscall(SYS_renameat2, AT_FDCWD, "r7", AT_FDCWD, "g", 0x80));
	ok("rename kernel path", syscall(SYS_rename, "r7", KADDR));
	ok("rename onto itself", syscall(SYS_rename, "r7", "r7"));

	/* link */
	ok("link r7 h", syscall(SYS_link, "r7", "h"));
	mode_of("h after link", "h");
	ok("link onto existing", syscall(SYS_link, "r7", "g"));
	ok("link a directory", syscall(SYS_link, "d", "dl"));
	ok("link missing", syscall(SYS_link, "missing", "ml"));
	ok("linkat bad flags", syscall(SYS_linkat, AT_FDCWD, "r7", AT_FDCWD, "h2", 0x1));
	ok("symlink r7 s7", syscall(SYS_symlink, "r7", "s7"));
	ok("linkat no follow", syscall(SYS_linkat, AT_FDCWD, "s7", dfd, "hs", 0));
	mode_of("d/hs (a symlink)", "d/hs");
	ok("linkat AT_SYMLINK_FOLLOW",
	   syscall(SYS_linkat, AT_FDCWD, "s7", dfd, "hf", AT_SYMLINK_FOLLOW));
	mode_of("d/hf (the file)", "d/hf");
	mode_of("r7 after three links", "r7");

	/* symlink, readlink */
	char buf[64];
	memset(buf, 'X', sizeof(buf));
	val("readlink s7", syscall(SYS_readlink, "s7", buf, sizeof(buf)));
	say("readlink data, no NUL", "%.4s", buf);
	memset(buf, 'X', sizeof(buf));
	val("readlink truncated to 1", syscall(SYS_readlink, "s7", buf, 1));
	say("readlink truncated data", "%.3s", buf);
	val("readlink a file", syscall(SYS_readlink, "r7", buf, sizeof(buf)));
	val("readlink bufsiz 0", syscall(SYS_readlink, "s7", buf, 0));
	val("readlink bufsiz -1", syscall(SYS_readlink, "s7", buf, -1));
	val("readlink missing", syscall(SYS_readlink, "missing", buf, sizeof(buf)));
	val("readlink kernel buffer", syscall(SYS_readlink, "s7", KADDR, 8));
	val("readlinkat dirfd", syscall(SYS_readlinkat, dfd, "hs", buf, sizeof(buf)));
	val("readlinkat bad fd", syscall(SYS_readlinkat, BADFD, "hs", buf, sizeof(buf)));
	ok("symlink existing", syscall(SYS_symlink, "x", "s7"));
	ok("symlink empty target", syscall(SYS_symlink, "", "s8"));
	ok("symlinkat dirfd", syscall(SYS_symlinkat, "../g", dfd, "sg"));
	mode_of("d/sg followed", "d/sg");
	ok("symlink loop", syscall(SYS_symlink, "loop", "loop"));
	val("open a loop", sys_open("loop", O_RDONLY, 0));
	ok("stat a loop", syscall(SYS_stat, "loop", buf));
	val("open O_NOFOLLOW symlink", sys_open("s7", O_RDONLY | O_NOFOLLOW, 0));
	ok("symlink dangling", syscall(SYS_symlink, "nowhere", "dang"));
	ok("stat dangling", syscall(SYS_stat, "dang", buf));
	ok("lstat dangling", syscall(SYS_lstat, "dang", buf));
	val("open O_CREAT dangling",
	    syscall(SYS_close, sys_open("dang", O_CREAT | O_WRONLY, 0600)));
	mode_of("nowhere (made through dang)", "nowhere");
	/* edge cases of names: dots, trailing slashes, flags that clash */
	ok("rename d/. away", syscall(SYS_rename, "d/.", "x"));
	ok("rename onto d/..", syscall(SYS_rename, "r7", "d/.."));
	ok("rename missing onto d/.", syscall(SYS_rename, "missing", "d/."));
	ok("mkdir with trailing slash", syscall(SYS_mkdir, "slash/", 0755));
	ok("mkdir existing file/", syscall(SYS_mkdir, "g/", 0755));
	ok("rmdir with trailing slash", syscall(SYS_rmdir, "slash/"));
	ok("unlink file/", syscall(SYS_unlink, "g/"));
	ok("link to new/ (trailing slash)", syscall(SYS_link, "g", "newlink/"));
	ok("symlink to new/ (trailing slash)", syscall(SYS_symlink, "g", "newsym/"));
	ok("readlink a directory", syscall(SYS_readlink, "d", buf, sizeof(buf)));
	val("open O_CREAT|O_DIRECTORY new",
	    sys_open("cdir", O_CREAT | O_DIRECTORY | O_RDONLY, 0755));
	mode_of("cdir after O_CREAT|O_DIRECTORY", "cdir");
	val("open O_CREAT through a loop", sys_open("loop", O_CREAT | O_WRONLY, 0644));
	val("open O_EXCL without O_CREAT", syscall(SYS_close, sys_open("g", O_EXCL | O_RDONLY, 0)));
	val("open O_CREAT|O_EXCL on a symlink", sys_open("s7", O_CREAT | O_EXCL | O_WRONLY, 0644));
	val("open O_CREAT|O_EXCL on a dangling one",
	    sys_open("dang", O_CREAT | O_EXCL | O_WRONLY, 0644));
	ok("symlink sdir -> d", syscall(SYS_symlink, "d", "sdir"));
	val("open O_NOFOLLOW in the middle",
	    syscall(SYS_close, sys_open("sdir/hf", O_RDONLY | O_NOFOLLOW, 0)));
	val("open d/sg/ (symlink to a file)", sys_open("d/sg/", O_RDONLY, 0));
	syscall(SYS_close, dfd);
	syscall(SYS_close, ffd);
}

static void cwd(void)
{
	char buf[4096];
	long r, dfd = sys_open(".", O_RDONLY | O_DIRECTORY, 0), ffd = sys_open("g", O_RDONLY, 0);

	r = syscall(SYS_getcwd, buf, sizeof(buf));
	val("getcwd length beyond base", r < 0 ? r : r - (long)base_len);
	say("getcwd is the base", "%s", strcmp(buf, base) ? "no" : "yes");
	ok("chdir d", syscall(SYS_chdir, "d"));
	r = syscall(SYS_getcwd, buf, sizeof(buf));
	val("getcwd in d: length beyond base", r < 0 ? r : r - (long)base_len);
	say("getcwd in d", "%s", r > 0 ? buf + base_len : "?");
	mode_of("r7 seen from d via ..", "../r7");
	ok("open relative in d", syscall(SYS_close, sys_open("hf", O_RDONLY, 0)));
	r = syscall(SYS_getcwd, buf, base_len + 3);
	val("getcwd size exact: length beyond base", r < 0 ? r : r - (long)base_len);
	val("getcwd one short", syscall(SYS_getcwd, buf, base_len + 2));
	val("getcwd size 0", syscall(SYS_getcwd, buf, 0));
	val("getcwd size 1", syscall(SYS_getcwd, buf, 1));
	val("getcwd kernel buffer", syscall(SYS_getcwd, KADDR, sizeof(buf)));
	ok("fchdir back", syscall(SYS_fchdir, dfd));
	r = syscall(SYS_getcwd, buf, sizeof(buf));
	say("getcwd after fchdir is the base", "%s", r > 0 && !strcmp(buf, base) ? "yes" : "no");
	ok("fchdir a file", syscall(SYS_fchdir, ffd));
	ok("fchdir bad fd", syscall(SYS_fchdir, BADFD));
	ok("chdir a file", syscall(SYS_chdir, "g"));
	ok("chdir missing", syscall(SYS_chdir, "missing"));
	ok("chdir empty", syscall(SYS_chdir, ""));
	ok("chdir kernel path", syscall(SYS_chdir, KADDR));
	ok("chdir through a symlink",
	   syscall(SYS_symlink, "d", "sd") < 0 ? -1 : syscall(SYS_chdir, "sd"));
	r = syscall(SYS_getcwd, buf, sizeof(buf));
	say("getcwd after symlink chdir", "%s", r > 0 ? buf + base_len : "?");
	ok("fchdir back", syscall(SYS_fchdir, dfd));
	ok("chdir /", syscall(SYS_chdir, "/"));
	val("getcwd at the root", syscall(SYS_getcwd, buf, sizeof(buf)));
	say("  name", "%s", buf);
	ok("chdir .. at the root", syscall(SYS_chdir, ".."));
	val("getcwd still the root", syscall(SYS_getcwd, buf, sizeof(buf)));
	ok("fchdir back", syscall(SYS_fchdir, dfd));
	ok("mkdir gone", syscall(SYS_mkdir, "gone", 0755));
	ok("chdir gone", syscall(SYS_chdir, "gone"));
	ok("rmdir the working directory", syscall(SYS_rmdir, "../gone"));
	val("getcwd of a removed directory", syscall(SYS_getcwd, buf, sizeof(buf)));
	val("open . in a removed directory", syscall(SYS_close, sys_open(".", O_RDONLY, 0)));
	val("creat in a removed directory", sys_open("x", O_CREAT | O_WRONLY, 0600));
	ok("fchdir back", syscall(SYS_fchdir, dfd));
	syscall(SYS_close, dfd);
	syscall(SYS_close, ffd);
}

static void attributes(void)
{
	struct timespec ts[2] = { { 1000, 500 }, { 2000, 600 } };
	struct stat st;
	long fd = sys_open("g", O_RDWR, 0), dfd = sys_open("d", O_RDONLY | O_DIRECTORY, 0);

	/* access as root: R and W always, X needs an x bit unless a directory */
	ok("access F_OK", syscall(SYS_access, "g", F_OK));
	ok("access R_OK|W_OK", syscall(SYS_access, "g", R_OK | W_OK));
	ok("access X_OK on 0644", syscall(SYS_access, "g", X_OK));
	ok("chmod 0744", syscall(SYS_chmod, "g", 0744));
	ok("access X_OK on 0744", syscall(SYS_access, "g", X_OK));
	ok("access X_OK on a directory", syscall(SYS_access, "d", X_OK));
	ok("access missing", syscall(SYS_access, "missing", F_OK));
	ok("access bad mode", syscall(SYS_access, "g", 8));
	ok("access kernel path", syscall(SYS_access, KADDR, F_OK));
	ok("faccessat dirfd", syscall(SYS_faccessat, dfd, "hf", R_OK));
	ok("faccessat2 bad flags", syscall(SYS_faccessat2, AT_FDCWD, "g", R_OK, 0x8000));
	ok("faccessat2 AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, "g", R_OK, AT_EACCESS));
	ok("faccessat2 AT_EMPTY_PATH", syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH));
	ok("faccessat2 empty without flag", syscall(SYS_faccessat2, fd, "", R_OK, 0));
	ok("faccessat2 NOFOLLOW dangling",
	   syscall(SYS_faccessat2, AT_FDCWD, "dang", F_OK, AT_SYMLINK_NOFOLLOW));
	ok("access dangling", syscall(SYS_access, "dang", F_OK));

	/* chmod family */
	ok("chmod 0600", syscall(SYS_chmod, "g", 0600));
	mode_of("g after chmod 0600", "g");
	ok("chmod with type bits", syscall(SYS_chmod, "g", 0170755));
	mode_of("g after chmod 0170755", "g");
	ok("chmod 07777", syscall(SYS_chmod, "g", 07777));
	mode_of("g after chmod 07777", "g");
	ok("fchmod 0640", syscall(SYS_fchmod, fd, 0640));
	mode_of("g after fchmod", "g");
	ok("fchmodat dirfd", syscall(SYS_fchmodat, dfd, "hf", 0604));
	mode_of("d/hf after fchmodat", "d/hf");
	ok("chmod through a symlink", syscall(SYS_chmod, "s7", 0611));
	mode_of("r7 after chmod via s7", "r7");
	ok("chmod missing", syscall(SYS_chmod, "missing", 0600));
	ok("chmod kernel path", syscall(SYS_chmod, KADDR, 0600));
	ok("fchmod bad fd", syscall(SYS_fchmod, BADFD, 0600));

	/* chown family, to ourselves (works for any owner) */
	ok("chown -1 -1", syscall(SYS_chown, "g", -1, -1));
	ok("chown self", syscall(SYS_chown, "g", getuid(), getgid()));
	ok("lchown a symlink", syscall(SYS_lchown, "dang", getuid(), -1));
	ok("fchown self", syscall(SYS_fchown, fd, -1, getgid()));
	ok("fchownat NOFOLLOW",
	   syscall(SYS_fchownat, AT_FDCWD, "dang", -1, -1, AT_SYMLINK_NOFOLLOW));
	ok("fchownat follow dangling", syscall(SYS_fchownat, AT_FDCWD, "dang", -1, -1, 0));
	ok("fchownat AT_EMPTY_PATH", syscall(SYS_fchownat, fd, "", -1, -1, AT_EMPTY_PATH));
	ok("fchownat bad flags", syscall(SYS_fchownat, AT_FDCWD, "g", -1, -1, 0x2));
	ok("fchown bad fd", syscall(SYS_fchown, BADFD, -1, -1));
	ok("chown missing", syscall(SYS_chown, "missing", -1, -1));

	/* utimensat */
	ok("utimensat set both", syscall(SYS_utimensat, AT_FDCWD, "g", ts, 0));
	syscall(SYS_stat, "g", &st);
	say("times after utimensat", "a %ld.%ld m %ld.%ld", (long)st.st_atim.tv_sec,
	    st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 3000;
	ok("utimensat UTIME_OMIT atime", syscall(SYS_utimensat, AT_FDCWD, "g", ts, 0));
	syscall(SYS_stat, "g", &st);
	say("times after UTIME_OMIT", "a %ld.%ld m %ld.%ld", (long)st.st_atim.tv_sec,
	    st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = 1000000000;
	ok("utimensat bad nsec", syscall(SYS_utimensat, AT_FDCWD, "g", ts, 0));
	ok("utimensat bad nsec, missing path", syscall(SYS_utimensat, AT_FDCWD, "missing", ts, 0));
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_OMIT;
	ok("utimensat both OMIT, missing path", syscall(SYS_utimensat, AT_FDCWD, "missing", ts, 0));
	ok("utimensat NULL path NOFOLLOW",
	   syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, AT_SYMLINK_NOFOLLOW));
	ok("utimensat NULL path AT_FDCWD", syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0));
	ok("utimensat NULL path fd NOFOLLOW",
	   syscall(SYS_utimensat, fd, NULL, NULL, AT_SYMLINK_NOFOLLOW));
	ok("utimensat NULL path bad fd", syscall(SYS_utimensat, BADFD, NULL, NULL, 0));
	ok("utimensat futimens form", syscall(SYS_utimensat, fd, NULL, NULL, 0));
	ok("utimensat missing", syscall(SYS_utimensat, AT_FDCWD, "missing", NULL, 0));
	ok("utimensat bad flags", syscall(SYS_utimensat, AT_FDCWD, "g", NULL, 0x4));
	ok("utimensat kernel times", syscall(SYS_utimensat, AT_FDCWD, "g", KADDR, 0));

	/* umask */
	val("umask 077 (old)", syscall(SYS_umask, 077));
	syscall(SYS_close, sys_open("um", O_CREAT | O_WRONLY, 0666));
	syscall(SYS_mkdir, "umd", 0777);
	mode_of("um under umask 077", "um");
	mode_of("umd under umask 077", "umd");
	val("umask 01777 (old)", syscall(SYS_umask, 01777));
	val("umask 022 (old, high bits dropped)", syscall(SYS_umask, 022));
	syscall(SYS_close, fd);
	syscall(SYS_close, dfd);
}

/* statx, statfs and the stat family's flags. */
static void stats(void)
{
	struct ustatx sx;
	struct stat st;
	struct statfs sf;
	long fd = sys_open("g", O_RDONLY, 0);

	syscall(SYS_stat, "g", &st);
	memset(&sx, 0, sizeof(sx));
	ok("statx g", syscall(SYS_statx, AT_FDCWD, "g", 0, STATX_BASIC_STATS, &sx));
	say("statx basic mask", "%#x", sx.stx_mask & STATX_BASIC_STATS);
	say("statx fields match stat", "mode %d nlink %d uid %d size %d ino %d dev %d blocks %d",
	    sx.stx_mode == st.st_mode, sx.stx_nlink == st.st_nlink, sx.stx_uid == st.st_uid,
	    (off_t)sx.stx_size == st.st_size, sx.stx_ino == st.st_ino,
	    makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev,
	    (blkcnt_t)sx.stx_blocks == st.st_blocks);
	say("statx mtime matches stat", "%d",
	    sx.stx_mtime.tv_sec == st.st_mtim.tv_sec && sx.stx_mtime.tv_nsec == st.st_mtim.tv_nsec);
	memset(&sx, 0, sizeof(sx));
	ok("statx AT_SYMLINK_NOFOLLOW",
	   syscall(SYS_statx, AT_FDCWD, "s7", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx));
	say("statx symlink type", "%o", sx.stx_mode & S_IFMT);
	memset(&sx, 0, sizeof(sx));
	ok("statx follows", syscall(SYS_statx, AT_FDCWD, "s7", 0, STATX_BASIC_STATS, &sx));
	say("statx followed type", "%o", sx.stx_mode & S_IFMT);
	ok("statx AT_EMPTY_PATH",
	   syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	say("statx of the fd: size", "%llu", (unsigned long long)sx.stx_size);
	ok("statx empty without flag", syscall(SYS_statx, fd, "", 0, STATX_BASIC_STATS, &sx));
	ok("statx bad flags", syscall(SYS_statx, AT_FDCWD, "g", 0x10000, STATX_BASIC_STATS, &sx));
	ok("statx both sync types",
	   syscall(SYS_statx, AT_FDCWD, "g", AT_STATX_SYNC_TYPE, STATX_BASIC_STATS, &sx));
	ok("statx reserved mask", syscall(SYS_statx, AT_FDCWD, "g", 0, STATX__RESERVED, &sx));
	ok("statx missing", syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx));
	ok("statx kernel buffer", syscall(SYS_statx, AT_FDCWD, "g", 0, STATX_BASIC_STATS, KADDR));
	ok("statx kernel path", syscall(SYS_statx, AT_FDCWD, KADDR, 0, STATX_BASIC_STATS, &sx));
	ok("statx bad fd", syscall(SYS_statx, BADFD, "g", 0, STATX_BASIC_STATS, &sx));
	ok("statx bad fd, empty path", syscall(SYS_statx, BADFD, "", 0, STATX_BASIC_STATS, &sx));
	ok("statx bad fd, AT_EMPTY_PATH",
	   syscall(SYS_statx, BADFD, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	ok("mkdirat bad fd, empty path", syscall(SYS_mkdirat, BADFD, "", 0755));
	ok("openat bad fd, empty path", syscall(SYS_openat, BADFD, "", O_RDONLY));
	ok("fchownat bad fd, AT_EMPTY_PATH",
	   syscall(SYS_fchownat, BADFD, "", -1, -1, AT_EMPTY_PATH));
	ok("unlinkat bad fd, empty path", syscall(SYS_unlinkat, BADFD, "", 0));
	ok("statx file fd relative", syscall(SYS_statx, fd, "g", 0, STATX_BASIC_STATS, &sx));

	ok("fstatat AT_EMPTY_PATH AT_FDCWD",
	   syscall(SYS_newfstatat, AT_FDCWD, "", &st, AT_EMPTY_PATH));
	say("fstatat of the cwd: type", "%o", st.st_mode & S_IFMT);
	ok("fstatat bad flags", syscall(SYS_newfstatat, AT_FDCWD, "g", &st, 0x2));
	ok("stat kernel buffer", syscall(SYS_stat, "g", KADDR));
	ok("fstat bad fd", syscall(SYS_fstat, BADFD, &st));

	memset(&sf, 0, sizeof(sf));
	ok("statfs .", syscall(SYS_statfs, ".", &sf));
	say("statfs namelen", "%ld", (long)sf.f_namelen);
	ok("fstatfs", syscall(SYS_fstatfs, fd, &sf));
	say("fstatfs namelen", "%ld", (long)sf.f_namelen);
	ok("statfs missing", syscall(SYS_statfs, "missing", &sf));
	ok("statfs kernel buffer", syscall(SYS_statfs, ".", KADDR));
	ok("statfs kernel path", syscall(SYS_statfs, KADDR, &sf));
	ok("fstatfs bad fd", syscall(SYS_fstatfs, BADFD, &sf));
	syscall(SYS_close, fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* getdents64 contents, order-independent: sorted "name type" lines. */
static void dents(void)
{
	static char buf[8192];
	char *lines[64];
	int n = 0;
	long fd, got;

	syscall(SYS_mkdir, "ls", 0755);
	make_file("ls/a", "a");
	make_file("ls/bb", "bb");
	syscall(SYS_mkdir, "ls/sub", 0755);
	syscall(SYS_symlink, "a", "ls/link");
	make_file("ls/gone", "");
	syscall(SYS_unlink, "ls/gone");
	fd = sys_open("ls", O_RDONLY | O_DIRECTORY, 0);
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (n < 64 && asprintf(&lines[n], "%s type %d", d->d_name, d->d_type) > 0)
				n++;
			off += d->d_reclen;
		}
	}
	val("getdents64 end", got);
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		say("getdents64 entry", "%s", lines[i]);
		free(lines[i]);
	}
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	val("getdents64 buffer of 1", syscall(SYS_getdents64, fd, buf, 1));
	val("getdents64 kernel buffer", syscall(SYS_getdents64, fd, KADDR, sizeof(buf)));
	syscall(SYS_close, fd);
	fd = sys_open("g", O_RDONLY, 0);
	val("getdents64 on a file", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	syscall(SYS_close, fd);
	val("getdents64 bad fd", syscall(SYS_getdents64, BADFD, buf, sizeof(buf)));
}

/* Remove @name (in the directory @dirfd) and everything under it: each
 * directory's names are read in full first, then removed one by one. */
/* sendfile: with and without an offset, into a file and a pipe, and its
 * errors. */
static void send_file(void)
{
	char buf[64] = { 0 };
	int in, out, p[2];
	off_t off = 2;

	make_file("sf.in", "0123456789");
	in = (int)sys_open("sf.in", O_RDONLY, 0);
	out = (int)sys_open("sf.out", O_CREAT | O_RDWR | O_TRUNC, 0644);
	val("sendfile: 4 at in's offset", syscall(SYS_sendfile, out, in, NULL, 4));
	val("  in's offset after", syscall(SYS_lseek, in, 0, SEEK_CUR));
	val("sendfile: 100 from offset 2", syscall(SYS_sendfile, out, in, &off, 100));
	val("  the offset after", (long)off);
	val("  in's offset untouched", syscall(SYS_lseek, in, 0, SEEK_CUR));
	val("sendfile: at the end", syscall(SYS_sendfile, out, in, &off, 10));
	val("  out holds", syscall(SYS_pread64, out, buf, sizeof(buf) - 1, 0));
	say("  bytes", "%s", buf);
	pipe(p);
	val("sendfile: into a pipe", syscall(SYS_sendfile, p[1], in, NULL, 3));
	memset(buf, 0, sizeof(buf));
	val("  the pipe holds", syscall(SYS_read, p[0], buf, sizeof(buf) - 1));
	say("  bytes", "%s", buf);
	off = 0;
	val("sendfile: offset on a pipe input", syscall(SYS_sendfile, out, p[0], &off, 1));
	val("sendfile: output opened read-only", syscall(SYS_sendfile, in, in, NULL, 1));
	val("sendfile: closed input", syscall(SYS_sendfile, out, 99, NULL, 1));
	off = -1;
	val("sendfile: negative offset", syscall(SYS_sendfile, out, in, &off, 1));
	val("sendfile: bad offset pointer", syscall(SYS_sendfile, out, in, (void *)16, 1));
	close(out);
	out = (int)sys_open("sf.out", O_WRONLY | O_APPEND, 0);
	val("sendfile: O_APPEND output", syscall(SYS_sendfile, out, in, NULL, 1));
	close(out);
	close(in);
	close(p[0]);
	close(p[1]);
	syscall(SYS_unlink, "sf.in");
	syscall(SYS_unlink, "sf.out");
}

static void remove_tree(int dirfd, const char *name)
{
	char buf[2048], *names[128];
	long fd = syscall(SYS_openat, dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0), got;
	int n = 0;

	if (fd < 0) {
		syscall(SYS_unlinkat, dirfd, name, 0);
		return;
	}
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (n < 128 && strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				names[n++] = strdup(d->d_name);
		}
	for (int i = 0; i < n; i++) {
		if (names[i])
			remove_tree((int)fd, names[i]);
		free(names[i]);
	}
	syscall(SYS_close, fd);
	syscall(SYS_unlinkat, dirfd, name, AT_REMOVEDIR);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { NOFILE, NOFILE };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || syscall(SYS_chdir, argv[1]) < 0) {
		fprintf(stderr, "usage: ufiles DIR (an existing directory to work in)\n");
		return 2;
	}
	syscall(SYS_umask, 022);
	if (syscall(SYS_mkdir, "ufiles.d", 0755) < 0 || syscall(SYS_chdir, "ufiles.d") < 0) {
		perror("ufiles: fresh ufiles.d");
		return 2;
	}
	if (syscall(SYS_getcwd, base, sizeof(base)) < 0 ||
	    syscall(SYS_setrlimit, RLIMIT_NOFILE, &rl) < 0) {
		perror("ufiles: getcwd/setrlimit");
		return 2;
	}
	base_len = strlen(base);
	descriptors();
	open_flags();
	names();
	cwd();
	attributes();
	stats();
	dents();
	send_file();
	syscall(SYS_chdir, "..");
	remove_tree(AT_FDCWD, "ufiles.d");
	say("removed the work directory", "%s",
	    syscall(SYS_access, "ufiles.d", F_OK) < 0 ? "yes" : "no");
	printf("ufiles: done\n");
	return 0;
}

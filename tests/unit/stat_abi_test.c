/*
 * include/uapi/stat.h against the host: struct linux_stat and struct
 * linux_statfs must have glibc's x86_64 struct stat / struct statfs
 * layout (offset by offset, and a real stat(2)/statfs(2) read into ours
 * must give the host's values), and the S_IF*, O_* and SEEK_* constants
 * must equal glibc's. glibc's values are captured before our header
 * (whose constants are guarded) takes the names over.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static const long host_consts[] = {
	S_IFMT,	  S_IFSOCK, S_IFLNK,  S_IFREG,	 S_IFBLK,    S_IFDIR,	  S_IFCHR,    S_IFIFO,
	S_ISUID,  S_ISGID,  S_ISVTX,  O_RDONLY,	 O_WRONLY,   O_RDWR,	  O_ACCMODE,  O_CREAT,
	O_EXCL,	  O_NOCTTY, O_TRUNC,  O_APPEND,	 O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC,
	SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE,  UTIME_NOW,	  UTIME_OMIT,
};

#undef S_IFMT
#undef S_IFSOCK
#undef S_IFLNK
#undef S_IFREG
#undef S_IFBLK
#undef S_IFDIR
#undef S_IFCHR
#undef S_IFIFO
#undef S_ISUID
#undef S_ISGID
#undef S_ISVTX
#undef S_ISLNK
#undef S_ISREG
#undef S_ISDIR
#undef O_RDONLY
#undef O_WRONLY
#undef O_RDWR
#undef O_ACCMODE
#undef O_CREAT
#undef O_EXCL
#undef O_NOCTTY
#undef O_TRUNC
#undef O_APPEND
#undef O_NONBLOCK
#undef O_DIRECTORY
#undef O_NOFOLLOW
#undef O_CLOEXEC
#undef SEEK_SET
#undef SEEK_CUR
#undef SEEK_END
#undef SEEK_DATA
#undef SEEK_HOLE

#include "include/uapi/stat.h"
#include "unit.h"

TEST(stat_constants_match_glibc)
{
	const long ours[] = {
		S_IFMT,		  S_IFSOCK, S_IFLNK,	S_IFREG,     S_IFBLK,	 S_IFDIR,
		S_IFCHR,	  S_IFIFO,  S_ISUID,	S_ISGID,     S_ISVTX,	 O_RDONLY,
		O_WRONLY,	  O_RDWR,   O_ACCMODE,	O_CREAT,     O_EXCL,	 O_NOCTTY,
		O_TRUNC,	  O_APPEND, O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC,
		SEEK_SET,	  SEEK_CUR, SEEK_END,	SEEK_DATA,   SEEK_HOLE,	 LINUX_UTIME_NOW,
		LINUX_UTIME_OMIT,
	};

	CHECK_EQ(sizeof(ours), sizeof(host_consts));
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		CHECK_EQ(ours[i], host_consts[i]);
}

TEST(stat_layout_matches_glibc)
{
	CHECK_EQ(sizeof(struct linux_stat), sizeof(struct stat));
	CHECK_EQ(offsetof(struct linux_stat, st_ino), offsetof(struct stat, st_ino));
	CHECK_EQ(offsetof(struct linux_stat, st_nlink), offsetof(struct stat, st_nlink));
	CHECK_EQ(offsetof(struct linux_stat, st_mode), offsetof(struct stat, st_mode));
	CHECK_EQ(offsetof(struct linux_stat, st_uid), offsetof(struct stat, st_uid));
	CHECK_EQ(offsetof(struct linux_stat, st_gid), offsetof(struct stat, st_gid));
	CHECK_EQ(offsetof(struct linux_stat, st_rdev), offsetof(struct stat, st_rdev));
	CHECK_EQ(offsetof(struct linux_stat, st_size), offsetof(struct stat, st_size));
	CHECK_EQ(offsetof(struct linux_stat, st_blksize), offsetof(struct stat, st_blksize));
	CHECK_EQ(offsetof(struct linux_stat, st_blocks), offsetof(struct stat, st_blocks));
	CHECK_EQ(offsetof(struct linux_stat, st_atime_sec), offsetof(struct stat, st_atim));
	CHECK_EQ(offsetof(struct linux_stat, st_mtime_sec), offsetof(struct stat, st_mtim));
	CHECK_EQ(offsetof(struct linux_stat, st_ctime_sec), offsetof(struct stat, st_ctim));
	CHECK_EQ(sizeof(struct linux_statfs), sizeof(struct statfs));
	CHECK_EQ(offsetof(struct linux_statfs, f_blocks), offsetof(struct statfs, f_blocks));
	CHECK_EQ(offsetof(struct linux_statfs, f_ffree), offsetof(struct statfs, f_ffree));
	CHECK_EQ(offsetof(struct linux_statfs, f_fsid), offsetof(struct statfs, f_fsid));
	CHECK_EQ(offsetof(struct linux_statfs, f_namelen), offsetof(struct statfs, f_namelen));
	CHECK_EQ(offsetof(struct linux_statfs, f_frsize), offsetof(struct statfs, f_frsize));
	CHECK_EQ(offsetof(struct linux_statfs, f_flags), offsetof(struct statfs, f_flags));
}

/* The host kernel fills our structs directly: the fields must agree. */
TEST(stat_host_syscalls_fill_ours)
{
	struct linux_stat ours;
	struct linux_statfs oursfs;
	struct stat host;
	struct statfs hostfs;

	CHECK_EQ(syscall(SYS_stat, "/", &ours), 0);
	CHECK_EQ(stat("/", &host), 0);
	CHECK_EQ(ours.st_ino, host.st_ino);
	CHECK_EQ(ours.st_dev, host.st_dev);
	CHECK_EQ(ours.st_mode, host.st_mode);
	CHECK_EQ(ours.st_nlink, host.st_nlink);
	CHECK_EQ(ours.st_mtime_sec, host.st_mtim.tv_sec);
	CHECK_EQ(ours.st_mtime_nsec, host.st_mtim.tv_nsec);
	CHECK(S_ISDIR(ours.st_mode));
	CHECK_EQ(syscall(SYS_statfs, "/", &oursfs), 0);
	CHECK_EQ(statfs("/", &hostfs), 0);
	CHECK_EQ(oursfs.f_type, hostfs.f_type);
	CHECK_EQ(oursfs.f_bsize, hostfs.f_bsize);
	CHECK_EQ(oursfs.f_namelen, hostfs.f_namelen);
}

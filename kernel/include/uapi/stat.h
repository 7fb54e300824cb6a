/*
 * File metadata as Linux's x86_64 ABI lays it out: struct stat
 * (arch/x86/include/uapi/asm/stat.h), struct statfs (asm-generic/statfs.h
 * on 64-bit), the S_IF* type bits and permission bits
 * (include/uapi/linux/stat.h), and the open/lseek/utimensat constants
 * (asm-generic/fcntl.h, linux/fs.h). The type and constant names carry a
 * guard so a host test may include this next to glibc's <sys/stat.h>.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks; // 512-byte units
	uint64_t st_atime_sec;
	uint64_t st_atime_nsec;
	uint64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	uint64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	int64_t unused[3];
};

_Static_assert(offsetof(struct linux_stat, st_ino) == 8, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_nlink) == 16, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_mode) == 24, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_uid) == 28, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_gid) == 32, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_rdev) == 40, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_size) == 48, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_blksize) == 56, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_blocks) == 64, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_atime_sec) == 72, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_mtime_sec) == 88, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_ctime_sec) == 104, "stat ABI");
_Static_assert(offsetof(struct linux_stat, st_ctime_nsec) == 112, "stat ABI");
_Static_assert(sizeof(struct linux_stat) == 144, "stat ABI");

struct linux_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};

_Static_assert(offsetof(struct linux_statfs, f_fsid) == 56, "statfs ABI");
_Static_assert(offsetof(struct linux_statfs, f_namelen) == 64, "statfs ABI");
_Static_assert(offsetof(struct linux_statfs, f_flags) == 80, "statfs ABI");
_Static_assert(sizeof(struct linux_statfs) == 120, "statfs ABI");

/* statx(2)'s result (include/uapi/linux/stat.h). */
struct linux_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct linux_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major;
	uint32_t stx_rdev_minor;
	uint32_t stx_dev_major;
	uint32_t stx_dev_minor;
	uint64_t spare2[14]; // stx_mnt_id and newer fields: zero
};

_Static_assert(offsetof(struct linux_statx, stx_ino) == 0x20, "statx ABI");
_Static_assert(offsetof(struct linux_statx, stx_atime) == 0x40, "statx ABI");
_Static_assert(offsetof(struct linux_statx, stx_mtime) == 0x70, "statx ABI");
_Static_assert(offsetof(struct linux_statx, stx_rdev_major) == 0x80, "statx ABI");
_Static_assert(sizeof(struct linux_statx) == 0x100, "statx ABI");

#define LINUX_STATX_BASIC_STATS 0x7ffu // type, mode, nlink, uid, gid, times, ino, size, blocks
#define LINUX_STATX__RESERVED 0x80000000u

/* A time stamp as utimensat(2) takes it (struct timespec on x86_64). */
struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

#define LINUX_UTIME_NOW ((1l << 30) - 1l)  // tv_nsec: set to the current time
#define LINUX_UTIME_OMIT ((1l << 30) - 2l) // tv_nsec: leave unchanged

#ifndef S_IFMT
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISUID 0004000
#define S_ISGID 0002000
#define S_ISVTX 0001000
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#endif
#ifndef S_ISFIFO
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#endif
#define S_MODE_PERM 07777 // permission and set-id bits

#ifndef O_ACCMODE
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_CLOEXEC 02000000
#endif

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

#define TMPFS_MAGIC 0x01021994 // statfs f_type (include/uapi/linux/magic.h)

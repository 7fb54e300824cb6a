/*
 * The record getdents64(2) fills a user buffer with, byte for byte as Linux
 * lays it out (include/linux/dirent.h, fs/readdir.c filldir64), and the
 * d_type values (include/linux/fs_types.h). A record is d_reclen bytes: the
 * 19-byte header, the name, its NUL and padding up to a multiple of 8.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct linux_dirent64 {
	uint64_t d_ino;	   // inode number
	int64_t d_off;	   // offset of the NEXT record, for lseek to resume
	uint16_t d_reclen; // this record's size, a multiple of 8
	uint8_t d_type;	   // DT_*
	char d_name[];	   // NUL-terminated
};

_Static_assert(offsetof(struct linux_dirent64, d_ino) == 0, "linux_dirent64 ABI");
_Static_assert(offsetof(struct linux_dirent64, d_off) == 8, "linux_dirent64 ABI");
_Static_assert(offsetof(struct linux_dirent64, d_reclen) == 16, "linux_dirent64 ABI");
_Static_assert(offsetof(struct linux_dirent64, d_type) == 18, "linux_dirent64 ABI");
_Static_assert(offsetof(struct linux_dirent64, d_name) == 19, "linux_dirent64 ABI");

/* d_type: the file type bits of st_mode shifted right by 12. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
#define DT_WHT 14

/*
 * The ext2 on-disk format: superblock, group descriptor, inode and
 * directory entry, little-endian, with the offsets the format fixes
 * checked at compile time. Sources: "The Second Extended File System"
 * (Dave Poirier, nongnu.org/ext2-doc), Linux include/linux/ext2_fs.h and
 * fs/ext2/ext2.h, e2fsprogs lib/ext2fs/ext2_fs.h. x86_64 is little-endian,
 * so the fields are read as they lie.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SUPER_OFFSET 1024 // bytes from the start of the device
#define EXT2_SUPER_SIZE 1024
#define EXT2_MIN_BLOCK_LOG 10 // 1 KiB
#define EXT2_MAX_BLOCK_LOG 12 // 4 KiB: the most the buffer cache holds
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_NAME_LEN 255
#define EXT2_LINK_MAX 32000
#define EXT2_FAST_SYMLINK_MAX (EXT2_N_BLOCKS * 4) // bytes of i_block

/* s_state */
#define EXT2_VALID_FS 0x0001
#define EXT2_ERROR_FS 0x0002

/* s_rev_level */
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1

/* Feature bits (compat ones need no support to mount). */
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPP \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* i_flags */
#define EXT2_INDEX_FL 0x00001000 // hashed (htree) directory
#define EXT4_EXTENTS_FL 0x00080000

/* Directory entry file types (with the filetype feature). */
enum ext2_ftype {
	EXT2_FT_UNKNOWN = 0,
	EXT2_FT_REG_FILE = 1,
	EXT2_FT_DIR = 2,
	EXT2_FT_CHRDEV = 3,
	EXT2_FT_BLKDEV = 4,
	EXT2_FT_FIFO = 5,
	EXT2_FT_SOCK = 6,
	EXT2_FT_SYMLINK = 7,
	EXT2_FT_MAX = 8,
};

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only: */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint8_t s_rest[1024 - 268];
} __packed;

_Static_assert(sizeof(struct ext2_super) == EXT2_SUPER_SIZE, "ext2 superblock size");
_Static_assert(offsetof(struct ext2_super, s_magic) == 56, "s_magic");
_Static_assert(offsetof(struct ext2_super, s_rev_level) == 76, "s_rev_level");
_Static_assert(offsetof(struct ext2_super, s_first_ino) == 84, "s_first_ino");
_Static_assert(offsetof(struct ext2_super, s_feature_compat) == 92, "s_feature_compat");
_Static_assert(offsetof(struct ext2_super, s_uuid) == 104, "s_uuid");
_Static_assert(offsetof(struct ext2_super, s_last_mounted) == 136, "s_last_mounted");
_Static_assert(offsetof(struct ext2_super, s_reserved_gdt_blocks) == 206, "s_reserved_gdt");
_Static_assert(offsetof(struct ext2_super, s_hash_seed) == 236, "s_hash_seed");
_Static_assert(offsetof(struct ext2_super, s_mkfs_time) == 264, "s_mkfs_time");

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint8_t bg_reserved[12];
} __packed;

_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor");
_Static_assert(offsetof(struct ext2_group_desc, bg_free_blocks_count) == 12, "bg_free_blocks");
_Static_assert(offsetof(struct ext2_group_desc, bg_used_dirs_count) == 16, "bg_used_dirs");

struct ext2_disk_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; // 512-byte units, indirect blocks included
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high; // i_dir_acl in revision 0; large_file: size bits 32..63
	uint32_t i_faddr;
	uint16_t l_i_blocks_hi;
	uint16_t l_i_file_acl_high;
	uint16_t l_i_uid_high;
	uint16_t l_i_gid_high;
	uint16_t l_i_checksum_lo;
	uint16_t l_i_reserved;
}; // naturally aligned: no packing, so i_block[] may be pointed at

_Static_assert(sizeof(struct ext2_disk_inode) == EXT2_GOOD_OLD_INODE_SIZE, "ext2 inode");
_Static_assert(offsetof(struct ext2_disk_inode, i_links_count) == 26, "i_links_count");
_Static_assert(offsetof(struct ext2_disk_inode, i_block) == 40, "i_block");
_Static_assert(offsetof(struct ext2_disk_inode, i_size_high) == 108, "i_size_high");
_Static_assert(offsetof(struct ext2_disk_inode, l_i_uid_high) == 120, "l_i_uid_high");

/* A directory entry's fixed part; the name follows, rec_len covers it
 * and any slack up to the next entry (a multiple of 4, never crossing a
 * block). Without the filetype feature name_len is 16 bits, and names
 * are at most 255 bytes either way, so file_type is then 0. */
struct ext2_dirent {
	uint32_t inode; // 0: unused
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
} __packed;

#define EXT2_DIRENT_HDR 8
_Static_assert(sizeof(struct ext2_dirent) == EXT2_DIRENT_HDR, "ext2 dirent");

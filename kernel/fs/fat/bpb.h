/*
 * FAT boot sector (BIOS Parameter Block) parsing and FAT type detection:
 * the geometry every other part of the driver computes with. The type is
 * decided by the count of data clusters, never by the label string
 * (Microsoft FAT specification "fatgen103", section 3.5 "FAT Type
 * Determination"): below 4085 clusters FAT12, below 65525 FAT16, else
 * FAT32. Pure: host-testable (bpb.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/compiler.h"

enum fat_type {
	FAT12 = 12,
	FAT16 = 16,
	FAT32 = 32,
};

#define FAT12_MAX_CLUSTERS 4084u       // fatgen103 §3.5: < 4085
#define FAT16_MAX_CLUSTERS 65524u      // fatgen103 §3.5: < 65525
#define FAT32_MAX_CLUSTERS 0x0FFFFFF5u // entries 2..0x0FFFFFF6
#define FAT_MAX_CLUSTER_BYTES 65536u   // what mkfs.fat can make; fatgen103 says 32 KiB
#define FAT_DIRENT_SIZE 32u

/* Offsets of the fields in the boot sector (fatgen103 §3.1-3.3). */
enum {
	BPB_BYTS_PER_SEC = 11,
	BPB_SEC_PER_CLUS = 13,
	BPB_RSVD_SEC_CNT = 14,
	BPB_NUM_FATS = 16,
	BPB_ROOT_ENT_CNT = 17,
	BPB_TOT_SEC16 = 19,
	BPB_MEDIA = 21,
	BPB_FAT_SZ16 = 22,
	BPB_TOT_SEC32 = 32,
	BS16_RESERVED1 = 37, // FAT12/16: Linux's "state" byte; bit 0 = dirty
	BS16_BOOT_SIG = 38,
	BS16_VOL_ID = 39,
	BS16_VOL_LAB = 43,
	BPB32_FAT_SZ32 = 36,
	BPB32_EXT_FLAGS = 40,
	BPB32_FS_VER = 42,
	BPB32_ROOT_CLUS = 44,
	BPB32_FS_INFO = 48,
	BPB32_BK_BOOT_SEC = 50,
	BS32_RESERVED1 = 65, // FAT32: the same state byte
	BS32_BOOT_SIG = 66,
	BS32_VOL_ID = 67,
	BS32_VOL_LAB = 71,
	BS_SIGNATURE = 510, // 0x55 0xAA
};

#define FAT_STATE_DIRTY 0x01 // in BS_Reserved1, as Linux and dosfstools use it

/* FSInfo sector (fatgen103 §5). */
enum {
	FSI_LEAD_SIG = 0,    // 0x41615252
	FSI_STRUC_SIG = 484, // 0x61417272
	FSI_FREE_COUNT = 488,
	FSI_NXT_FREE = 492,
	FSI_TRAIL_SIG = 508, // 0xAA550000
};
#define FSI_LEAD_MAGIC 0x41615252u
#define FSI_STRUC_MAGIC 0x61417272u
#define FSI_TRAIL_MAGIC 0xAA550000u

/* A volume's geometry. Sector numbers are in units of sector_size. */
struct fat_geom {
	enum fat_type type;
	uint32_t sector_size;  // 512, 1024, 2048 or 4096
	uint32_t sec_per_clus; // a power of two, 1..128
	uint32_t cluster_size; // bytes, at most FAT_MAX_CLUSTER_BYTES
	uint32_t reserved;     // sectors before the first FAT
	uint32_t nr_fats;      // 1 or 2
	uint32_t fat_sectors;  // per FAT
	uint32_t root_entries; // FAT12/16 fixed root directory entries
	uint32_t root_sectors; // their sectors (0 on FAT32)
	uint64_t total_sectors;
	uint64_t root_start; // FAT12/16: first sector of the root directory
	uint64_t data_start; // first sector of cluster 2
	uint32_t nr_clusters;
	uint32_t max_cluster;	// nr_clusters + 1, the highest valid cluster
	uint32_t root_cluster;	// FAT32 only
	uint32_t fsinfo_sector; // FAT32: 0 means none
	uint32_t active_fat;	// FAT32 with mirroring off: the one FAT in use
	bool mirror;		// every FAT is written (FAT12/16 always)
	uint8_t media;
};

/*
 * Parse the boot sector @bs (@len >= 512 bytes) of a device of
 * @dev_bytes bytes into @g. Returns 0, or -EINVAL with *@why (a short
 * static reason, for a log line) when it is not a FAT volume this driver
 * can mount: bad signature, sizes that are not powers of two, zero or
 * absurd counts, FATs too small for the clusters, a volume larger than
 * the device.
 */
int fat_bpb_parse(const uint8_t *bs, size_t len, uint64_t dev_bytes, struct fat_geom *g,
		  const char **why) __must_check;

/* The first sector of cluster @cl (2..max_cluster). */
static inline uint64_t fat_cluster_sector(const struct fat_geom *g, uint32_t cl)
{
	return g->data_start + (uint64_t)(cl - 2) * g->sec_per_clus;
}

static inline uint16_t fat_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t fat_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void fat_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void fat_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

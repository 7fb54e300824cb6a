/*
 * FAT boot sector parsing (fatgen103 §3.1-3.5): every field the driver
 * uses is checked for zero and absurd values before anything is computed
 * from it, so a hostile or truncated image is refused here with a reason
 * rather than later with a wild block number.
 * Pure: host-testable.
 */
#include "fs/fat/bpb.h"

#include "include/uapi/errno.h"

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

/* The fields common to all three types. */
static int parse_common(const uint8_t *bs, struct fat_geom *g, const char **why)
{
	if (bs[BS_SIGNATURE] != 0x55 || bs[BS_SIGNATURE + 1] != 0xAA)
		return fail(why, "no boot sector signature");
	if (bs[0] != 0xEB && bs[0] != 0xE9)
		return fail(why, "no jump instruction");
	g->sector_size = fat_le16(bs + BPB_BYTS_PER_SEC);
	if (!is_pow2(g->sector_size) || g->sector_size < 512 || g->sector_size > 4096)
		return fail(why, "bad bytes per sector");
	g->sec_per_clus = bs[BPB_SEC_PER_CLUS];
	if (!is_pow2(g->sec_per_clus))
		return fail(why, "bad sectors per cluster");
	g->cluster_size = g->sec_per_clus * g->sector_size;
	if (g->cluster_size > FAT_MAX_CLUSTER_BYTES)
		return fail(why, "cluster too large");
	g->reserved = fat_le16(bs + BPB_RSVD_SEC_CNT);
	if (!g->reserved)
		return fail(why, "no reserved sectors");
	g->nr_fats = bs[BPB_NUM_FATS];
	if (g->nr_fats < 1 || g->nr_fats > 2)
		return fail(why, "bad number of FATs");
	g->media = bs[BPB_MEDIA];
	if (g->media != 0xF0 && g->media < 0xF8)
		return fail(why, "bad media byte");
	g->root_entries = fat_le16(bs + BPB_ROOT_ENT_CNT);
	g->total_sectors = fat_le16(bs + BPB_TOT_SEC16);
	if (!g->total_sectors)
		g->total_sectors = fat_le32(bs + BPB_TOT_SEC32);
	if (!g->total_sectors)
		return fail(why, "no sectors");
	g->fat_sectors = fat_le16(bs + BPB_FAT_SZ16);
	if (!g->fat_sectors)
		g->fat_sectors = fat_le32(bs + BPB32_FAT_SZ32);
	if (!g->fat_sectors)
		return fail(why, "FAT size 0");
	return 0;
}

/* The FAT32 extension (fatgen103 §3.3), once the type is known. */
static int parse_fat32(const uint8_t *bs, struct fat_geom *g, const char **why)
{
	uint16_t ext = fat_le16(bs + BPB32_EXT_FLAGS);

	if (g->root_entries || fat_le16(bs + BPB_FAT_SZ16))
		return fail(why, "FAT32 with FAT16 fields");
	if (fat_le16(bs + BPB32_FS_VER))
		return fail(why, "unknown FAT32 version");
	g->root_cluster = fat_le32(bs + BPB32_ROOT_CLUS);
	if (g->root_cluster < 2 || g->root_cluster > g->max_cluster)
		return fail(why, "root cluster outside the volume");
	g->fsinfo_sector = fat_le16(bs + BPB32_FS_INFO);
	if (g->fsinfo_sector == 0xFFFF || g->fsinfo_sector >= g->reserved)
		g->fsinfo_sector = 0;
	g->mirror = !(ext & 0x80);
	g->active_fat = g->mirror ? 0 : (ext & 0x0F);
	if (g->active_fat >= g->nr_fats)
		return fail(why, "active FAT does not exist");
	return 0;
}

int fat_bpb_parse(const uint8_t *bs, size_t len, uint64_t dev_bytes, struct fat_geom *g,
		  const char **why)
{
	uint64_t meta, data_sectors, clusters, fat_bytes, need;
	int err;

	*g = (struct fat_geom){ 0 };
	if (len < 512)
		return fail(why, "short boot sector");
	err = parse_common(bs, g, why);
	if (err)
		return err;
	g->root_sectors = (g->root_entries * FAT_DIRENT_SIZE + g->sector_size - 1) / g->sector_size;
	meta = g->reserved + (uint64_t)g->nr_fats * g->fat_sectors + g->root_sectors;
	if (meta >= g->total_sectors)
		return fail(why, "no room for data");
	if (g->total_sectors * g->sector_size > dev_bytes)
		return fail(why, "volume larger than the device");
	data_sectors = g->total_sectors - meta;
	clusters = data_sectors / g->sec_per_clus;
	if (clusters < 1)
		return fail(why, "no clusters");
	if (clusters > FAT32_MAX_CLUSTERS)
		return fail(why, "too many clusters");
	g->nr_clusters = (uint32_t)clusters;
	g->max_cluster = g->nr_clusters + 1;
	g->root_start = g->reserved + (uint64_t)g->nr_fats * g->fat_sectors;
	g->data_start = g->root_start + g->root_sectors;
	if (clusters <= FAT12_MAX_CLUSTERS)
		g->type = FAT12;
	else if (clusters <= FAT16_MAX_CLUSTERS)
		g->type = FAT16;
	else
		g->type = FAT32;
	g->mirror = true;
	if (g->type == FAT32) {
		err = parse_fat32(bs, g, why);
		if (err)
			return err;
	} else if (!g->root_entries) {
		return fail(why, "FAT12/16 without a root directory");
	}
	fat_bytes = (uint64_t)g->fat_sectors * g->sector_size;
	need = ((uint64_t)g->max_cluster + 1) * (unsigned int)g->type;
	if (fat_bytes * 8 < need)
		return fail(why, "FAT too small for the clusters");
	return 0;
}
